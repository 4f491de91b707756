package testutil

import (
	"errors"
	"os"
	"testing"

	"github.com/authspec/authspec/suite/browser"
)

// Chromium finds the Chromium that tests drive (AUTHSPEC_CHROMIUM and
// PLAYWRIGHT_DRIVER_PATH when set, else what make deps installed). Where
// there is none, the test is skipped on a developer's machine and fails in
// CI, which must run it.
func Chromium(tb testing.TB) browser.Options {
	tb.Helper()
	opts := browser.Options{Executable: os.Getenv("AUTHSPEC_CHROMIUM"), DriverDir: os.Getenv("PLAYWRIGHT_DRIVER_PATH")}
	if err := opts.Find(); err != nil {
		if errors.Is(err, browser.ErrUnavailable) && os.Getenv("CI") == "" {
			tb.Skipf("%v", err)
		}
		tb.Fatal(err)
	}
	return opts
}
