// Package browser gets through a target's login and consent pages the way a
// person would: in a real Chromium driven by playwright-go, following the
// recipe in the target config (login, consent and deny steps). It implements
// fixture.Authorizer; one browser serves a run and parallel flows are
// bounded. Each flow gets its own context; once a flow has logged in, later
// flows start with that person's session cookies (as a person would), so the
// login pages are shown again only to fixture.FlowLogin flows, or when the
// target asks for a login anyway.
package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
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
	// Executable is the Chromium binary (default: the first on PATH of
	// chromium-headless-shell, the headless build Playwright runs by
	// default and the lightest, chromium, chromium-browser and
	// google-chrome).
	Executable string
	// DriverDir holds the Playwright driver (default:
	// ~/.cache/ms-playwright-go/1.52.0).
	DriverDir string
	// Parallel bounds concurrent flows (default 3).
	Parallel int
	// StepTimeout bounds each step and navigation (default 10 s).
	StepTimeout time.Duration
	// Recipe is how a person gets through the target's pages.
	Recipe target.BrowserConfig
	// Policy is where the browser may go and type the recipe's values:
	// pages on other origins are not navigated to, and nothing is typed
	// into them. Nil: the policy of the run's transport (Authorize), or
	// none (Suggest).
	Policy *httpx.Policy
	// OnNotice receives what the user should know about how the browser
	// runs (Chromium without its sandbox), once.
	OnNotice func(string)
	// Trace, when set, receives a line per flow: how long it waited for a
	// slot and how long it ran (docs/performance.md).
	Trace func(string)
	// NoReplay makes Auto answer every consent page in Chromium, never by
	// replaying over HTTP how the recipe answered an earlier one.
	NoReplay bool
	// TrustedKeys are SHA-256 hashes (base64) of the public keys of CA
	// certificates whose chains Chromium accepts besides those the system
	// trusts (target config tls.ca_file, target.Config.CAKeyHashes).
	TrustedKeys []string
	// Engine, when set, is the running Chromium to use (StartEngine);
	// Close leaves it running. Executable and DriverDir are then unused.
	Engine *Engine
}

// ErrUnavailable reports that Chromium or the driver is missing.
var ErrUnavailable = errors.New("browser unavailable")

// Browser is a launched Chromium shared by a run.
type Browser struct {
	opts       Options
	engine     *Engine
	ownsEngine bool // started by Launch, stopped by Close
	browser    playwright.Browser
	sandboxed  bool
	sem        chan struct{}

	sessMu  sync.Mutex
	session []playwright.Cookie // cookies of the last flow that logged in or used the session
	// sessFlow is held by the flow that runs with the session's cookies: a
	// server may rotate the session cookie when an interaction completes
	// (oidc-provider does, against session fixation), which a person's one
	// cookie jar follows but a copy in another context does not.
	sessFlow chan struct{}
	// sessionsProven is set once a flow with the session left its cookies
	// as they were: the server does not rotate them, and flows with the
	// session may run in parallel. Any rotation seen later clears it.
	sessionsProven bool

	poolMu sync.Mutex
	spares chan *slot // prepared contexts, one per parallel flow
	closed bool
}

// Launch starts the driver and Chromium, or uses opts.Engine.
func Launch(opts Options) (*Browser, error) {
	if opts.Parallel <= 0 {
		opts.Parallel = 3
	}
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = 10 * time.Second
	}
	e, owned := opts.Engine, false
	if e == nil {
		var err error
		if e, err = StartEngine(opts); err != nil {
			return nil, err
		}
		owned = true
	}
	if !e.sandboxed && opts.OnNotice != nil {
		opts.OnNotice("Chromium runs without its sandbox: " + e.why + "; the target's pages run with this process's privileges")
	}
	br := &Browser{opts: opts, engine: e, ownsEngine: owned, browser: e.browser, sandboxed: e.sandboxed, sem: make(chan struct{}, opts.Parallel), sessFlow: make(chan struct{}, 1),
		spares: make(chan *slot, opts.Parallel)}
	go br.refill()
	return br, nil
}

// Sandboxed reports whether Chromium runs with its sandbox.
func (b *Browser) Sandboxed() bool { return b.sandboxed }

// Close closes the Browser's contexts, and stops Chromium and the driver
// unless they are a shared Options.Engine.
func (b *Browser) Close() error {
	b.poolMu.Lock()
	b.closed = true
	for len(b.spares) > 0 {
		(<-b.spares).close()
	}
	b.poolMu.Unlock()
	if !b.ownsEngine {
		return nil
	}
	return b.engine.Close()
}

var _ fixture.Repeater = (*Browser)(nil)

// Authorize implements fixture.Authorizer: it opens authURL in a fresh
// context, plays the login recipe, then the consent (or deny) recipe, and
// returns the redirect to redirectURI, which is intercepted and never sent.
func (b *Browser) Authorize(ctx context.Context, hc *httpx.Client, authURL, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	return b.AuthorizeEach(ctx, hc, fixture.SameURL(authURL), redirectURI, flow)
}

// AuthorizeEach implements fixture.Repeater: Authorize, with the URL taken
// from urls once the flow has a browser slot (a pushed request's
// request_uri may expire while the flow waits for one).
func (b *Browser) AuthorizeEach(ctx context.Context, hc *httpx.Client, urls fixture.URLs, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	if err := recipeLacks(b.opts.Recipe, flow); err != nil {
		return &fixture.AuthzResult{}, err
	}
	withSession := !flow.Fresh() && b.HasSession()
	if withSession && b.serialiseSessions() {
		// One flow at a time carries the session, and it leaves the
		// cookies as the server last set them for the next one.
		select {
		case b.sessFlow <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the session: %w", ctx.Err())
		}
		defer func() { <-b.sessFlow }()
	}
	waited := time.Now()
	select {
	case b.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a browser slot: %w", ctx.Err())
	}
	defer func() { <-b.sem }()
	authURL, err := urls(ctx)
	if err != nil {
		return nil, err
	}
	if b.opts.Trace != nil {
		began := time.Now()
		defer func() {
			b.opts.Trace(fmt.Sprintf("browser: %-7s waited %4dms ran %4dms session=%v %s", flow, began.Sub(waited).Milliseconds(),
				time.Since(began).Milliseconds(), withSession, hc.Transport().Redact(redactQuery(authURL))))
		}()
	}
	sl, err := b.take(flow)
	if err != nil {
		return nil, err
	}
	defer sl.close()
	bctx, page := sl.bctx, sl.page

	out := &fixture.AuthzResult{Interactive: true}
	policy := b.opts.Policy
	if policy == nil {
		policy = hc.Transport().Policy()
	}
	st := &flowState{redirectURI: redirectURI, got: make(chan struct{}), out: out, redact: hc.Transport().Redact, policy: policy,
		stopped: make(chan struct{}), lostCh: make(chan struct{}), nav: make(chan struct{}, 1)}
	sl.state.Store(st)
	mu, got := &st.mu, st.got
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
		out.Callback = st.callback
		if out.Callback != nil {
			hc.Transport().LearnURL(out.Callback) // the code, from now on redacted
		}
		return out
	}
	fail := func(err error) (*fixture.AuthzResult, error) {
		if r := st.refused(); r != nil && !httpx.IsRefused(err) {
			err = r // the reason the flow went nowhere
		}
		err = asTransport(err, page.URL(), hc.Transport())
		// The screenshot reaches the check's result through hc, whatever
		// the check does with the error.
		where := hc.Transport().Redact(page.URL())
		if shot, serr := page.Screenshot(playwright.PageScreenshotOptions{FullPage: playwright.Bool(true)}); serr == nil {
			hc.Attach(httpx.Attachment{Name: "screenshot at " + where, ContentType: "image/png", Data: shot})
		}
		hc.Attach(httpx.Attachment{Name: "browser page URL", ContentType: "text/plain", Data: []byte(where)})
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
	shown := func(sp *fixture.ShownPage) (*fixture.AuthzResult, error) {
		b.keepShown(page, st, hc, sp)
		return result(), nil
	}
	loggedIn, kept := false, false
	mark := 0 // documents loaded before the last stage's steps
	for i, stg := range stages {
		if done() {
			break
		}
		if stg.name == "login" {
			// The first page: the login page, the next stage's page (a
			// session), the redirect, or a page shown as the answer.
			k, sp := b.pageKind(page, st, stg.steps, stages[i+1].steps, done)
			switch k {
			case pageShown:
				return shown(sp)
			case pageUnfit:
				return fail(unfit(page, sp, "login"))
			case pageNetError:
				return fail(fmt.Errorf("the browser could not load the authorization endpoint: it shows %s", page.URL()))
			case pageRedirect, pageOther:
				continue // a session from an earlier flow: no login page
			}
			loggedIn = true
			mu.Lock()
			out.LoggedIn = true
			mu.Unlock()
		} else if loggedIn && st.documents() > mark {
			// Past the login steps, on a new page: the stage's page, the
			// redirect, or a page shown as the answer (an error page).
			k, sp := b.pageKind(page, st, stg.steps, stages[0].steps, done)
			switch k {
			case pageShown:
				return shown(sp)
			case pageUnfit:
				return fail(unfit(page, sp, stg.name))
			case pageOther:
				return fail(fmt.Errorf("after the login steps the browser is on the login page again (%s): are the recipe's credentials right?", page.URL()))
			case pageNetError:
				return fail(fmt.Errorf("after the login steps the browser could not load the next page: it shows %s", page.URL()))
			}
		}
		if done() {
			break
		}
		if stg.name != "login" && loggedIn && !kept && flow != fixture.FlowInspectFresh {
			b.keepSession(bctx) // past the login: later flows need not log in
			kept = true
		}
		b.notePage(page, mu, out, stg.name)
		if flow.Inspects() && stg.name == "consent" {
			form, err := consentForm(page, bctx, stg.steps)
			if err != nil {
				return fail(err)
			}
			out.Consent = form
			return result(), nil
		}
		mark = st.documents()
		if err := play(ctx, page, stg.steps, done, policy); err != nil {
			return fail(err)
		}
	}
	// The last steps sent the browser on: to the redirect URI, or to a
	// page shown as the answer, which is recognised as soon as it loads.
	last := stages[len(stages)-1].steps
	deadline := time.After(b.opts.StepTimeout)
wait:
	for !done() {
		select {
		case <-got:
			break wait
		case <-st.nav:
			k, sp := b.pageKind(page, st, last, nil, done)
			switch k {
			case pageShown:
				return shown(sp)
			case pageUnfit:
				return fail(fmt.Errorf("after the %s steps the browser is on a page that is not the redirect to the client: %s shows %s",
					stages[len(stages)-1].name, page.URL(), sp.Why))
			case pageNetError:
				return fail(fmt.Errorf("the browser could not load the page after the %s steps: it shows %s", stages[len(stages)-1].name, page.URL()))
			}
		case <-st.stopped:
			return fail(st.refused())
		case <-st.lostCh:
			st.mu.Lock()
			err := st.lost
			st.mu.Unlock()
			return fail(err)
		case <-deadline:
			return fail(fmt.Errorf("the browser did not reach the redirect URI; it is at %s", page.URL()))
		case <-ctx.Done():
			return fail(ctx.Err())
		}
	}
	if loggedIn || withSession {
		b.keepSession(bctx) // the server may have rotated the session cookie
	}
	return result(), nil
}

// recipeLacks reports a flow the recipe has no steps for: a denial
// without deny steps, an inspection of the consent page without the click
// that finds its form. The check that asks for it cannot run (SKIP), and
// must not take whatever happens instead for the person's decision.
func recipeLacks(r target.BrowserConfig, flow fixture.Flow) error {
	switch flow {
	case fixture.FlowDeny:
		if len(r.Deny) == 0 {
			return &fixture.NeedsPerson{Reason: "the check needs a person to deny the request, and the config's browser recipe has no deny: steps; " +
				"add them (authspec browser inspect proposes them)"}
		}
	case fixture.FlowInspect, fixture.FlowInspectFresh:
		for _, s := range r.Consent {
			if s.Click != "" {
				return nil
			}
		}
		return &fixture.NeedsPerson{Reason: "the check reads the consent page's form, and the config's browser recipe has no consent: click step that " +
			"finds it; add one (authspec browser inspect proposes it)"}
	}
	return nil
}

// probeSelector is the element of the first step of a recipe that applies
// on pageURL ("" matches any), or "" if that step has no element.
func probeSelector(steps []target.Step, pageURL string) string {
	for _, s := range steps {
		if s.URL != "" && pageURL != "" && !urlMatches(s.URL, pageURL) {
			continue
		}
		if s.Optional {
			continue // may be absent: says nothing about the page
		}
		for _, sel := range []string{s.Fill, s.Click, s.Check, s.Select, s.WaitFor} {
			if sel != "" {
				return sel
			}
		}
		if s.ExpectText != "" {
			return "text=" + strconv.Quote(s.ExpectText)
		}
		return ""
	}
	return ""
}

// notePage records the visible text of the current page as the page of a
// recipe stage, so that checks can read what a person was shown.
func (b *Browser) notePage(page playwright.Page, mu *sync.Mutex, out *fixture.AuthzResult, stage string) {
	_ = page.WaitForLoadState()
	// The page has loaded: the step timeout is only a safety net.
	text, err := page.Locator("body").InnerText(playwright.LocatorInnerTextOptions{Timeout: playwright.Float(float64(b.opts.StepTimeout.Milliseconds()))})
	if err != nil {
		return
	}
	if len(text) > 8192 {
		text = text[:8192]
	}
	links, images, frameScript := pageResources(page)
	mu.Lock()
	defer mu.Unlock()
	for i := len(out.Pages) - 1; i >= 0; i-- {
		if out.Pages[i].URL == page.URL() || i == len(out.Pages)-1 {
			out.Pages[i].Stage, out.Pages[i].Text = stage, text
			out.Pages[i].Links, out.Pages[i].Images = links, images
			out.Pages[i].FrameScript = frameScript
			return
		}
	}
	out.Pages = append(out.Pages, fixture.PageVisit{URL: page.URL(), Stage: stage, Text: text, Links: links, Images: images, FrameScript: frameScript})
}

// resourcesScript lists the targets of the page's links and the sources
// of the images it displays (loaded and decoded: an image its
// Content-Security-Policy blocks, or that failed, is left out), as the
// browser resolved them. It waits up to 3 s for images still loading.
const resourcesScript = `async () => [
  Array.from(document.querySelectorAll('a[href]'), a => a.href).slice(0, 100),
  await Promise.all(Array.from(document.querySelectorAll('img[src]')).slice(0, 100).map(i => i.complete ? i :
    new Promise(done => { i.addEventListener('load', () => done(i)); i.addEventListener('error', () => done(i)); setTimeout(() => done(i), 3000); })))
    .then(imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).map(i => i.src)),
  Array.from(document.scripts, s => s.text).some(t => /\b(top|parent)\s*[!=]==?\s*(self|window)\b|\b(self|window)\s*[!=]==?\s*(top|parent)\b|\btop\.location\b|\bwindow\.top\b|\bframeElement\b/.test(t)),
]`

// pageResources returns the links and image sources of the page (at most
// 100 of each, each at most 2048 characters); none when the page cannot
// tell.
func pageResources(page playwright.Page) (links, images []string, frameScript bool) {
	v, err := page.Evaluate(resourcesScript)
	if err != nil {
		return nil, nil, false
	}
	lists, _ := v.([]any)
	strs := func(i int) []string {
		if i >= len(lists) {
			return nil
		}
		l, _ := lists[i].([]any)
		var out []string
		for _, e := range l {
			if s, ok := e.(string); ok && len(s) <= 2048 {
				out = append(out, s)
			}
		}
		return out
	}
	if len(lists) > 2 {
		frameScript, _ = lists[2].(bool)
	}
	return strs(0), strs(1), frameScript
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
