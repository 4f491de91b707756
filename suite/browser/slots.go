package browser

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/playwright-community/playwright-go"
)

// flowState is what one flow's handlers record: the redirect to the client
// and the pages shown on the way.
type flowState struct {
	redirectURI string
	redact      func(string) string
	policy      *httpx.Policy
	mu          sync.Mutex
	callback    *url.URL
	got         chan struct{}
	out         *fixture.AuthzResult
	blocked     *httpx.RefusedError // a navigation the policy stopped
	stopped     chan struct{}       // closed when blocked is set
	lost        error               // a navigation toward a private-use scheme aborted
	lostCh      chan struct{}       // closed when lost is set
	// doc is the response of the last document the main frame loaded
	// (not the redirect URI); docs counts them; nav is signalled on each.
	doc  playwright.Response
	docs int
	nav  chan struct{}
}

// untrusted reports whether raw is an http(s) URL on an origin the policy
// does not trust (and not the redirect URI).
func (st *flowState) untrusted(raw string) bool {
	if st.policy == nil {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || fixture.MatchesRedirect(u, st.redirectURI) {
		return false
	}
	return !st.policy.Trusted(u)
}

func (st *flowState) block(u *url.URL) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.blocked == nil {
		cp := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
		st.blocked = &httpx.RefusedError{URL: st.redact(cp.String()),
			Reason: "the browser was sent there, and authspec navigates only to the issuer's origin, the origins listed under " +
				httpx.ConfigKey + " and the redirect URI: " + st.policy.Why(u)}
		close(st.stopped)
	}
}

// privateScheme reports whether the redirect URI has a scheme other than
// http and https (RFC 8252 §7.1).
func (st *flowState) privateScheme() bool {
	u, err := url.Parse(st.redirectURI)
	return err == nil && u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https"
}

func (st *flowState) lose(from string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.lost == nil && st.callback == nil {
		u, _ := url.Parse(st.redirectURI)
		st.lost = fmt.Errorf("%w: Chromium aborted the navigation from %s, which leads to the private-use scheme %s:",
			fixture.ErrRedirectNotFollowed, st.redact(from), u.Scheme)
		close(st.lostCh)
	}
}

func (st *flowState) refused() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.blocked == nil {
		return nil
	}
	return st.blocked
}

func (st *flowState) matches(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && fixture.MatchesRedirect(u, st.redirectURI)
}

func (st *flowState) capture(raw string) {
	u, err := url.Parse(raw)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err == nil && st.callback == nil {
		st.callback = u
		close(st.got)
	}
}

// slot is a fresh browser context with its page, made ahead of time so that
// a flow does not wait for Chromium to start a renderer. Its handlers act
// for the flow stored in state; a slot serves one flow and is closed.
type slot struct {
	bctx  playwright.BrowserContext
	page  playwright.Page
	state atomic.Pointer[flowState]
}

func (sl *slot) close() { _ = sl.bctx.Close() }

func (b *Browser) newSlot() (*slot, error) {
	bctx, err := b.browser.NewContext()
	if err != nil {
		return nil, fmt.Errorf("new browser context: %w", err)
	}
	bctx.SetDefaultTimeout(float64(b.opts.StepTimeout.Milliseconds()))
	sl := &slot{bctx: bctx}
	matches := func(raw string) bool {
		st := sl.state.Load()
		return st != nil && (st.matches(raw) || st.untrusted(raw))
	}
	// The redirect to the client usually ends a redirect chain, which
	// Playwright does not route; the request event fires for every hop, so
	// the response is captured there. Routing still answers a direct
	// navigation so that the browser never needs a listener at the client.
	bctx.OnRequest(func(r playwright.Request) {
		if st := sl.state.Load(); st != nil && st.matches(r.URL()) {
			st.capture(r.URL())
		}
	})
	// Chromium aborts a navigation redirected to a private-use scheme
	// (com.example.app:/cb) without showing the redirect: when the
	// redirect URI has such a scheme, an aborted navigation ends the flow
	// with fixture.ErrRedirectNotFollowed rather than waiting for it.
	bctx.OnRequestFailed(func(r playwright.Request) {
		if st := sl.state.Load(); st != nil && r.IsNavigationRequest() && st.privateScheme() {
			st.lose(r.URL())
		}
	})
	if err := bctx.Route(matches, func(r playwright.Route) {
		st := sl.state.Load()
		if st != nil && !st.matches(r.Request().URL()) {
			// Another origin: a page may load resources from it, but the
			// browser is not taken there.
			if !r.Request().IsNavigationRequest() {
				_ = r.Continue()
				return
			}
			if u, err := url.Parse(r.Request().URL()); err == nil {
				st.block(u)
			}
			_ = r.Abort("blockedbyclient")
			return
		}
		if st != nil {
			st.capture(r.Request().URL())
		}
		_ = r.Fulfill(playwright.RouteFulfillOptions{Status: playwright.Int(200), ContentType: playwright.String("text/plain"),
			Body: "authspec received the authorization response"})
	}); err != nil {
		_ = bctx.Close()
		return nil, fmt.Errorf("intercept the redirect URI: %w", err)
	}
	page, err := bctx.NewPage()
	if err != nil {
		_ = bctx.Close()
		return nil, fmt.Errorf("new page: %w", err)
	}
	sl.page = page
	page.OnRequest(func(r playwright.Request) {
		st := sl.state.Load()
		if st == nil {
			return
		}
		if r.IsNavigationRequest() {
			if r.Method() == http.MethodPost && r.Frame() == page.MainFrame() {
				body, _ := r.PostData()
				st.mu.Lock()
				if len(st.out.Submissions) < 10 {
					st.out.Submissions = append(st.out.Submissions, fixture.FormSubmission{From: page.URL(), URL: r.URL(), Body: body})
				}
				st.mu.Unlock()
			}
			return
		}
		st.mu.Lock()
		if len(st.out.Subresources) < 200 {
			st.out.Subresources = append(st.out.Subresources, st.redact(r.URL()))
		}
		st.mu.Unlock()
	})
	page.OnResponse(func(r playwright.Response) {
		st := sl.state.Load()
		if st == nil || !r.Request().IsNavigationRequest() || r.Frame() != page.MainFrame() || st.matches(r.URL()) {
			return
		}
		st.mu.Lock()
		st.out.Pages = append(st.out.Pages, fixture.PageVisit{URL: st.redact(r.URL()), Status: r.Status(), Method: r.Request().Method(), Header: r.Headers()})
		st.doc = r
		st.docs++
		st.mu.Unlock()
		select {
		case st.nav <- struct{}{}:
		default:
		}
	})
	return sl, nil
}

// take returns a prepared slot (or makes one), with the session's cookies
// unless the flow asks for a fresh login, and prepares the next in the
// background.
func (b *Browser) take(flow fixture.Flow) (*slot, error) {
	var sl *slot
	select {
	case sl = <-b.spares:
	default:
		var err error
		if sl, err = b.newSlot(); err != nil {
			return nil, err
		}
	}
	go b.refill()
	if flow.Fresh() {
		return sl, nil
	}
	if cookies := b.sessionCookies(); len(cookies) > 0 {
		if err := sl.bctx.AddCookies(cookies); err != nil {
			sl.close()
			return nil, fmt.Errorf("restore the session cookies: %w", err)
		}
	}
	return sl, nil
}

// refill keeps one prepared slot per parallel flow.
func (b *Browser) refill() {
	b.poolMu.Lock()
	defer b.poolMu.Unlock()
	for !b.closed && len(b.spares) < cap(b.spares) {
		sl, err := b.newSlot()
		if err != nil {
			return // the next flow makes its own and reports the error
		}
		b.spares <- sl
	}
}
