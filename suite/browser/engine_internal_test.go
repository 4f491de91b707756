package browser

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
)

// The package's tests share one Chromium: starting it is most of what a
// test would otherwise take. Each test's Browser has its own contexts, so
// they share no cookies or pages.
var shared struct {
	once sync.Once
	e    *Engine
	err  error
}

// SharedTestEngine is the Chromium the package's tests share, started by
// the first test that needs it and stopped by TestMain. Without Chromium or
// the driver, the test is skipped (outside CI).
func SharedTestEngine(t testing.TB) *Engine {
	t.Helper()
	shared.once.Do(func() {
		shared.e, shared.err = StartEngine(Options{Executable: os.Getenv("AUTHSPEC_CHROMIUM"), DriverDir: os.Getenv("PLAYWRIGHT_DRIVER_PATH")})
	})
	if errors.Is(shared.err, ErrUnavailable) && os.Getenv("CI") == "" {
		t.Skipf("%v", shared.err)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.e
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.e != nil {
		if err := shared.e.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "stop the shared Chromium:", err)
		}
	}
	os.Exit(code)
}
