package rfc7591

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/hosted"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// clientMetadataChecks returns the checks of RFC 7591 §2, Client Metadata.
func clientMetadataChecks() []*suite.Check {
	return []*suite.Check{defaultsRegistered, unknownMetadataIgnored, jwksAndJWKSURIExclusive}
}

// clientJWKS is a JWK Set of one public key (the P-256 example key of RFC
// 7517 Appendix A.1), as a client would register it by value.
var clientJWKS = map[string]any{"keys": []any{map[string]any{
	"kty": "EC", "crv": "P-256", "use": "sig", "kid": "authspec-1",
	"x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
	"y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
}}}

var jwksAndJWKSURIExclusive = &suite.Check{
	ID: "rfc7591-2-jwks-and-jwks-uri-exclusive", Spec: suite.RFC7591, Section: "2", Level: suite.MustNot,
	Requires: dcr, Profiles: profiles,
	Title: "A registration asking for both jwks_uri and jwks is refused, or answered with at most one of them",
	Quote: "The \"jwks_uri\" and \"jwks\" parameters MUST NOT both be present in the same request or response.",
	Run:   runJWKSAndJWKSURIExclusive,
}

// runJWKSAndJWKSURIExclusive registers a client with both members: the
// request breaks the rule, so a refusal (an OAuth error, 400) is the
// answer RFC 7591 §3.2.2 suggests, and a registration keeping one of them
// (§2 lets the server replace requested metadata) is lawful too; a
// response carrying both is not.
func runJWKSAndJWKSURIExclusive(ctx context.Context, t *suite.T) error {
	r, err := register(ctx, t, map[string]any{"jwks_uri": "https://client.example.org/authspec/jwks.json", "jwks": clientJWKS})
	if err != nil {
		return err
	}
	res := r.Res
	fix := "refuse a registration that has both jwks_uri and jwks with error=invalid_client_metadata, and never return both"
	if res.Status < 200 || res.Status >= 300 {
		if res.Status != http.StatusBadRequest || expect.ErrorCode(res) == "" {
			return suite.SkipErr("the registration answered HTTP %d%s, not an OAuth error, which says nothing of the two members (rfc7591-3.2.2-error-json judges registration errors)", res.Status, expect.BodyHint(res))
		}
		t.Logf("the registration was refused with error=%s", expect.ErrorCode(res))
		return nil
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	// A member whose value is null is absent (many servers serialize
	// unset fields so).
	uri, set := m["jwks_uri"] != nil, m["jwks"] != nil
	if uri && set {
		return expect.Fail(res, "a refusal (invalid_client_metadata), or a response with jwks_uri or jwks but not both",
			fmt.Sprintf("jwks_uri: %s and jwks: %s", expect.Describe(m["jwks_uri"]), expect.Describe(m["jwks"])),
			"the registration response carries both jwks_uri and jwks: a client reading it cannot tell which keys are registered").
			WithFix(fix)
	}
	t.Logf("the registration was answered HTTP %d with jwks_uri %t and jwks %t", res.Status, uri, set)
	return nil
}

var unknownMetadataIgnored = &suite.Check{
	ID: "rfc7591-2-unknown-metadata-ignored", Spec: suite.RFC7591, Section: "2", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "Unknown client metadata is ignored, not refused",
	Quote: "The authorization server MUST ignore any client metadata sent by the client that it does not understand (for instance, by silently removing unknown metadata from the client's registration record during processing).",
	Run:   runUnknownMetadataIgnored,
}

func runUnknownMetadataIgnored(ctx context.Context, t *suite.T) error {
	r, err := register(ctx, t, map[string]any{"authspec_unknown_extension": map[string]any{"x": 1}})
	if err != nil {
		return err
	}
	fix := "ignore metadata you do not understand (clients send vendor extensions and newer RFC fields)"
	if r.Res.Status < 200 || r.Res.Status >= 300 {
		// Refused: by the unknown member only if the same request without
		// it succeeds.
		ctl, err := register(ctx, t, nil)
		if err != nil {
			return err
		}
		if !ctl.OK() {
			return suite.SkipErr("the same registration without the unknown member is refused too (HTTP %d%s), so the refusal says nothing about unknown metadata", ctl.Res.Status, expect.BodyHint(ctl.Res))
		}
		return expect.Fail(r.Res, "HTTP 201: the unknown member ignored", fmt.Sprintf("HTTP %d%s", r.Res.Status, expect.BodyHint(r.Res)),
			"the registration was refused because of a member the server does not understand; the same request without it succeeds").
			WithFix(fix).
			WithEvidence(ctl.Res.Exchange)
	}
	m, err := expect.JSONObject(r.Res, false)
	if err != nil {
		return expect.WithFix(err, fix)
	}
	if id, _ := m["client_id"].(string); id == "" {
		return expect.Fail(r.Res, "a registration response with a client_id", "members: "+expect.Keys(m),
			"the registration with an unknown member did not register a client").
			WithFix(fix)
	}
	return nil
}

var defaultsRegistered = &suite.Check{
	ID: "rfc7591-2-defaults-registered", Spec: suite.RFC7591, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode, vocab.FeatureNonInteractive}, Profiles: profiles,
	Title: "A client registered without token_endpoint_auth_method, grant_types and response_types gets the defaults and can use them",
	Quote: "token_endpoint_auth_method ... If unspecified or omitted, the default is \"client_secret_basic\" ... grant_types ... If omitted, the default behavior is that the client will use only the \"authorization_code\" Grant Type. ... response_types ... If omitted, the default is that the client will use only the \"code\" response type.",
	Keywordless: "A default is a definition: a registration that omits these members asks for client_secret_basic, authorization_code and code, " +
		"and a server that registers something else says so in the response (RFC 7591 §3.2.1: it MUST return all registered metadata)",
	Run: runDefaultsRegistered,
}

func runDefaultsRegistered(ctx context.Context, t *suite.T) error {
	r, method, done, err := registerDefaults(ctx, t)
	if done {
		return err
	}
	return useDefaults(ctx, t, r, method)
}

// registerDefaults registers a client that omits the members RFC 7591 §2
// gives defaults (token_endpoint_auth_method, grant_types, response_types)
// and judges the response: done reports that err is the verdict.
func registerDefaults(ctx context.Context, t *suite.T) (r *regclient.Registration, method string, done bool, err error) {
	r, err = register(ctx, t, map[string]any{"token_endpoint_auth_method": nil, "grant_types": nil, "response_types": nil})
	if err != nil {
		return nil, "", true, err
	}
	if !r.OK() {
		return nil, "", true, defaultsRefused(ctx, t, r)
	}
	info, c := r.Info, r.Client
	method, stated := statedMethod(info)
	if !stated {
		t.Logf("the response states no token_endpoint_auth_method: the client uses the default client_secret_basic")
	} else if method != "client_secret_basic" {
		t.Logf("the server registered token_endpoint_auth_method %q instead of the default (a substitution RFC 7591 §3.2.1 allows)", method)
	}
	if slices.Contains(secretMethods, method) && c.Secret == "" {
		what := "states token_endpoint_auth_method " + method
		if !stated {
			what = "states no token_endpoint_auth_method, which means the default client_secret_basic,"
		}
		return nil, "", true, expect.Fail(r.Res, "a client_secret for the client_secret_basic default", "no client_secret; members: "+expect.Keys(info),
			"the registration response %s but issues no client_secret to authenticate with", what).
			WithFix("register omitted token_endpoint_auth_method as client_secret_basic and issue a client_secret, or state the method you registered instead")
	}
	if gts, present, _ := expect.StringList(info, "grant_types"); present && !slices.Contains(gts, "authorization_code") {
		return nil, "", true, suite.SkipErr("the server replaced the default grant_types with %v, as RFC 7591 §3.2.1 allows; nothing to exercise", gts)
	}
	if rts, present, _ := expect.StringList(info, "response_types"); present && !slices.Contains(rts, "code") {
		return nil, "", true, suite.SkipErr("the server replaced the default response_types with %v, as RFC 7591 §3.2.1 allows; nothing to exercise", rts)
	}
	return r, method, false, nil
}

// defaultsRefused judges a refused registration without the defaulted
// members: a FAIL only when the same client with the defaults stated is
// registered (a server may refuse such a client for its own reasons, e.g.
// one that registers only public clients).
func defaultsRefused(ctx context.Context, t *suite.T, r *regclient.Registration) error {
	if r.Res.Status >= 200 && r.Res.Status < 300 {
		_, err := expect.JSONObject(r.Res, false)
		return err
	}
	ctl, err := regclient.Register(ctx, t, regclient.Metadata(t, "client_secret_basic",
		map[string]any{"grant_types": []string{"authorization_code"}, "response_types": []string{"code"}}))
	if err != nil {
		return err
	}
	if !ctl.OK() {
		return suite.SkipErr("the server refuses the same client with the defaults stated too (HTTP %d%s): it does not register such clients, so the defaults cannot be judged", ctl.Res.Status, expect.BodyHint(ctl.Res))
	}
	return expect.Fail(r.Res, "HTTP 201: the defaults client_secret_basic, authorization_code and code registered", fmt.Sprintf("HTTP %d%s", r.Res.Status, expect.BodyHint(r.Res)),
		"the registration that omits token_endpoint_auth_method, grant_types and response_types is refused, while the same client with these values stated is registered").
		WithFix("accept registrations that omit token_endpoint_auth_method, grant_types and response_types: RFC 7591 §2 gives them defaults (client_secret_basic, authorization_code, code)").
		WithEvidence(ctl.Res.Exchange)
}

// refusedDefaults judges the refusal of the authorization request of a
// client registered with the default grant_types and response_types: an
// error that says the client may not use the code flow fails.
func refusedDefaults(az *fixture.AuthzResult, r *regclient.Registration, fix string) error {
	switch e := az.ErrorCode(); e {
	case "unauthorized_client", "unsupported_response_type", "invalid_client":
		f := expect.Fail(az.LastResponse(), "an authorization code", fmt.Sprintf("error=%s error_description=%q", e, az.ErrorDescription()),
			"the authorization endpoint refuses the code flow to a client registered with the default grant_types and response_types")
		return expect.Evidence(expect.WithFix(f, fix), r.Res.Exchange)
	default:
		return suite.SkipErr("the authorization request was refused for another reason: error=%s error_description=%q", e, az.ErrorDescription())
	}
}

// useDefaults runs the authorization code flow with a client registered
// with the default grant_types and response_types, authenticating with the
// method the registration response states (client_secret_basic if none).
func useDefaults(ctx context.Context, t *suite.T, r *regclient.Registration, method string) error {
	switch method {
	case "", "client_secret_basic", "client_secret_post", "none":
	default:
		// RFC 7591 §3.2.2 lets the server choose another method, which
		// the suite may not be able to use (a JWT assertion).
		return suite.SkipErr("the server registered token_endpoint_auth_method %q, which authspec does not perform: the registered defaults cannot be used here", method)
	}
	c := r.Client
	fix := "register omitted grant_types as [\"authorization_code\"] and response_types as [\"code\"] (RFC 7591 §2), and let such clients use them"
	ar := t.NewAuthRequest(c)
	az, err := t.Authorize(ctx, ar)
	if err != nil && !az.PushRefused() {
		return err
	}
	if az.PushRefused() {
		// The client must push its requests (RFC 9126), and the PAR
		// endpoint, which validates them as the authorization endpoint
		// would, refused this one.
		return refusedDefaults(az, r, fix)
	}
	if az.Callback == nil {
		if az.Interactive {
			return suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser (--browser on) and give login/consent steps in the config")
		}
		return suite.SkipErr("the authorization request did not come back to the redirect URI")
	}
	q := az.Callback.Query()
	if q.Get("error") != "" {
		return refusedDefaults(az, r, fix)
	}
	code := q.Get("code")
	if code == "" {
		return suite.SkipErr("the redirect to the client carries no code")
	}
	t.Transport.AddSecret(code)
	res, err := t.Redeem(ctx, ar, code, nil)
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return nil
	}
	ecode := expect.ErrorCode(res)
	switch {
	case regclient.IsInvalidClient(res):
		return expect.Fail(res, "HTTP 200 with tokens", regclient.Outcome(res),
			"the token endpoint refuses the credentials of the registered client used with %s", method).
			WithFix("a client registered without token_endpoint_auth_method authenticates with client_secret_basic (RFC 7591 §2) unless the response states another method").
			WithEvidence(r.Res.Exchange)
	case ecode == "unauthorized_client" || ecode == "unsupported_grant_type":
		return expect.Fail(res, "HTTP 200 with tokens", regclient.Outcome(res),
			"the token endpoint refuses the authorization_code grant to a client registered with the default grant_types").
			WithFix(fix).
			WithEvidence(r.Res.Exchange)
	}
	return suite.SkipErr("the code exchange failed for a reason this check does not judge: %s", regclient.Outcome(res))
}

// displayChecks are the checks of what the consent page shows of a
// client's registered metadata (RFC 7591 §2).
func displayChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureDCR, vocab.FeatureBrowser, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc7591-2-client-uri-shown", Spec: suite.RFC7591, Section: "2", Level: suite.Should,
			Requires: req, Profiles: profiles,
			Title: "The consent page links to the client's registered client_uri",
			Quote: "client_uri ... If present, the server SHOULD display this URL to the end-user in a clickable fashion.",
			Run:   func(ctx context.Context, t *suite.T) error { return judgeShown(ctx, t, "client_uri", true) },
		},
		{
			ID: "rfc7591-2-tos-uri-shown", Spec: suite.RFC7591, Section: "2", Level: suite.Should,
			Requires: req, Profiles: profiles,
			Title: "The consent page shows the client's registered tos_uri",
			Quote: "tos_uri ... The authorization server SHOULD display this URL to the end-user if it is provided.",
			Run:   func(ctx context.Context, t *suite.T) error { return judgeShown(ctx, t, "tos_uri", false) },
		},
		{
			ID: "rfc7591-2-policy-uri-shown", Spec: suite.RFC7591, Section: "2", Level: suite.Should,
			Requires: req, Profiles: profiles,
			Title: "The consent page shows the client's registered policy_uri",
			Quote: "policy_uri ... The authorization server SHOULD display this URL to the end-user if it is provided.",
			Run:   func(ctx context.Context, t *suite.T) error { return judgeShown(ctx, t, "policy_uri", false) },
		},
		logoShown,
	}
}

// displayed is the consent page of a client registered with client_uri,
// tos_uri and policy_uri, made once per run.
type displayed struct {
	reg     *regclient.Registration
	uris    map[string]string
	consent *fixture.PageVisit
	res     *fixture.AuthzResult
}

// displayURIs are the URIs the display checks register: on the origin of
// the redirect URI (RFC 7591 §5 would have the server compare their host
// with it), under paths nobody serves.
func displayURIs(t *suite.T) map[string]string {
	base := "https://client.authspec.example"
	if u, err := url.Parse(t.RedirectURI()); err == nil && u.Host != "" {
		base = u.Scheme + "://" + u.Host
	}
	return map[string]string{"client_uri": base + "/authspec/home", "tos_uri": base + "/authspec/terms", "policy_uri": base + "/authspec/privacy"}
}

func consentWithURIs(ctx context.Context, t *suite.T) (*displayed, error) {
	v, err := t.Shared(ctx, "rfc7591.consent-with-uris", func(ctx context.Context, t *suite.T) (any, error) {
		uris := displayURIs(t)
		changes := map[string]any{"client_name": "authspec client with its pages"}
		for k, v := range uris {
			changes[k] = v
		}
		r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), changes))
		if err != nil {
			return nil, err
		}
		res, consent, err := openConsent(ctx, t, r.Client)
		if err != nil {
			return nil, err
		}
		return &displayed{reg: r, uris: uris, res: res, consent: consent}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*displayed), nil
}

// judgeShown looks for the registered member on the consent page: a link
// to it, or (unless clickable is required) its text.
func judgeShown(ctx context.Context, t *suite.T, member string, clickable bool) error {
	d, err := consentWithURIs(ctx, t)
	if err != nil {
		return err
	}
	want := d.uris[member]
	if got, _ := d.reg.Info[member].(string); got != want {
		return suite.SkipErr("the registration response has %s %s, not the %s sent (RFC 7591 §2 lets the server replace it), so there is no URL of the client's to look for", member, expect.Describe(d.reg.Info[member]), want)
	}
	if d.consent == nil || strings.TrimSpace(d.consent.Text) == "" {
		return suite.SkipErr("the target showed no consent page (even with prompt=consent), so there is nothing to read")
	}
	if slices.Contains(d.consent.Links, want) || !clickable && strings.Contains(d.consent.Text, want) {
		return nil
	}
	how := "neither as a link nor as text"
	if clickable {
		how = "as no link"
		if strings.Contains(d.consent.Text, want) {
			how = "as text, but not as a link"
		}
	}
	return &suite.Failure{
		Message: fmt.Sprintf("the consent page shows the client's registered %s %s", member, how),
		Want:    fmt.Sprintf("the consent page showing %s %s", member, want),
		Got:     fmt.Sprintf("links on the page: %d; %s not among them", len(d.consent.Links), want),
		Fix:     "show the client's client_uri (as a link), tos_uri and policy_uri on the consent page, marked as what the client states",
	}
}

var logoShown = &suite.Check{
	ID: "rfc7591-2-logo-uri-shown", Spec: suite.RFC7591, Section: "2", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureBrowser, vocab.FeatureAuthCode}, Profiles: profiles,
	Title: "The consent page displays the client's registered logo_uri, from its URL or as the server's copy",
	Quote: "logo_uri ... If present, the server SHOULD display this image to the end-user during approval.",
	Run:   runLogoShown,
}

// runLogoShown registers a client whose logo_uri the suite serves on a
// loopback listener of its own, and opens its consent page. The logo is
// displayed when the page shows an image loaded from logo_uri (the browser
// fetched it), or the server's copy of it: RFC 9700 §4.2.4 keeps
// third-party resources out of the authorization pages, so a server may
// fetch the logo itself and serve it from its own origin; such a copy is
// recognised by its bytes. A logo fetched by nobody is displayed nowhere.
func runLogoShown(ctx context.Context, t *suite.T) error {
	l, err := hosted.ServeLogo()
	if err != nil {
		return err
	}
	defer l.Close()
	logo, png := l.URL, l.PNG
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t),
		map[string]any{"client_name": "authspec client with a logo", "logo_uri": logo}))
	if err != nil {
		return err
	}
	if got, _ := r.Info["logo_uri"].(string); got != logo {
		return suite.SkipErr("the registration response has logo_uri %s, not the %s sent (RFC 7591 §2 lets the server replace it), so there is no image of the client's to look for", expect.Describe(r.Info["logo_uri"]), logo)
	}
	consent, err := consentPage(ctx, t, r.Client)
	if err != nil {
		return err
	}
	browser, server := l.Who()
	if browser || slices.Contains(consent.Images, logo) {
		t.Logf("the consent page loaded the logo from logo_uri %s", logo)
		return nil
	}
	if server {
		return judgeLogoCopy(ctx, t, consent, png)
	}
	return &suite.Failure{
		Message: "the consent page displays no logo: neither the browser nor the server fetched the registered logo_uri (a server may refuse to fetch from a loopback http address, as it should in production; the browser would still load it)",
		Want:    "the image at " + logo + " on the consent page, loaded from there or copied by the server",
		Got:     fmt.Sprintf("no request for %s; images displayed on the page: %d", logo, len(consent.Images)),
		Fix:     "show the client's logo_uri on the consent page, preferably as a copy the server fetched (RFC 9700 §4.2.4), marked as what the client states",
	}
}

// openConsent goes through the authorization pages of c with
// prompt=consent in the browser, and returns the flow and its consent page
// (nil when none was shown).
func openConsent(ctx context.Context, t *suite.T, c *fixture.Client) (*fixture.AuthzResult, *fixture.PageVisit, error) {
	ar := t.NewAuthRequest(c)
	ar.Extra = url.Values{"prompt": {"consent"}}
	ar.Flow = fixture.FlowInspect
	res, err := t.Authorize(ctx, ar)
	if err != nil {
		return nil, nil, err
	}
	var consent *fixture.PageVisit
	for i := range res.Pages {
		if res.Pages[i].Stage == "consent" {
			consent = &res.Pages[i]
		}
	}
	return res, consent, nil
}

// consentPage is the consent page of c, SKIP when the target shows none.
func consentPage(ctx context.Context, t *suite.T, c *fixture.Client) (*fixture.PageVisit, error) {
	_, consent, err := openConsent(ctx, t, c)
	if err != nil {
		return nil, err
	}
	if consent == nil || strings.TrimSpace(consent.Text) == "" {
		return nil, suite.SkipErr("the target showed no consent page (even with prompt=consent), so there is nothing to read")
	}
	return consent, nil
}

// judgeLogoCopy looks, among the images the consent page displays from the
// authorization server's origin, for one with the logo's bytes.
func judgeLogoCopy(ctx context.Context, t *suite.T, consent *fixture.PageVisit, png []byte) error {
	auth, err := url.Parse(t.Target.Metadata.AuthorizationEndpoint)
	if err != nil {
		return suite.SkipErr("authorization_endpoint is not a URL: %v", err)
	}
	for _, src := range consent.Images {
		u, err := url.Parse(src)
		if err != nil || u.Scheme != auth.Scheme || u.Host != auth.Host {
			continue
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, http.NoBody)
		if err != nil {
			continue
		}
		res, err := t.HTTP.Do(ctx, req, "fetch an image the consent page displays")
		if err != nil {
			return err
		}
		if res.Status == http.StatusOK && bytes.Equal(res.Body, png) {
			t.Logf("the server fetched the logo and the consent page displays its copy at %s", src)
			return nil
		}
	}
	return suite.SkipErr("the server fetched the logo, but none of the %d images the consent page displays from its origin has the logo's bytes: it may show a resized copy, which cannot be told from another image; review the consent page", len(consent.Images))
}
