package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/playwright-community/playwright-go"
)

// Find resolves the executable and driver directory, or says precisely what
// is missing and how to install it.
func (o *Options) Find() error {
	if o.Executable == "" {
		for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				o.Executable = p
				break
			}
		}
	}
	if o.Executable == "" {
		return fmt.Errorf("%w: no Chromium found (install it with scripts/install-browser.sh, or name it: Options.Executable, AUTHSPEC_CHROMIUM for the authspec command)", ErrUnavailable)
	}
	if o.DriverDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		o.DriverDir = filepath.Join(home, ".cache", "ms-playwright-go", DriverVersion)
	}
	if _, err := os.Stat(filepath.Join(o.DriverDir, "package", "cli.js")); err != nil {
		return fmt.Errorf("%w: the Playwright driver %s is not in %s (run scripts/install-browser.sh)", ErrUnavailable, DriverVersion, o.DriverDir)
	}
	return nil
}

// Engine is a running Playwright driver and Chromium. Launch starts one
// for each Browser unless Options.Engine names one to share: a program that
// runs several targets, or a test package, starts Chromium once. Every flow
// of every Browser has its own browser context, so Browsers sharing an
// engine share no cookies or pages.
type Engine struct {
	pw        *playwright.Playwright
	browser   playwright.Browser
	sandboxed bool
	why       string // why not sandboxed
}

// StartEngine starts the driver and Chromium found by opts (Executable,
// DriverDir); the other options are those of each Launch.
func StartEngine(opts Options) (*Engine, error) {
	if err := opts.Find(); err != nil {
		return nil, err
	}
	pw, err := playwright.Run(&playwright.RunOptions{DriverDirectory: opts.DriverDir, SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		return nil, fmt.Errorf("start the Playwright driver: %w", err)
	}
	sandbox, why := sandboxPossible()
	b, err := launchChromium(pw, opts.Executable, sandbox, opts.TrustedKeys)
	if err != nil && sandbox {
		// No usable sandbox (user namespaces disabled, no setuid helper):
		// Chromium refuses to start with it.
		if b2, err2 := launchChromium(pw, opts.Executable, false, opts.TrustedKeys); err2 == nil {
			b, err, sandbox = b2, nil, false
			why = "Chromium could not start with its sandbox on this machine (" + firstLine(err.Error()) + ")"
		}
	}
	if err != nil {
		_ = pw.Stop()
		return nil, fmt.Errorf("launch Chromium %s: %w", opts.Executable, err)
	}
	return &Engine{pw: pw, browser: b, sandboxed: sandbox, why: why}, nil
}

// Close stops Chromium and the driver.
func (e *Engine) Close() error {
	var errs []error
	if err := e.browser.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close Chromium: %w", err))
	}
	if err := e.pw.Stop(); err != nil {
		errs = append(errs, fmt.Errorf("stop the Playwright driver: %w", err))
	}
	return errors.Join(errs...)
}

// sandboxPossible reports whether Chromium may keep its sandbox, and why
// not: Chromium refuses its sandbox to root. Elsewhere the sandbox is tried
// first (it needs user namespaces or a setuid helper).
func sandboxPossible() (bool, string) {
	if os.Geteuid() == 0 {
		return false, "authspec runs as root, and Chromium refuses its sandbox to root (run authspec as an ordinary user to keep it)"
	}
	return true, ""
}

// launchChromium starts Chromium. trusted are public key hashes of CAs
// whose chains it accepts besides the system's: Chromium ignores the
// certificate errors of a chain that holds one of those keys, and only of
// such a chain (--ignore-certificate-errors-spki-list, honoured with the
// user data directory Playwright gives every launch).
func launchChromium(pw *playwright.Playwright, executable string, sandbox bool, trusted []string) (playwright.Browser, error) {
	args := []string{"--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"}
	if !sandbox {
		args = append(args, "--no-sandbox")
	}
	if len(trusted) > 0 {
		args = append(args, "--ignore-certificate-errors-spki-list="+strings.Join(trusted, ","))
	}
	return pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath:  playwright.String(executable),
		Headless:        playwright.Bool(true),
		ChromiumSandbox: playwright.Bool(sandbox),
		Args:            args,
	})
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
