package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/playwright-community/playwright-go"

	"github.com/authspec/authspec/suite/target"
)

// Credentials let Suggest log in to go past the login pages and find the
// consent page. Without them Suggest stops at the first login page.
type Credentials struct {
	Username, Password string
	// Repeat gives a second authorization request of the same client and
	// scope, when it is opened (a pushed request's request_uri serves once
	// and expires). When set, Suggest approves the consent page it finds
	// with the steps it proposes, then opens Repeat's URL to observe
	// whether the target asks for consent again (Suggestion.RepeatConsent).
	Repeat func() (string, error)
}

// Placeholders used in suggested recipes, resolved from the environment by
// the config loader.
const (
	UsernameValue = "${env:AUTHSPEC_USERNAME}"
	PasswordValue = "${env:AUTHSPEC_PASSWORD}"
)

// Suggestion is a recipe proposed from the pages of a target, with what was
// found on each page.
type Suggestion struct {
	Recipe target.BrowserConfig
	Pages  []PageSummary
	// Notes say what could not be worked out and needs a person's eye.
	Notes []string
	// Reached is set when the suggested steps (played with the credentials)
	// got the browser back to the redirect URI.
	Reached bool
	// Redirect is the redirect to the redirect URI when Reached, with its
	// query (a code in it is the caller's to hide). Nothing needs to listen
	// at the redirect URI: the request is seen before it is sent.
	Redirect *url.URL
	// RepeatConsent is the target's policy for a second authorization of
	// an approved client, as observed with Credentials.Repeat:
	// target.RepeatConsentRemembered or target.RepeatConsentAlways; ""
	// when not observed.
	RepeatConsent string
}

// PageSummary is what Suggest saw on one page.
type PageSummary struct {
	URL      string
	Kind     string // login, identifier, password, consent, unknown
	Elements []Element
}

// Element is a form control of a page.
type Element struct {
	Tag, Type, ID, Name, Value, Text, Autocomplete, Placeholder, Role string
	Visible                                                           bool
	Form                                                              int
	Selector                                                          string
}

const elementsScript = `() => {
  const vis = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const unique = sel => { try { return document.querySelectorAll(sel).length === 1; } catch (x) { return false; } };
  const out = [];
  const forms = Array.from(document.querySelectorAll('form'));
  for (const e of document.querySelectorAll('input, button, select, textarea, a[role=button], a[href]')) {
    const tag = e.tagName.toLowerCase();
    if (tag === 'a' && !vis(e)) continue;
    const type = (e.getAttribute('type') || (tag === 'button' ? 'submit' : tag === 'input' ? 'text' : '')).toLowerCase();
    if (type === 'hidden') continue;
    let sel = '';
    if (e.id && unique('#' + CSS.escape(e.id))) sel = '#' + CSS.escape(e.id);
    const name = e.getAttribute('name') || '';
    if (!sel && name) {
      const byName = tag + '[name="' + name.replace(/"/g, '\\"') + '"]';
      if (unique(byName)) sel = byName;
      else if (e.value && unique(byName + '[value="' + e.value.replace(/"/g, '\\"') + '"]')) sel = byName + '[value="' + e.value.replace(/"/g, '\\"') + '"]';
    }
    out.push({tag, type, id: e.id || '', name, value: (tag === 'button' || type === 'submit') ? (e.value || '') : '',
      text: ((e.innerText || (type === 'submit' ? e.value : '') || e.getAttribute('aria-label') || '') + '').trim().replace(/\s+/g, ' ').slice(0, 60),
      autocomplete: e.getAttribute('autocomplete') || '', placeholder: e.getAttribute('placeholder') || '', role: e.getAttribute('role') || '',
      visible: vis(e), form: e.form instanceof HTMLFormElement ? forms.indexOf(e.form) : -1, selector: sel});
  }
  return out;
}`

var (
	approveWords = regexp.MustCompile(`(?i)\b(allow|approve|accept|authori[sz]e|consent|grant|yes|agree|confirm|continue)\b`)
	denyWords    = regexp.MustCompile(`(?i)\b(deny|cancel|reject|decline|refuse|no|not now|don't allow|do not allow)\b`)
	userHints    = regexp.MustCompile(`(?i)user|login|e-?mail|ident|account|handle`)
)

// Suggest opens authURL in a fresh context and proposes login, consent and
// deny steps from the forms it finds. With credentials it plays the login
// steps it proposes, page after page (a two-step login gets URL-scoped
// steps), until the consent page or the redirect URI; it never approves or
// denies.
func (b *Browser) Suggest(ctx context.Context, authURL, redirectURI string, creds *Credentials) (*Suggestion, error) {
	bctx, err := b.browser.NewContext()
	if err != nil {
		return nil, fmt.Errorf("new browser context: %w", err)
	}
	defer bctx.Close()
	bctx.SetDefaultTimeout(float64(b.opts.StepTimeout.Milliseconds()))
	var mu sync.Mutex
	var redirect *url.URL
	matches := func(raw string) bool {
		u, err := url.Parse(raw)
		return err == nil && matchesRedirect(u, redirectURI)
	}
	seen := func(raw string) {
		mu.Lock()
		defer mu.Unlock()
		if u, err := url.Parse(raw); err == nil && redirect == nil {
			redirect = u
		}
	}
	// The redirect to the client usually ends a redirect chain, whose hops
	// Playwright does not route: the request event sees every hop before
	// it is sent. Routing answers a direct navigation there.
	bctx.OnRequest(func(r playwright.Request) {
		if matches(r.URL()) {
			seen(r.URL())
		}
	})
	if err := bctx.Route(matches, func(r playwright.Route) {
		seen(r.Request().URL())
		_ = r.Fulfill(playwright.RouteFulfillOptions{Status: playwright.Int(200), ContentType: playwright.String("text/plain"), Body: "redirect URI reached"})
	}); err != nil {
		return nil, fmt.Errorf("intercept the redirect URI: %w", err)
	}
	page, err := bctx.NewPage()
	if err != nil {
		return nil, fmt.Errorf("new page: %w", err)
	}
	out := &Suggestion{}
	isReached := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if redirect != nil {
			out.Reached, out.Redirect = true, redirect
		}
		return out.Reached
	}
	if _, err := page.Goto(authURL); err != nil && !isReached() {
		// Sent to the redirect URI at once, nothing listening there: the
		// navigation fails, but the request was seen.
		return nil, fmt.Errorf("open the authorization URL: %w", err)
	}
	var loginPages []PageSummary
	for i := 0; i < 6; i++ {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		_ = page.WaitForLoadState()
		if isReached() {
			break
		}
		ps, err := summarize(page)
		if err != nil {
			return out, err
		}
		out.Pages = append(out.Pages, ps)
		if ps.Kind == "consent" {
			out.Recipe.Consent, out.Recipe.Deny = consentSteps(ps, &out.Notes)
			break
		}
		if ps.Kind == "unknown" {
			out.Notes = append(out.Notes, fmt.Sprintf("%s: neither a login form nor approve/deny buttons were recognised; write these steps by hand", ps.URL))
			break
		}
		loginPages = append(loginPages, ps)
		steps := loginSteps(ps, &out.Notes)
		if creds == nil {
			out.Recipe.Login = append(out.Recipe.Login, steps...)
			out.Notes = append(out.Notes, "stopped at the login page: give a username and password to go on to the consent page")
			break
		}
		before := page.URL()
		for _, s := range steps {
			played := s
			played.Value = strings.NewReplacer(UsernameValue, creds.Username, PasswordValue, creds.Password).Replace(s.Value)
			if err := runStep(page, played, b.opts.Policy); err != nil && !isReached() {
				return out, fmt.Errorf("play the suggested step %q on %s: %w", describe(s), ps.URL, err)
			}
		}
		out.Recipe.Login = append(out.Recipe.Login, steps...)
		_ = page.WaitForURL(func(u string) bool { return u != before || isReached() }, playwright.PageWaitForURLOptions{Timeout: playwright.Float(float64(b.opts.StepTimeout.Milliseconds()))})
		if page.URL() == before && !isReached() {
			out.Notes = append(out.Notes, fmt.Sprintf("%s: the page did not change after the login steps (wrong credentials, or a captcha?)", before))
			break
		}
	}
	if creds != nil && creds.Repeat != nil && len(out.Recipe.Consent) > 0 && !out.Reached {
		again := func() {
			mu.Lock()
			defer mu.Unlock()
			redirect, out.Reached, out.Redirect = nil, false, nil
		}
		policy, note, err := b.observeRepeat(page, out.Recipe.Consent, creds.Repeat, isReached, again)
		if err != nil {
			return out, err
		}
		out.RepeatConsent = policy
		if note != "" {
			out.Notes = append(out.Notes, note)
		}
	}
	if len(loginPages) > 1 && distinctGlobs(loginPages) {
		// Several login pages: scope each step to its page so that one
		// recipe plays the right steps on each (steps in order would work
		// too, as each waits for its element; the scope documents which
		// page is which and lets a page be skipped).
		var scoped []target.Step
		for _, ps := range loginPages {
			for _, s := range loginSteps(ps, nil) {
				s.URL = pageGlob(ps.URL)
				scoped = append(scoped, s)
			}
		}
		out.Recipe.Login = scoped
	}
	return out, nil
}

// matchesRedirect is fixture.MatchesRedirect without the import cycle risk.
func matchesRedirect(u *url.URL, redirectURI string) bool {
	r, err := url.Parse(redirectURI)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, r.Scheme) && u.Path == r.Path && u.Hostname() == r.Hostname()
}

func summarize(page playwright.Page) (PageSummary, error) {
	ps := PageSummary{URL: page.URL()}
	v, err := page.Evaluate(elementsScript)
	if err != nil {
		return ps, fmt.Errorf("read the forms of %s: %w", ps.URL, err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return ps, fmt.Errorf("forms of %s: %w", ps.URL, err)
	}
	if err := json.Unmarshal(raw, &ps.Elements); err != nil {
		return ps, fmt.Errorf("forms of %s: %w", ps.URL, err)
	}
	ps.Kind = classify(ps.Elements)
	return ps, nil
}

func visible(els []Element, keep func(Element) bool) []Element {
	var out []Element
	for _, e := range els {
		if e.Visible && keep(e) {
			out = append(out, e)
		}
	}
	return out
}

func isPassword(e Element) bool { return e.Tag == "input" && e.Type == "password" }
func isText(e Element) bool {
	return (e.Tag == "input" && (e.Type == "text" || e.Type == "email" || e.Type == "tel")) || e.Tag == "textarea"
}
func isButton(e Element) bool {
	return e.Tag == "button" || (e.Tag == "input" && (e.Type == "submit" || e.Type == "button" || e.Type == "image")) || isRoleButton(e)
}

// isRoleButton is a link marked up as a button.
func isRoleButton(e Element) bool { return e.Tag == "a" && e.Role == "button" }

// isLink is a link a person may follow to decide (a "Cancel" or "Deny"
// link on a consent page is common).
func isLink(e Element) bool { return e.Tag == "a" && e.Role != "button" }

func classify(els []Element) string {
	pw := visible(els, isPassword)
	texts := visible(els, isText)
	buttons := visible(els, isButton)
	switch {
	case len(pw) > 0 && len(texts) > 0:
		return "login"
	case len(pw) > 0:
		return "password"
	}
	approve, deny := 0, 0
	for _, b := range buttons {
		if approveWords.MatchString(b.Text + " " + b.Value + " " + b.ID + " " + b.Name) {
			approve++
		}
		if denyWords.MatchString(b.Text + " " + b.Value + " " + b.ID) {
			deny++
		}
	}
	if approve > 0 && deny > 0 {
		return "consent"
	}
	if len(texts) > 0 && len(buttons) > 0 {
		return "identifier"
	}
	if approve > 0 {
		return "consent"
	}
	return "unknown"
}

// selectorOf returns a selector for e, falling back to its text.
func selectorOf(e Element) string {
	if e.Selector != "" {
		return e.Selector
	}
	if e.Text != "" && (isButton(e) || isLink(e)) {
		return fmt.Sprintf("%s:has-text(%q)", e.Tag, e.Text)
	}
	if e.Type != "" {
		return fmt.Sprintf("%s[type=%q]", e.Tag, e.Type)
	}
	return e.Tag
}

func loginSteps(ps PageSummary, notes *[]string) []target.Step {
	var steps []target.Step
	note := func(format string, args ...any) {
		if notes != nil {
			*notes = append(*notes, fmt.Sprintf(format, args...))
		}
	}
	pw := visible(ps.Elements, isPassword)
	texts := visible(ps.Elements, isText)
	form := -1
	if len(texts) > 0 {
		user := texts[0]
		for _, e := range texts {
			if e.Autocomplete == "username" || e.Type == "email" || userHints.MatchString(e.ID+" "+e.Name+" "+e.Placeholder+" "+e.Autocomplete) {
				user = e
				break
			}
		}
		if len(texts) > 1 {
			note("%s: %d text fields; %s was taken for the username", ps.URL, len(texts), selectorOf(user))
		}
		steps = append(steps, target.Step{Fill: selectorOf(user), Value: UsernameValue})
		form = user.Form
	}
	if len(pw) > 0 {
		steps = append(steps, target.Step{Fill: selectorOf(pw[0]), Value: PasswordValue})
		form = pw[0].Form
	}
	var submit *Element
	for _, b := range visible(ps.Elements, isButton) {
		b := b
		if b.Form == form && (b.Type == "submit" || b.Tag == "button") {
			submit = &b
			break
		}
	}
	if submit == nil {
		note("%s: no submit button found in the login form; pressing Enter is not a recipe step, add a click by hand", ps.URL)
		return steps
	}
	return append(steps, target.Step{Click: selectorOf(*submit)})
}

func consentSteps(ps PageSummary, notes *[]string) (approve, deny []target.Step) {
	var a, d *Element
	for _, b := range visible(ps.Elements, isButton) {
		b := b
		words := b.Text + " " + b.Value + " " + b.ID + " " + b.Name
		switch {
		case d == nil && denyWords.MatchString(b.Text+" "+b.Value+" "+b.ID):
			d = &b
		case a == nil && approveWords.MatchString(words):
			a = &b
		}
	}
	if d == nil {
		// No deny button: a link often does it ("Cancel", "Deny").
		for _, l := range visible(ps.Elements, isLink) {
			if denyWords.MatchString(l.Text + " " + l.ID) {
				l := l
				d = &l
				break
			}
		}
	}
	if a != nil {
		approve = []target.Step{{Click: selectorOf(*a)}}
	} else {
		*notes = append(*notes, ps.URL+": no approve button recognised; write the consent step by hand")
	}
	if d != nil {
		deny = []target.Step{{Click: selectorOf(*d)}}
	} else {
		*notes = append(*notes, ps.URL+": no deny button recognised; write the deny step by hand")
	}
	return approve, deny
}

// pageGlob scopes a step to pages with the same origin and path.
func pageGlob(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host + u.Path + "*"
}

func distinctGlobs(pages []PageSummary) bool {
	seen := map[string]bool{}
	for _, p := range pages {
		g := pageGlob(p.URL)
		if seen[g] {
			return false
		}
		seen[g] = true
	}
	return true
}

// observeRepeat approves the consent page the page shows with the approve
// steps, waits for the redirect URI, then opens repeatURL (a second
// authorization request of the same client and scope) and tells whether
// the target asked for consent again: "always" when it shows a consent
// page, "remembered" when it goes back to the redirect URI at once.
func (b *Browser) observeRepeat(page playwright.Page, approve []target.Step, repeat func() (string, error), reached func() bool, again func()) (policy, note string, err error) {
	for _, s := range approve {
		if err := runStep(page, s, b.opts.Policy); err != nil && !reached() {
			return "", "", fmt.Errorf("approve with the suggested step %q: %w", describe(s), err)
		}
	}
	timeout := playwright.Float(float64(b.opts.StepTimeout.Milliseconds()))
	_ = page.WaitForURL(func(string) bool { return reached() }, playwright.PageWaitForURLOptions{Timeout: timeout})
	if !reached() {
		return "", "the approval did not come back to the redirect URI: whether consent is remembered was not observed", nil
	}
	again()
	repeatURL, err := repeat()
	if err != nil {
		return "", "", fmt.Errorf("the second authorization request: %w", err)
	}
	_, err = page.Goto(repeatURL)
	if err != nil && !reached() && strings.Contains(err.Error(), "interrupted by another navigation") {
		// The first approval's redirect, stopped at the redirect URI, may
		// commit its error page only now; a server that asks for consent
		// again then shows no redirect that would hide it. Open a fresh
		// second request (a pushed one serves once).
		if repeatURL, err = repeat(); err != nil {
			return "", "", fmt.Errorf("the second authorization request: %w", err)
		}
		_, err = page.Goto(repeatURL)
		if err != nil && !reached() && strings.Contains(err.Error(), "interrupted by another navigation") {
			// Interrupted again, by a navigation of the request itself
			// (to its login or consent page, on a loaded machine): the
			// page where it settles is judged below.
			err = nil
		}
	}
	if err != nil && !reached() {
		return "", "", fmt.Errorf("open the second authorization request: %w", err)
	}
	_ = page.WaitForLoadState()
	if reached() {
		return target.RepeatConsentRemembered, "", nil
	}
	ps, err := summarize(page)
	if err != nil {
		return "", "", err
	}
	if ps.Kind == "consent" {
		return target.RepeatConsentAlways, "", nil
	}
	return "", fmt.Sprintf("%s: the second authorization showed a %s page, neither consent nor the redirect URI: whether consent is remembered was not observed", ps.URL, ps.Kind), nil
}
