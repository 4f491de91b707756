// Package browser gets through a target's login and consent pages the way a
// person would: in a real Chromium driven by playwright-go, following the
// recipe in the target config (login, consent and deny steps). It implements
// fixture.Authorizer; one browser serves a run, each flow gets a fresh
// context (no shared cookies), and parallel flows are bounded.
package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// DriverVersion is the Playwright driver that playwright-go v0.5200.1 speaks
// to; scripts/install-browser.sh installs it from npm.
const DriverVersion = "1.52.0"

// Options configure the browser.
type Options struct {
	// Executable is the Chromium binary (default: $AUTHSPEC_CHROMIUM, else
	// chromium or chromium-browser on PATH).
	Executable string
	// DriverDir holds the Playwright driver (default: $PLAYWRIGHT_DRIVER_PATH,
	// else ~/.cache/ms-playwright-go/1.52.0).
	DriverDir string
	// Parallel bounds concurrent flows (default 2).
	Parallel int
	// StepTimeout bounds each step and navigation (default 10 s).
	StepTimeout time.Duration
	// Recipe is how a person gets through the target's pages.
	Recipe target.BrowserConfig
}

// ErrUnavailable reports that Chromium or the driver is missing.
var ErrUnavailable = errors.New("browser unavailable")

// Find resolves the executable and driver directory, or says precisely what
// is missing and how to install it.
func (o *Options) Find() error {
	if o.Executable == "" {
		o.Executable = os.Getenv("AUTHSPEC_CHROMIUM")
	}
	if o.Executable == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				o.Executable = p
				break
			}
		}
	}
	if o.Executable == "" {
		return fmt.Errorf("%w: no Chromium found (install it with scripts/install-browser.sh, or set AUTHSPEC_CHROMIUM)", ErrUnavailable)
	}
	if o.DriverDir == "" {
		o.DriverDir = os.Getenv("PLAYWRIGHT_DRIVER_PATH")
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

// Browser is a launched Chromium shared by a run.
type Browser struct {
	opts    Options
	pw      *playwright.Playwright
	browser playwright.Browser
	sem     chan struct{}
}

// Launch starts the driver and Chromium.
func Launch(opts Options) (*Browser, error) {
	if err := opts.Find(); err != nil {
		return nil, err
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 2
	}
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = 10 * time.Second
	}
	pw, err := playwright.Run(&playwright.RunOptions{DriverDirectory: opts.DriverDir, SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		return nil, fmt.Errorf("start the Playwright driver: %w", err)
	}
	b, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(opts.Executable),
		Headless:       playwright.Bool(true),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"},
	})
	if err != nil {
		_ = pw.Stop()
		return nil, fmt.Errorf("launch Chromium %s: %w", opts.Executable, err)
	}
	return &Browser{opts: opts, pw: pw, browser: b, sem: make(chan struct{}, opts.Parallel)}, nil
}

// Close stops Chromium and the driver.
func (b *Browser) Close() error {
	var errs []error
	if err := b.browser.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close Chromium: %w", err))
	}
	if err := b.pw.Stop(); err != nil {
		errs = append(errs, fmt.Errorf("stop the Playwright driver: %w", err))
	}
	return errors.Join(errs...)
}

var _ fixture.Authorizer = (*Browser)(nil)

// Authorize implements fixture.Authorizer: it opens authURL in a fresh
// context, plays the login recipe, then the consent (or deny) recipe, and
// returns the redirect to redirectURI, which is intercepted and never sent.
func (b *Browser) Authorize(ctx context.Context, hc *httpx.Client, authURL, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	select {
	case b.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a browser slot: %w", ctx.Err())
	}
	defer func() { <-b.sem }()
	bctx, err := b.browser.NewContext()
	if err != nil {
		return nil, fmt.Errorf("new browser context: %w", err)
	}
	defer bctx.Close()
	bctx.SetDefaultTimeout(float64(b.opts.StepTimeout.Milliseconds()))

	out := &fixture.AuthzResult{Interactive: true}
	var mu sync.Mutex
	var callback *url.URL
	got := make(chan struct{})
	matches := func(raw string) bool {
		u, err := url.Parse(raw)
		return err == nil && fixture.MatchesRedirect(u, redirectURI)
	}
	capture := func(raw string) {
		u, err := url.Parse(raw)
		mu.Lock()
		defer mu.Unlock()
		if err == nil && callback == nil {
			callback = u
			close(got)
		}
	}
	// The redirect to the client usually ends a redirect chain, which
	// Playwright does not route; the request event fires for every hop, so
	// the response is captured there. Routing still answers a direct
	// navigation so that the browser never needs a listener at the client.
	bctx.OnRequest(func(r playwright.Request) {
		if matches(r.URL()) {
			capture(r.URL())
		}
	})
	if err := bctx.Route(matches, func(r playwright.Route) {
		capture(r.Request().URL())
		_ = r.Fulfill(playwright.RouteFulfillOptions{Status: playwright.Int(200), ContentType: playwright.String("text/plain"),
			Body: "authspec received the authorization response"})
	}); err != nil {
		return nil, fmt.Errorf("intercept the redirect URI: %w", err)
	}
	page, err := bctx.NewPage()
	if err != nil {
		return nil, fmt.Errorf("new page: %w", err)
	}
	page.OnResponse(func(r playwright.Response) {
		if !r.Request().IsNavigationRequest() || r.Frame() != page.MainFrame() || matches(r.URL()) {
			return
		}
		mu.Lock()
		out.Pages = append(out.Pages, fixture.PageVisit{URL: hc.Transport().Redact(r.URL()), Status: r.Status(), Header: r.Headers()})
		mu.Unlock()
	})
	done := func() bool {
		select {
		case <-got:
			return true
		default:
			return false
		}
	}
	result := func() *fixture.AuthzResult {
		mu.Lock()
		defer mu.Unlock()
		out.Callback = callback
		return out
	}
	fail := func(err error) (*fixture.AuthzResult, error) {
		if shot, serr := page.Screenshot(playwright.PageScreenshotOptions{FullPage: playwright.Bool(true)}); serr == nil {
			out.Attachments = append(out.Attachments, fixture.Attachment{Name: "screenshot at " + page.URL(), ContentType: "image/png", Data: shot})
		}
		return result(), err
	}

	if _, err := page.Goto(authURL); err != nil && !done() {
		return fail(fmt.Errorf("open the authorization URL: %w", err))
	}
	hc.Record(httpx.Exchange{Request: httpx.Request{Method: "GET", URL: hc.Transport().Redact(redactQuery(authURL))},
		Note: "authorization request in the browser"})
	stages := []struct {
		name  string
		steps []target.Step
	}{{"login", b.opts.Recipe.Login}, {"consent", b.opts.Recipe.Consent}}
	if flow == fixture.FlowDeny {
		stages[1] = struct {
			name  string
			steps []target.Step
		}{"deny", b.opts.Recipe.Deny}
	}
	for _, st := range stages {
		if done() {
			break
		}
		b.notePage(page, &mu, out, st.name)
		if flow == fixture.FlowInspect && st.name == "consent" {
			form, err := consentForm(page, bctx, st.steps)
			if err != nil {
				return fail(err)
			}
			out.Consent = form
			return result(), nil
		}
		if err := play(ctx, page, st.steps, done); err != nil {
			return fail(err)
		}
	}
	select {
	case <-got:
	case <-time.After(b.opts.StepTimeout):
		return fail(fmt.Errorf("the browser did not reach the redirect URI; it is at %s", page.URL()))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	return result(), nil
}

// notePage records the visible text of the current page as the page of a
// recipe stage, so that checks can read what a person was shown.
func (b *Browser) notePage(page playwright.Page, mu *sync.Mutex, out *fixture.AuthzResult, stage string) {
	_ = page.WaitForLoadState()
	text, err := page.Locator("body").InnerText(playwright.LocatorInnerTextOptions{Timeout: playwright.Float(2000)})
	if err != nil {
		return
	}
	if len(text) > 8192 {
		text = text[:8192]
	}
	mu.Lock()
	defer mu.Unlock()
	for i := len(out.Pages) - 1; i >= 0; i-- {
		if out.Pages[i].URL == page.URL() || i == len(out.Pages)-1 {
			out.Pages[i].Stage, out.Pages[i].Text = stage, text
			return
		}
	}
	out.Pages = append(out.Pages, fixture.PageVisit{URL: page.URL(), Stage: stage, Text: text})
}

func redactQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for _, p := range []string{"code_challenge", "state"} {
		if q.Has(p) {
			q.Set(p, "…")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
