package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/playwright-community/playwright-go"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// Auto tries plain HTTP first and switches to the browser when the target
// answers the authorization request with a page that needs a person. The
// browser is launched on first need only, so runs against servers that
// approve at once pay nothing.
//
// Once a person has logged in through the browser, the plain HTTP attempt
// carries that session's cookies: a target that remembers the consent then
// answers at once and the browser is not needed. The first login is done by
// one flow while the others wait for its session, and approvals for the same
// client are serialised, so that one consent page serves all of them.
type Auto struct {
	Options Options

	once sync.Once
	b    *Browser
	err  error

	learned atomic.Pointer[learnedForm] // how the recipe answers the consent page

	login   chan struct{} // held by the flow doing the first login
	mu      sync.Mutex
	clients map[string]chan struct{} // client_id → held during its approval
}

var _ fixture.Repeater = (*Auto)(nil)

// Authorize implements fixture.Authorizer.
func (a *Auto) Authorize(ctx context.Context, hc *httpx.Client, authURL, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	return a.AuthorizeEach(ctx, hc, fixture.SameURL(authURL), redirectURI, flow)
}

// AuthorizeEach implements fixture.Repeater: the plain HTTP attempt, and
// each later one that opens the authorization endpoint again (after the
// first login, in the browser), takes its URL from urls.
func (a *Auto) AuthorizeEach(ctx context.Context, hc *httpx.Client, urls fixture.URLs, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	if err := recipeLacks(a.Options.Recipe, flow); err != nil && HasSteps(a.Options.Recipe) {
		return &fixture.AuthzResult{}, err
	}
	authURL, err := urls(ctx)
	if err != nil {
		return nil, err
	}
	if flow == fixture.FlowApprove {
		release, waited, err := acquireNoting(ctx, a.clientLock(authURL))
		if err != nil {
			return nil, fmt.Errorf("waiting for another approval of the same client: %w", err)
		}
		defer release()
		if waited {
			// The URL of a pushed request may have expired meanwhile.
			if authURL, err = urls(ctx); err != nil {
				return nil, err
			}
		}
	}
	res, jar, err := a.plain(ctx, hc, authURL, redirectURI, flow)
	if err != nil || res.Callback != nil || !res.Interactive {
		return res, err
	}
	if out, ok := a.replay(ctx, hc, jar, res, redirectURI, flow); ok {
		return out, nil
	}
	if !HasSteps(a.Options.Recipe) {
		return res, nil // no recipe: the fixture reports that a person is needed
	}
	a.launch()
	if a.err != nil {
		return res, &fixture.ErrUnavailable{Reason: "the authorization endpoint shows a page and the browser cannot start: " + a.err.Error()}
	}
	if !flow.Fresh() && !a.b.HasSession() {
		release, err := acquire(ctx, a.loginLock())
		if err != nil {
			return nil, fmt.Errorf("waiting for the first login: %w", err)
		}
		if !a.b.HasSession() {
			defer release()
			return a.browserFlow(ctx, hc, urls, redirectURI, flow)
		}
		release()
		if flow == fixture.FlowApprove {
			// Logged in now: the target may approve without a page.
			u, err := urls(ctx)
			if err != nil {
				return nil, err
			}
			res, jar, err := a.plain(ctx, hc, u, redirectURI, flow)
			if err != nil || res.Callback != nil || !res.Interactive {
				return res, err
			}
			if out, ok := a.replay(ctx, hc, jar, res, redirectURI, flow); ok {
				return out, nil
			}
		}
	}
	return a.browserFlow(ctx, hc, urls, redirectURI, flow)
}

// HasSteps reports whether a recipe has any step.
func HasSteps(r target.BrowserConfig) bool {
	return len(r.Login)+len(r.Consent)+len(r.Deny) > 0
}

// browserFlow runs the flow in the browser and learns, from an approval,
// how the recipe answers the consent page.
func (a *Auto) browserFlow(ctx context.Context, hc *httpx.Client, urls fixture.URLs, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	res, err := a.b.AuthorizeEach(ctx, hc, urls, redirectURI, flow)
	if err == nil && flow == fixture.FlowApprove && a.learned.Load() == nil {
		if l := learnConsent(res); l != nil {
			a.learned.Store(l)
		}
	}
	return res, err
}

// replay answers a consent page over HTTP as the browser answered an
// earlier one (see replay.go); Options.NoReplay disables it.
func (a *Auto) replay(ctx context.Context, hc *httpx.Client, jar http.CookieJar, res *fixture.AuthzResult, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, bool) {
	l := a.learned.Load()
	if flow != fixture.FlowApprove || l == nil || jar == nil || a.Options.NoReplay {
		return nil, false
	}
	out, ok := replayConsent(ctx, hc, jar, res.Last, l, redirectURI)
	if ok && a.Options.Trace != nil {
		a.Options.Trace("browser: approve replayed over HTTP " + hc.Transport().Redact(redactQuery(res.Last.URL.String())))
	}
	return out, ok
}

// Warm launches the browser in the background, so that the first page does
// not wait for Chromium to start. Call it when pages are likely (a recipe is
// configured).
func (a *Auto) Warm() {
	go a.launch()
}

// launch starts the browser once; concurrent callers wait for it.
func (a *Auto) launch() {
	a.once.Do(func() {
		b, err := Launch(a.Options)
		a.mu.Lock()
		a.b, a.err = b, err
		a.mu.Unlock()
	})
}

// browser is the launched browser, or nil.
func (a *Auto) browser() *Browser {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.b
}

// plain follows the flow over HTTP, with the browser's session if any; the
// jar is nil when there is no session.
func (a *Auto) plain(ctx context.Context, hc *httpx.Client, authURL, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, http.CookieJar, error) {
	authz := fixture.HTTPAuthorizer{}
	if b := a.browser(); !flow.Fresh() && b != nil && b.HasSession() {
		jar, err := sessionJar(b.SessionCookies())
		if err != nil {
			return nil, nil, err
		}
		authz.Jar = jar
	}
	res, err := authz.Authorize(ctx, hc, authURL, redirectURI, flow)
	return res, authz.Jar, err
}

// Close stops the browser if it was launched.
func (a *Auto) Close() error {
	a.once.Do(func() {}) // a launch under way finishes first
	if b := a.browser(); b != nil {
		return b.Close()
	}
	return nil
}

func (a *Auto) loginLock() chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.login == nil {
		a.login = make(chan struct{}, 1)
	}
	return a.login
}

func (a *Auto) clientLock(authURL string) chan struct{} {
	id := ""
	if u, err := url.Parse(authURL); err == nil {
		id = u.Query().Get("client_id")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.clients == nil {
		a.clients = map[string]chan struct{}{}
	}
	ch, ok := a.clients[id]
	if !ok {
		ch = make(chan struct{}, 1)
		a.clients[id] = ch
	}
	return ch
}

// acquire takes a one-slot lock, giving up when ctx ends.
func acquire(ctx context.Context, lock chan struct{}) (func(), error) {
	select {
	case lock <- struct{}{}:
		return func() { <-lock }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// acquireNoting is acquire, reporting whether the lock was held by
// another flow, so that the caller waited.
func acquireNoting(ctx context.Context, lock chan struct{}) (release func(), waited bool, err error) {
	select {
	case lock <- struct{}{}:
		return func() { <-lock }, false, nil
	default:
	}
	release, err = acquire(ctx, lock)
	return release, true, err
}

// sessionJar turns the browser's cookies into a cookie jar for plain HTTP.
func sessionJar(cookies []playwright.Cookie) (http.CookieJar, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	for _, c := range cookies {
		host := strings.TrimPrefix(c.Domain, ".")
		if host == "" {
			continue
		}
		scheme := "http"
		if c.Secure {
			scheme = "https"
		}
		path := c.Path
		if path == "" {
			path = "/"
		}
		jar.SetCookies(&url.URL{Scheme: scheme, Host: host, Path: "/"},
			[]*http.Cookie{{Name: c.Name, Value: c.Value, Path: path, Secure: c.Secure, HttpOnly: c.HttpOnly}})
	}
	return jar, nil
}
