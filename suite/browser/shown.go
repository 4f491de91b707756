package browser

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/playwright-community/playwright-go"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// A flow goes through the recipe's pages (login, consent) to the redirect
// URI. Any other page it lands on is the server's answer, typically an
// error page for a request it will not send back to the client: it is
// recognised as soon as it has loaded (a status of 400 or more, a body
// that is not HTML, or none of the recipe's elements once the page and its
// requests have settled), never by waiting for a step that cannot succeed.

// pageKind is what the page the browser shows is, for the flow.
type pageKind int

const (
	pageUnknown  pageKind = iota // the recipe's elements cannot be probed: let the steps tell
	pageThis                     // the page of the stage about to be played
	pageOther                    // the page of the other stage named (the next one)
	pageRedirect                 // the flow reached the redirect URI
	pageShown                    // a page shown as the answer (fixture.ShownPage)
	pageNetError                 // the browser could not load the page at all
	pageUnfit                    // a page with a form, but none of the recipe's elements
)

// controlsScript counts the visible controls a person could fill or press:
// a page with them and none of the recipe's elements is a page the recipe
// does not fit (a login or consent page of another shape), not an answer.
const controlsScript = `() => {
  const vis = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  let n = 0;
  for (const e of document.querySelectorAll('input, select, textarea, button')) {
    if ((e.getAttribute('type') || '').toLowerCase() === 'hidden' || !vis(e)) continue;
    if (e.closest('form') || (e.getAttribute('type') || '').toLowerCase() === 'password') n++;
  }
  return n;
}`

// pageKind waits until the current document has loaded and says what it
// is: the page of this stage's steps, of other's, the redirect, or a page
// shown as the answer (described by the ShownPage).
func (b *Browser) pageKind(page playwright.Page, st *flowState, this, other []target.Step, done func() bool) (pageKind, *fixture.ShownPage) {
	for range 5 { // a page that sends the browser on is followed a few times
		if done() {
			return pageRedirect, nil
		}
		_ = page.WaitForLoadState()
		if done() {
			return pageRedirect, nil
		}
		if strings.HasPrefix(page.URL(), "chrome-error:") {
			return pageNetError, nil
		}
		n := st.documents()
		thisSel, otherSel := probeSelector(this, page.URL()), probeSelector(other, page.URL())
		doc := st.document(page.URL())
		status, mt := 0, ""
		if doc != nil {
			status = doc.Status()
			mt, _, _ = mime.ParseMediaType(doc.Headers()["content-type"])
			if !htmlType(mt) {
				return pageShown, &fixture.ShownPage{Status: status, ContentType: mt, Why: servedAs(mt)}
			}
		}
		if has(page, thisSel) {
			return pageThis, nil
		}
		if has(page, otherSel) {
			return pageOther, nil
		}
		if status >= 400 {
			return pageShown, &fixture.ShownPage{Status: status, ContentType: mt, Why: fmt.Sprintf("HTTP %d", status)}
		}
		if thisSel == "" && otherSel == "" {
			return pageUnknown, nil
		}
		// Scripts may still be drawing the page: wait until its requests
		// have settled, then look once more.
		_ = page.WaitForLoadState(playwright.PageWaitForLoadStateOptions{State: playwright.LoadStateNetworkidle})
		if done() {
			return pageRedirect, nil
		}
		if st.documents() != n {
			continue // the page sent the browser on: judge the new one
		}
		if has(page, thisSel) {
			return pageThis, nil
		}
		if has(page, otherSel) {
			return pageOther, nil
		}
		why := "none of the recipe's elements (" + strings.Join(nonEmpty(thisSel, otherSel), ", ") + ") once the page had loaded"
		if n, err := page.Evaluate(controlsScript); err == nil && n != nil && fmt.Sprint(n) != "0" {
			return pageUnfit, &fixture.ShownPage{Status: status, ContentType: mt, Why: why + ", but a form to fill"}
		}
		return pageShown, &fixture.ShownPage{Status: status, ContentType: mt, Why: why}
	}
	return pageUnknown, nil
}

// unfit is the error of a page the recipe does not fit.
func unfit(page playwright.Page, sp *fixture.ShownPage, stage string) error {
	return fmt.Errorf("the %s steps do not fit the page at %s: it shows %s; "+
		"check the recipe's selectors against the page (authspec browser inspect lists its controls)", stage, page.URL(), sp.Why)
}

func htmlType(mt string) bool {
	return mt == "" || mt == "text/html" || mt == "application/xhtml+xml"
}

func servedAs(mt string) string { return "served as " + mt + ", not as a page" }

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// has reports whether the page holds an element for sel ("" never). A
// selector the page cannot evaluate counts as present: the step that uses
// it will say what is wrong.
func has(page playwright.Page, sel string) bool {
	if sel == "" {
		return false
	}
	n, err := page.Locator(sel).Count()
	return err != nil || n > 0
}

// documents is how many documents the main frame has loaded in this flow.
func (st *flowState) documents() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.docs
}

// document is the response of the last document the main frame loaded,
// if it is the one at pageURL.
func (st *flowState) document(pageURL string) playwright.Response {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.doc == nil || withoutFragment(st.doc.URL()) != withoutFragment(pageURL) {
		return nil
	}
	return st.doc
}

func withoutFragment(raw string) string {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		return raw[:i]
	}
	return raw
}

// keepShown completes the description of the page shown as the answer and
// makes it the flow's outcome: its screenshot and URL are attached as
// evidence, and its response becomes the result's Last response (and an
// exchange of the check), so that checks judge it as they judge an error
// page over plain HTTP.
func (b *Browser) keepShown(page playwright.Page, st *flowState, hc *httpx.Client, sp *fixture.ShownPage) {
	tr := hc.Transport()
	sp.URL = tr.Redact(page.URL())
	if shot, err := page.Screenshot(playwright.PageScreenshotOptions{FullPage: playwright.Bool(true)}); err == nil {
		sp.Screenshot = shot
		hc.Attach(httpx.Attachment{Name: "page shown at " + sp.URL, ContentType: "image/png", Data: shot})
	}
	// The page has loaded: the step timeout is only a safety net.
	if text, err := page.Locator("body").InnerText(playwright.LocatorInnerTextOptions{Timeout: playwright.Float(float64(b.opts.StepTimeout.Milliseconds()))}); err == nil {
		if len(text) > 8192 {
			text = text[:8192]
		}
		sp.Text = tr.RedactText(text)
	}
	var last *httpx.Result
	if doc := st.document(page.URL()); doc != nil {
		last = shownResult(doc, tr)
		if loc := last.Header.Get("Location"); loc != "" && (sp.Status < 300 || sp.Status >= 400) {
			if lu, err := last.URL.Parse(loc); err == nil {
				sp.Location = tr.RedactText(lu.String())
			}
		}
		hc.Record(last.Exchange)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.out.Shown = sp
	st.out.Interactive = false // the answer, not a page for a person to get through
	if last != nil {
		st.out.Last = last
		if st.out.First == nil {
			st.out.First = last
		}
	}
}

// shownResult is the response of a document the browser loaded, as the
// recording HTTP client would have given it.
func shownResult(doc playwright.Response, tr *httpx.Transport) *httpx.Result {
	u, _ := url.Parse(doc.URL())
	if u == nil {
		u = &url.URL{}
	}
	h := http.Header{}
	for k, v := range doc.Headers() {
		h.Set(k, v)
	}
	body, _ := doc.Body()
	truncated := false
	if len(body) > httpx.DefaultMaxBody {
		body, truncated = body[:httpx.DefaultMaxBody], true
	}
	rec := &httpx.Response{Status: doc.Status(), Headers: map[string][]string{}, Truncated: truncated}
	for k, vs := range h {
		if k == "Set-Cookie" || k == "Cookie" {
			continue
		}
		for _, v := range vs {
			rec.Headers[k] = append(rec.Headers[k], tr.Redact(v))
		}
	}
	shown := body
	if len(shown) > 16<<10 {
		shown = shown[:16<<10]
		rec.Truncated = true
	}
	rec.Body = tr.RedactText(string(shown))
	method := http.MethodGet
	if req := doc.Request(); req != nil {
		method = req.Method()
	}
	ex := httpx.Exchange{Request: httpx.Request{Method: method, URL: tr.ShowURL(u)}, Response: rec,
		Note: "the page the browser was shown"}
	return &httpx.Result{Status: doc.Status(), Header: h, Body: body, Truncated: truncated, URL: u, Exchange: ex}
}

// netError matches the errors of a navigation that got no answer.
var netError = regexp.MustCompile(`net::ERR_(CONNECTION_[A-Z_]+|EMPTY_RESPONSE|TIMED_OUT|NAME_NOT_RESOLVED|ADDRESS_UNREACHABLE|SSL_[A-Z_]+|CERT_[A-Z_]+|INVALID_RESPONSE|SOCKET_NOT_CONNECTED)`)

var netErrorAt = regexp.MustCompile(`net::ERR_[A-Z_]+ at (\S+)`)

// asTransport turns a browser error that says the target did not answer
// (connection refused or reset, timeout) into an *httpx.TransportError,
// which the runner reports as ERROR whatever a check makes of it.
func asTransport(err error, pageURL string, tr *httpx.Transport) error {
	if err == nil || httpx.IsTransport(err) || httpx.IsRefused(err) {
		return err
	}
	msg := err.Error()
	code := netError.FindString(msg)
	if code == "" {
		return err
	}
	where := pageURL
	if m := netErrorAt.FindStringSubmatch(msg); m != nil {
		where = m[1]
	}
	te := &httpx.TransportError{Method: http.MethodGet, URL: tr.Redact(where), Msg: code, Err: err}
	if u, perr := url.Parse(where); perr == nil && u.Host != "" {
		te.URL, te.Origin = tr.ShowURL(u), httpx.Origin(u)
	}
	return fmt.Errorf("%s: %w", tr.Redact(firstLine(msg)), te)
}
