package interop_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"golang.org/x/oauth2"

	"github.com/authspec/authspec/server"
)

// TestBrowserConsent is the flow of a person using an application, through
// the server's login and consent pages in a real Chromium: the application
// (x/oauth2 with client_secret_basic and a loopback redirect URI) sends the
// browser to the authorization endpoint, the person signs in as alice and
// decides on the consent page, and the browser brings the answer back to
// the application.
func TestBrowserConsent(t *testing.T) {
	// allow: the application redeems the code (PKCE, resource), uses the
	// token, refreshes it and revokes it.
	t.Run("allow", func(t *testing.T) {
		f := newBrowserFlow(t)
		f.signInToConsent(t)

		clickAndArrive(t, f.page, "#allow", f.callback.URL+"?")
		q := f.callback.wait(t)
		f.checkResponse(t, q)
		if q.Get("code") == "" {
			t.Fatalf("authorization response %v, want a code", q)
		}

		ctx := clientContext(t)
		tok, err := f.cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(f.verifier), f.resource())
		if err != nil {
			t.Fatalf("Exchange: %v", err)
		}
		// The token is for the person who signed in.
		res, err := oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)).Get(f.srv.ResourceURL())
		if err != nil {
			t.Fatal(err)
		}
		var who struct {
			Subject string `json:"subject"`
		}
		if body := readBody(t, res); res.StatusCode != http.StatusOK || json.Unmarshal(body, &who) != nil || who.Subject != "alice" {
			t.Fatalf("resource: %d %s, want 200 for alice", res.StatusCode, body)
		}

		expired := *tok
		expired.Expiry = time.Now().Add(-time.Minute)
		fresh, err := f.cfg.TokenSource(ctx, &expired).Token()
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if status, _ := resourceStatus(t, f.srv.ResourceURL(), fresh); status != http.StatusOK {
			t.Fatalf("resource with the refreshed token: %d, want 200", status)
		}
		// Revoking the refresh token ends the whole grant.
		revoke(t, f.md.RevocationEndpoint, f.cfg, fresh.RefreshToken, "refresh_token")
		for _, at := range []*oauth2.Token{tok, fresh} {
			if status, _ := resourceStatus(t, f.srv.ResourceURL(), at); status != http.StatusUnauthorized {
				t.Fatalf("resource after revocation: %d, want 401", status)
			}
		}
	})

	// deny: the application gets error=access_denied with its state (RFC
	// 6749 §4.1.2.1) and no code.
	t.Run("deny", func(t *testing.T) {
		f := newBrowserFlow(t)
		f.signInToConsent(t)

		must(t, f.page.Locator("#deny").Click())
		q := f.callback.wait(t)
		f.checkResponse(t, q)
		if q.Get("error") != "access_denied" || q.Has("code") {
			t.Fatalf("authorization response %v, want error=access_denied and no code", q)
		}
	})
}

// browserFlow is one authorization in the browser: a server in form-consent
// mode, an x/oauth2 client registered with a loopback redirect URI, and a
// page in a fresh browser context.
type browserFlow struct {
	srv        *server.Server
	md         asMetadata
	cfg        *oauth2.Config
	clientName string
	callback   *callbackServer
	state      string
	verifier   string

	page       playwright.Page
	consentPNG []byte // screenshot of the consent page, saved if t fails
}

func newBrowserFlow(t *testing.T) *browserFlow {
	t.Helper()
	f := &browserFlow{page: newPage(t), clientName: "Interop Browser Client",
		state: rand.Text(), verifier: oauth2.GenerateVerifier()}
	f.srv = startServer(t, server.Config{Consent: server.ConsentForm})
	f.md = discover(t, f.srv.Issuer())
	f.callback = startCallback(t)
	reg := register(t, f.md, map[string]any{
		"client_name":                f.clientName,
		"redirect_uris":              []string{f.callback.URL},
		"token_endpoint_auth_method": "client_secret_basic",
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
	})
	f.cfg = &oauth2.Config{
		ClientID:     reg.ClientID,
		ClientSecret: reg.ClientSecret,
		RedirectURL:  f.callback.URL,
		Scopes:       []string{"read"},
		Endpoint: oauth2.Endpoint{
			AuthURL:   f.md.AuthorizationEndpoint,
			TokenURL:  f.md.TokenEndpoint,
			AuthStyle: oauth2.AuthStyleInHeader,
		},
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		if f.consentPNG != nil {
			saveArtifact(t, "consent.png", f.consentPNG)
		}
		if png, err := f.page.Screenshot(playwright.PageScreenshotOptions{FullPage: playwright.Bool(true)}); err == nil {
			t.Logf("the page at failure was %s", f.page.URL())
			saveArtifact(t, "failure.png", png)
		}
	})
	return f
}

func (f *browserFlow) resource() oauth2.AuthCodeOption {
	return oauth2.SetAuthURLParam("resource", f.srv.ResourceURL())
}

// signInToConsent opens the authorization URL, signs in as alice on the
// login page and stops on the consent page, after checking that the page
// names the client and the host the browser will be sent to.
func (f *browserFlow) signInToConsent(t *testing.T) {
	t.Helper()
	authURL := f.cfg.AuthCodeURL(f.state, oauth2.S256ChallengeOption(f.verifier), f.resource())
	if _, err := f.page.Goto(authURL); err != nil {
		t.Fatalf("open the authorization URL: %v", err)
	}
	if login := f.md.Issuer + "/login?"; !strings.HasPrefix(f.page.URL(), login) {
		t.Fatalf("the authorization request led to %s, want the login page %s…", f.page.URL(), login)
	}
	must(t, f.page.Locator("#username").Fill("alice"))
	must(t, f.page.Locator("#password").Fill("wonderland"))
	clickAndArrive(t, f.page, "#login", f.md.Issuer+"/consent?")
	if png, err := f.page.Screenshot(playwright.PageScreenshotOptions{FullPage: playwright.Bool(true)}); err == nil {
		f.consentPNG = png
	}

	redirect, err := url.Parse(f.callback.URL)
	if err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]string{
		"#client-name":   f.clientName,
		"#client-id":     f.cfg.ClientID,
		"#redirect-host": redirect.Host,
	} {
		got, err := f.page.Locator(sel).TextContent()
		if err != nil {
			t.Fatalf("consent page %s: %v", sel, err)
		}
		if strings.TrimSpace(got) != want {
			t.Errorf("consent page %s = %q, want %q", sel, got, want)
		}
	}
}

// checkResponse checks state and iss of the authorization response that
// reached the redirect URI.
func (f *browserFlow) checkResponse(t *testing.T, q url.Values) {
	t.Helper()
	got, err := url.Parse(f.callback.URL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	authResponse(t, got, f.callback.URL, f.state, f.md.Issuer)
}

// callbackServer is the application's loopback redirect URI (RFC 8252
// §7.3). It records the authorization response the browser brings back.
type callbackServer struct {
	URL string // the redirect URI
	got chan url.Values
}

func startCallback(t *testing.T) *callbackServer {
	t.Helper()
	cb := &callbackServer{got: make(chan url.Values, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		select {
		case cb.got <- r.URL.Query():
		default: // only the first response counts
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("Signed in. You can close this window."))
	})
	ts := httptest.NewServer(mux) // on 127.0.0.1
	t.Cleanup(ts.Close)
	cb.URL = ts.URL + "/callback"
	return cb
}

// wait returns the query of the authorization response.
func (cb *callbackServer) wait(t *testing.T) url.Values {
	t.Helper()
	select {
	case q := <-cb.got:
		return q
	case <-time.After(2 * time.Minute): // a safety net, far above normal
		t.Fatal("the browser did not come back to the redirect URI within 2 minutes")
		return nil
	}
}

// --- Chromium --------------------------------------------------------------

// installHint says how to get Chromium and the Playwright driver: Debian's
// chromium package, and playwright-core from npm (never the Playwright CDN).
const installHint = "run scripts/install-browser.sh (apt-get install chromium; npm playwright-core@1.52.0 into ~/.cache/ms-playwright-go/1.52.0)"

// driverVersion is the Playwright driver playwright-go v0.5200.1 speaks to.
const driverVersion = "1.52.0"

// One Chromium serves the whole test binary; every flow gets a fresh
// browser context, with its own cookies.
var (
	browserOnce sync.Once
	pw          *playwright.Playwright
	chromium    playwright.Browser
	browserSkip string // why the browser tests cannot run on this machine
	browserErr  error  // why starting the browser failed
)

func TestMain(m *testing.M) {
	code := m.Run()
	if chromium != nil {
		_ = chromium.Close()
	}
	if pw != nil {
		_ = pw.Stop()
	}
	os.Exit(code)
}

// newPage opens a page in a fresh browser context that is closed when t
// ends. It starts Chromium on first use, and skips t when Chromium or the
// driver is not installed (fails it under CI, where they must be).
func newPage(t *testing.T) playwright.Page {
	t.Helper()
	return newPageWith(t, playwright.BrowserNewContextOptions{})
}

// newPageWith is newPage with browser context options.
func newPageWith(t *testing.T, opts playwright.BrowserNewContextOptions) playwright.Page {
	t.Helper()
	browserOnce.Do(func() {
		start := time.Now()
		launchBrowser()
		if chromium != nil {
			t.Logf("started the Playwright driver and Chromium %s in %v", chromium.Version(), time.Since(start).Round(time.Millisecond))
		}
	})
	if browserSkip != "" {
		skipOrFail(t, browserSkip)
	}
	if browserErr != nil {
		t.Fatal(browserErr)
	}
	bctx, err := chromium.NewContext(opts)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	t.Cleanup(func() { _ = bctx.Close() })
	bctx.SetDefaultTimeout(120_000) // ms, for every action and navigation: a safety net, far above normal
	page, err := bctx.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	return page
}

// launchBrowser finds Chromium and the driver, then starts both.
func launchBrowser() {
	exe := os.Getenv("AUTHSPEC_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser"} {
		if exe == "" {
			exe, _ = exec.LookPath(name)
		}
	}
	if exe == "" {
		browserSkip = "Chromium is not installed: " + installHint
		return
	}
	driverDir := os.Getenv("PLAYWRIGHT_DRIVER_PATH")
	if driverDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			browserErr = err
			return
		}
		driverDir = filepath.Join(home, ".cache", "ms-playwright-go", driverVersion)
	}
	if _, err := os.Stat(filepath.Join(driverDir, "package", "cli.js")); err != nil {
		browserSkip = fmt.Sprintf("the Playwright driver %s is not in %s: %s", driverVersion, driverDir, installHint)
		return
	}
	if _, err := os.Stat(filepath.Join(driverDir, "node")); err != nil && os.Getenv("PLAYWRIGHT_NODEJS_PATH") == "" {
		browserSkip = fmt.Sprintf("%s/node is missing and PLAYWRIGHT_NODEJS_PATH is unset: %s", driverDir, installHint)
		return
	}
	var err error
	pw, err = playwright.Run(&playwright.RunOptions{DriverDirectory: driverDir, SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		browserErr = fmt.Errorf("start the Playwright driver in %s: %w", driverDir, err)
		return
	}
	chromium, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(exe),
		Headless:       playwright.Bool(true),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run"},
	})
	if err != nil {
		browserErr = fmt.Errorf("launch %s: %w", exe, err)
	}
}

// saveArtifact writes a file into t.ArtifactDir: kept under the output
// directory with `go test -artifacts`, else removed after the test.
func saveArtifact(t *testing.T, name string, data []byte) {
	p := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Logf("save %s: %v", name, err)
		return
	}
	t.Logf("saved %s", p)
}

// clickAndArrive clicks the element and waits until the page has loaded a
// URL that starts with prefix. The wait is armed before the click: a
// navigation that ends before a later WaitForURL could start would be
// missed, and that wait would run out its whole timeout.
func clickAndArrive(t *testing.T, page playwright.Page, selector, prefix string) {
	t.Helper()
	_, err := page.ExpectNavigation(func() error { return page.Locator(selector).Click() },
		playwright.PageExpectNavigationOptions{URL: func(u string) bool { return strings.HasPrefix(u, prefix) }})
	if err != nil {
		t.Fatalf("after clicking %s: %v (at %s, want %s…)", selector, err, page.URL(), prefix)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
}
