package rfc6749

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// csrfChecks returns the checks of RFC 6749 §10.12, Cross-Site Request
// Forgery.
func csrfChecks() []*suite.Check {
	return []*suite.Check{consentGET, consentCSRF}
}

// inspect logs in through the browser and stops at the consent page.
func inspect(ctx context.Context, t *suite.T) (*fixture.AuthRequest, *fixture.ConsentForm, error) {
	return inspectFlow(ctx, t, fixture.FlowInspect)
}

func inspectFlow(ctx context.Context, t *suite.T, flow fixture.Flow) (*fixture.AuthRequest, *fixture.ConsentForm, error) {
	_, ar, err := pages.Request(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	ar.Flow = flow
	res, err := t.Authorize(ctx, ar)
	if err != nil {
		return nil, nil, err
	}
	if res.Consent == nil {
		return nil, nil, suite.SkipErr("the browser did not stop at a consent page (the target approved without asking)")
	}
	return ar, res.Consent, nil
}

// forgeryBase is what a cross-site forgery is made of: the person's
// consent page (victim), whose session cookies the person's browser sends,
// and the consent page of the attacker's own authorization request, in a
// session of the attacker's own (a fresh login), whose form and action the
// attacker can read and copy into a page of another site. The values of
// the attacker's form that the server binds to the attacker's session (a
// per-flow identifier, a CSRF token) are worth nothing with the person's
// cookies; values it binds to nothing serve any session.
type forgeryBase struct {
	ar       *fixture.AuthRequest // the attacker's request, where a forged approval's code goes
	victim   *fixture.ConsentForm // the person's page: their cookies
	attacker *fixture.ConsentForm // the attacker's page: the form to copy
}

func forgeryBases(ctx context.Context, t *suite.T) (*forgeryBase, error) {
	_, victim, err := inspect(ctx, t)
	if err != nil {
		return nil, err
	}
	ar, attacker, err := inspectFlow(ctx, t, fixture.FlowInspectFresh)
	if err != nil {
		return nil, err
	}
	return &forgeryBase{ar: ar, victim: victim, attacker: attacker}, nil
}

// form is the attacker's form sent with the person's cookies (all of them,
// or those a cross-site request carries) and headers.
func (b *forgeryBase) form(cookies []string, headers map[string]string) *fixture.ConsentForm {
	f := *b.attacker
	f.Cookies, f.Headers = cookies, headers
	return &f
}

// submit sends form fields to the consent action with the session cookies
// and reports whether the response hands out an authorization code.
func submit(ctx context.Context, t *suite.T, ar *fixture.AuthRequest, f *fixture.ConsentForm, method string, fields [][2]string, note string) (*httpx.Result, bool, error) {
	vals := url.Values{}
	for _, kv := range fields {
		vals.Add(kv[0], kv[1])
	}
	target := f.Action
	var body *strings.Reader
	if method == http.MethodGet {
		u, err := url.Parse(f.Action)
		if err != nil {
			return nil, false, err
		}
		q := u.Query()
		for k, vs := range vals {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
		target = u.String()
		body = strings.NewReader("")
	} else {
		body = strings.NewReader(vals.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, false, err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range f.Cookies {
		req.Header.Add("Cookie", c)
	}
	for k, v := range f.Headers {
		req.Header.Set(k, v)
	}
	res, err := t.HTTP.Do(ctx, req, note)
	if err != nil {
		return nil, false, err
	}
	loc := res.Header.Get("Location")
	if loc == "" {
		return res, false, nil
	}
	u, err := url.Parse(loc)
	if err != nil {
		return res, false, nil
	}
	redirect := ar.RedirectURI
	if redirect == "" {
		redirect = ar.Client.RedirectURI
	}
	return res, fixture.MatchesRedirect(u, redirect) && u.Query().Get("code") != "", nil
}

var consentGET = &suite.Check{
	ID: "rfc6749-10.12-consent-not-by-get", Spec: suite.RFC6749, Section: "10.12", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Consent cannot be approved by a GET request that another site can trigger (a link or an image, without the CSRF token)",
	Quote: "The authorization server MUST implement CSRF protection for its authorization endpoint and ensure that a malicious client cannot obtain authorization without the awareness and explicit consent of the resource owner.",
	Run:   runConsentGET,
}

func runConsentGET(ctx context.Context, t *suite.T) error {
	b, err := forgeryBases(ctx, t)
	if err != nil {
		return err
	}
	// What a link or an image on another site sends: the fields of the
	// attacker's own consent form without its CSRF token and without what
	// a person typed, with the cookies a top-level navigation carries.
	var fields [][2]string
	for _, kv := range forgeable(t, b.attacker.Fields) {
		if !csrfName.MatchString(kv[0]) {
			fields = append(fields, kv)
		}
	}
	nav := b.form(b.victim.Cookies, map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
	res, approved, err := submit(ctx, t, b.ar, nav, http.MethodGet, fields,
		"the attacker's consent form fields, without a CSRF token, sent with GET and the person's cookies as a link from another site would")
	if err != nil {
		return err
	}
	if approved {
		return expect.Fail(res, "no authorization code for a GET", "a redirect to the client with a code",
			"the consent was approved by a GET request without a CSRF token: any page can trigger it with an image or a link").
			WithFix("approve only on POST, with a CSRF token bound to the user's session")
	}
	return nil
}

var csrfName = regexp.MustCompile(`(?i)csrf|xsrf|authenticity|_token$|^token$|nonce`)

var consentCSRF = &suite.Check{
	ID: "rfc6749-10.12-consent-csrf-token", Spec: suite.RFC6749, Section: "10.12", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A consent form forged from another site (the attacker's own form, the person's cookies) is refused",
	Quote: "The authorization server MUST implement CSRF protection for its authorization endpoint and ensure that a malicious client cannot obtain authorization without the awareness and explicit consent of the resource owner.",
	Run:   runConsentCSRF,
}

func runConsentCSRF(ctx context.Context, t *suite.T) error {
	b, err := forgeryBases(ctx, t)
	if err != nil {
		return err
	}
	fields := forgeable(t, b.attacker.Fields)
	var without, forged [][2]string
	found := false
	for _, kv := range fields {
		if csrfName.MatchString(kv[0]) {
			found = true
			forged = append(forged, [2]string{kv[0], "authspec-forged-" + fixture.RandomState()})
			continue
		}
		without = append(without, kv)
		forged = append(forged, kv)
	}
	// What an attacker's page can send: the attacker's own consent form
	// (its CSRF token that of the attacker's session), without what a
	// person typed, with only the cookies a cross-site POST carries.
	variants := []forgery{{fields, "the attacker's consent form (its own session's values) posted from another site"}}
	if found {
		variants = append(variants, forgery{without, "the attacker's consent form without its CSRF token, posted from another site"},
			forgery{forged, "the attacker's consent form with a made-up CSRF token, posted from another site"})
	}
	cross := b.form(b.victim.CrossSiteCookies, map[string]string{"Origin": "https://attacker.authspec.invalid", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
	for _, v := range variants {
		res, approved, err := submit(ctx, t, b.ar, cross, http.MethodPost, v.fields, v.note+" with the person's cross-site cookies")
		if err != nil {
			return err
		}
		if approved {
			return expect.Fail(res, "the approval refused", "a redirect to the client with a code",
				"%s was accepted with the person's cookies: another site can approve access in the person's name (form fields: %s)", v.note, fieldNames(b.attacker.Fields)).
				WithFix("verify a CSRF token bound to the session before approving, and make the session cookie SameSite=Lax or Strict")
		}
	}
	if !found {
		t.Logf("no CSRF token field (fields: %s); the cross-site forgery of the POST was refused, so per-session values, SameSite cookies, an Origin check or the fields the person types protect the approval", fieldNames(b.attacker.Fields))
		return nil
	}
	ar, f, err := inspect(ctx, t)
	if err != nil {
		return err
	}
	var own [][2]string
	for _, kv := range forgeable(t, f.Fields) {
		if !csrfName.MatchString(kv[0]) {
			own = append(own, kv)
		}
	}
	return unverifiedToken(ctx, t, ar, f, own)
}

// unverifiedToken sends the form without its CSRF token as the person's own
// browser would (all cookies): a server that approves it does not verify
// its token, and only SameSite cookies, which RFC 6265 does not define,
// keep other sites out: an observation.
func unverifiedToken(ctx context.Context, t *suite.T, ar *fixture.AuthRequest, f *fixture.ConsentForm, without [][2]string) error {
	res, approved, err := submit(ctx, t, ar, f, http.MethodPost, without, "the consent form without its CSRF token, from the person's own browser")
	if err != nil {
		return err
	}
	if !approved {
		return nil
	}
	return expect.Fail(res, "the approval refused", "a redirect to the client with a code",
		"the consent form carries a CSRF token that the server does not verify; only SameSite cookies keep other sites from forging the approval, and browsers that do not enforce SameSite (a cookie attribute RFC 6265 does not define) are not protected").
		WithFix("verify the CSRF token against the user's session before approving").AsObservation()
}

type forgery struct {
	fields [][2]string
	note   string
}

// forgeable drops from the consent form's fields those whose value the
// person typed (a value a fill step of the browser recipe entered, such
// as a password): an attacker forging the request does not know them.
func forgeable(t *suite.T, fields [][2]string) [][2]string {
	typed := map[string]bool{}
	b := t.Target.Config.Browser
	for _, steps := range [][]target.Step{b.Login, b.Consent, b.Deny} {
		for _, s := range steps {
			if s.Fill != "" && s.Value != "" {
				typed[s.Value] = true
			}
		}
	}
	var out [][2]string
	for _, kv := range fields {
		if !typed[kv[1]] {
			out = append(out, kv)
		}
	}
	return out
}

func fieldNames(fields [][2]string) string {
	var names []string
	for _, kv := range fields {
		names = append(names, kv[0])
	}
	return strings.Join(names, ", ")
}
