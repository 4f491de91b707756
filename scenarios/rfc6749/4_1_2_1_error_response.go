package rfc6749

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationErrorChecks returns the checks of RFC 6749 §4.1.2.1, Error
// Response (of the authorization endpoint).
func authorizationErrorChecks() []*suite.Check {
	return []*suite.Check{
		deny, missingResponseType, unknownClientNotRedirected, missingClientNotRedirected,
		authorizeUnknownScope, authorizeUnauthorizedClient, errorCarriesState,
		invalidRedirectNotFollowed,
	}
}

// authorizationErrorValueChecks are the §4.1.2.1 checks of the characters
// of error values.
func authorizationErrorValueChecks() []*suite.Check {
	return []*suite.Check{authorizeErrorDescriptionCharset}
}

var authorizeErrorDescriptionCharset = &suite.Check{
	ID: "rfc6749-4.1.2.1-error-description-charset", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "error, error_description and error_uri redirected to the client stay within their allowed ASCII characters, even when the request holds others",
	Quote: "Values for the \"error_description\" parameter MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E.",
	Run:   runAuthorizeErrorDescriptionCharset,
}

// runAuthorizeErrorDescriptionCharset sends an authorization request whose
// unknown response_type holds a double quote, a backslash and a non-ASCII
// letter, which a server naming it in error_description reflects, and
// judges the error redirected to the client. An error shown to the person
// instead is rfc6749-3.1.1-unsupported-response-type's to judge.
func runAuthorizeErrorDescriptionCharset(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	ar.Extra = url.Values{"response_type": {"authspec_unknown\"quoted\"\\back-\u00fc"}}
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.PushRefused() {
		// The PAR endpoint answers in the form of RFC 6749 §5.2 (RFC 9126
		// §2.3), whose error values have the same characters.
		m, err := expect.JSONObject(res.Push, false)
		if err != nil {
			return suite.SkipErr("the PAR endpoint refused the request without a JSON error (see rfc9126-2.1-pushed-request-validated)")
		}
		return judgeErrorValues(res.Push, "§5.2", func(name string) (string, bool) {
			v, ok := m[name].(string)
			return v, ok
		})
	}
	if res.Callback == nil {
		return suite.SkipErr("the request was not answered by a redirect to the client (see rfc6749-3.1.1-unsupported-response-type)")
	}
	q := res.Callback.Query()
	if !q.Has("error") {
		return suite.SkipErr("the redirect to the client carries no error (see rfc6749-3.1.1-unsupported-response-type)")
	}
	return judgeErrorValues(res.Last, "§4.1.2.1", func(name string) (string, bool) { return q.Get(name), q.Has(name) })
}

var missingResponseType = &suite.Check{
	ID: "rfc6749-4.1.2.1-missing-response-type", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "A request without response_type is redirected to the client with error=invalid_request (or unsupported_response_type) and the state",
	Quote:       "invalid_request: The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
	Keywordless: keywordlessErrorCode + " RFC 6749 §3.1.1: \"If an authorization request is missing the \"response_type\" parameter, ... the authorization server MUST return an error response as described in Section 4.1.2.1.\"",
	Run:         runMissingResponseType,
}

func runMissingResponseType(ctx context.Context, t *suite.T) error {
	q, res, err := errorRedirect(ctx, t, url.Values{"response_type": {""}}, false)
	if err != nil {
		return err
	}
	// RFC 6749 §3.1.1 puts a missing response_type beside one that is
	// not understood, for which §4.1.2.1 has unsupported_response_type:
	// a server may answer either.
	known := q.Get("error") == "invalid_request" || q.Get("error") == "unsupported_response_type"
	if res.pushed {
		if !known {
			return expect.Fail(res.last, "error=invalid_request", expect.Outcome(res.last),
				"a pushed request missing a required parameter is not reported as invalid_request").
				WithFix("answer a pushed request without response_type with HTTP 400 error=invalid_request (RFC 9126 §2.3)")
		}
		return nil
	}
	if !known || q.Get("state") != res.state {
		got := fmt.Sprintf("error=%q state=%q", q.Get("error"), q.Get("state"))
		if q.Get("code") != "" {
			got = "an authorization code"
		}
		return expect.Fail(res.last, fmt.Sprintf("error=invalid_request&state=%q", res.state), got,
			"a request missing a required parameter is not reported as invalid_request with the client's state").
			WithFix("answer a missing response_type with a redirect carrying error=invalid_request and the state")
	}
	return nil
}

var unknownClientNotRedirected = &suite.Check{
	ID: "rfc6749-4.1.2.1-unknown-client-not-redirected", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A request with an unknown client_id is not redirected, even to a redirect_uri that looks legitimate",
	Quote: "If the request fails due to a missing, invalid, or mismatching redirection URI, or if the client identifier is missing or invalid, the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.",
	Run:   runUnknownClientNotRedirected,
}

func runUnknownClientNotRedirected(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ghost := &fixture.Client{ID: "authspec-unknown-" + fixture.RandomState(), RedirectURI: c.RedirectURI, AuthMethod: c.AuthMethod}
	return notRedirectedAt(ctx, t, t.NewAuthRequest(ghost), "an error page, no redirect",
		"the server redirects for a client it does not know: nothing vouches for that redirect URI",
		"show an error page when client_id is missing or unknown; never redirect")
}

var missingClientNotRedirected = &suite.Check{
	ID: "rfc6749-4.1.2.1-missing-client-not-redirected", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A request without client_id is not redirected, even to the redirect_uri of a registered client",
	Quote: "If the request fails due to a missing, invalid, or mismatching redirection URI, or if the client identifier is missing or invalid, the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.",
	Run:   runMissingClientNotRedirected,
}

func runMissingClientNotRedirected(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	ar.Extra = url.Values{"client_id": {""}} // the request names no client
	return notRedirectedAt(ctx, t, ar, "an error page, no redirect",
		"the server redirects a request that names no client: nothing vouches for its redirect URI",
		"show an error page when client_id is missing; never redirect")
}

var authorizeUnknownScope = &suite.Check{
	ID: "rfc6749-4.1.2.1-unknown-scope-invalid-scope", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A scope the server does not define is redirected as invalid_scope, or dropped and the granted scope reported",
	Quote: "invalid_scope: The requested scope is invalid, unknown, or malformed.",
	Keywordless: keywordlessErrorCode + " A server may instead ignore the scope (§3.3 \"MAY fully or partially ignore the scope requested\"), " +
		"but then \"MUST include the \"scope\" response parameter to inform the client of the actual scope granted\" (§3.3); " +
		"a server that grants the value defines it (§3.3 \"The strings are defined by the authorization server\").",
	Run: runAuthorizeUnknownScope,
}

func runAuthorizeUnknownScope(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	const unknown = "authspec-unknown-scope"
	ar := t.NewAuthRequest(c)
	ar.Scope = strings.TrimSpace(ar.Scope + " " + unknown)
	q, res, err := redirectedBack(ctx, t, ar)
	if err != nil {
		return err
	}
	if res.PushRefused() {
		return pushRefusedWith(res, "invalid_scope", "an unknown scope in a pushed request is refused with the wrong error",
			"answer a pushed request with an unknown scope with HTTP 400 error=invalid_scope (RFC 9126 §2.3), or drop the scope and report what was granted")
	}
	if code := q.Get("code"); code != "" {
		return grantedUnknownScope(ctx, t, ar, code, unknown)
	}
	e := q.Get("error")
	if e == "invalid_scope" && q.Get("state") == ar.State {
		return nil
	}
	// The control: the same request without the unknown scope gets a
	// code, so the refusal answers the scope and nothing else.
	if _, err := t.CodeFor(ctx, c, nil); err != nil {
		return suite.SkipErr("the same request without the unknown scope gets no code either (%v), so the refusal says nothing about the scope", err)
	}
	return expect.Fail(res.Last, fmt.Sprintf("error=invalid_scope&state=%q", ar.State),
		fmt.Sprintf("error=%q state=%q", e, q.Get("state")), "an unknown scope is reported with the wrong error or without the state").
		WithFix("answer an unknown scope with error=invalid_scope and the state")
}

var authorizeUnauthorizedClient = &suite.Check{
	ID: "rfc6749-4.1.2.1-unauthorized-client", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode}, vocab.FeatureClientCredentials), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A client registered only for client_credentials that is refused gets error=unauthorized_client (a code for it is reported as an observation)",
	Quote: "unauthorized_client: The client is not authorized to request an authorization code using this method.",
	Keywordless: keywordlessErrorCode + " No sentence obliges a server to restrict a client to the grant types it registered " +
		"(RFC 7591 §2 describes grant_types as those the client \"can use\"), so a code issued to such a client is reported as an observation (WARN).",
	Run: runAuthorizeUnauthorizedClient,
}

func runAuthorizeUnauthorizedClient(ctx context.Context, t *suite.T) error {
	method := regclient.SecretMethod(t)
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, method, map[string]any{"grant_types": []string{"client_credentials"}, "response_types": []string{}}))
	if err != nil {
		return err
	}
	if !r.OK() || r.Client.ID == "" {
		return suite.SkipErr("the server does not register a client_credentials-only client with a redirect URI (HTTP %d)", r.Res.Status)
	}
	if gts, echoed, _ := expect.StringList(r.Info, "grant_types"); echoed && slices.Contains(gts, "authorization_code") {
		return suite.SkipErr("the server registered the client for authorization_code although it asked only for client_credentials")
	}
	ar := t.NewAuthRequest(r.Client)
	ar.State = "authspec-uc-" + fixture.RandomState()
	q, res, err := redirectedBack(ctx, t, ar)
	if err != nil {
		return err
	}
	if res.PushRefused() {
		return pushRefusedWith(res, "unauthorized_client", "the refusal of the pushed request carries the wrong error code",
			"answer the push of a client not registered for the authorization code grant with HTTP 400 error=unauthorized_client (RFC 9126 §2.3)")
	}
	if q.Get("code") != "" {
		return expect.Fail(res.Last, "error=unauthorized_client", "an authorization code",
			"a client not registered for the authorization code grant got a code").
			WithFix("check the client's registered grant_types and response_types at the authorization endpoint").AsObservation()
	}
	if q.Get("error") != "unauthorized_client" {
		return expect.Fail(res.Last, "error=unauthorized_client", "error="+q.Get("error"),
			"the refusal carries the wrong error code").
			WithFix("answer with error=unauthorized_client")
	}
	return nil
}

var errorCarriesState = &suite.Check{
	ID: "rfc6749-4.1.2.1-error-carries-state", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An error redirect carries error and the state of the request",
	Quote: "state REQUIRED if a \"state\" parameter was present in the client authorization request. The exact value received from the client.",
	Run:   runErrorCarriesState,
}

// runErrorCarriesState sends a request with an unknown response_type. A
// server that requires pushed authorization requests gets it as it is,
// not pushed: the PAR endpoint would answer the client directly, with no
// state to carry, while the authorization endpoint must refuse the plain
// request (RFC 9126 §4, invalid_request) with an error response that, like
// any, carries the state.
func runErrorCarriesState(ctx context.Context, t *suite.T) error {
	q, res, err := errorRedirect(ctx, t, url.Values{"response_type": {"authspec_unknown"}}, true)
	if err != nil {
		return err
	}
	if q.Get("error") == "" || q.Get("state") != res.state {
		return expect.Fail(res.last, fmt.Sprintf("error=…&state=%q", res.state),
			fmt.Sprintf("error=%q state=%q", q.Get("error"), q.Get("state")), "the error redirect does not carry the state")
	}
	return nil
}

var invalidRedirectNotFollowed = &suite.Check{
	ID: "rfc6749-4.1.2.1-invalid-redirect-not-followed", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A request with an unregistered redirect_uri is not redirected to it",
	Quote: "If the request fails due to a missing, invalid, or mismatching redirection URI ... the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.",
	Run:   runInvalidRedirectNotFollowed,
}

func runInvalidRedirectNotFollowed(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	ar.RedirectURI = "https://authspec.invalid/steal"
	ar.Plain = true // the request an attacker sends a person to, pushed or not
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Callback != nil {
		return expect.Fail(res.Last, "an error page, no redirect", "a redirect to "+res.Callback.Redacted(),
			"the server redirects to a redirect URI it never registered: an open redirector").
			WithFix("show errors about redirect_uri to the user; never redirect to an unregistered URI")
	}
	return nil
}

var deny = &suite.Check{
	ID: "rfc6749-4.1.2.1-deny-access-denied", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A denied consent redirects to the client with error=access_denied and the state",
	Quote: "If the resource owner denies the access request or if the request fails for reasons other than a missing or invalid redirection URI, the authorization server informs the client by adding the following parameters to the query component of the redirection URI",
	Keywordless: "A statement of protocol behaviour: the section makes the parameters it adds normative (\"error REQUIRED\", \"state REQUIRED if a \"state\" parameter was present\"), " +
		"and a denial is one of the failures that reach the client this way.",
	Run: runDeny,
}

func runDeny(ctx context.Context, t *suite.T) error {
	if len(t.Target.Config.Browser.Deny) == 0 {
		return suite.SkipErr("the config has no deny recipe: add browser.deny, the steps that refuse on the consent page (docs/browser.md)")
	}
	_, ar, err := pages.Request(ctx, t)
	if err != nil {
		return err
	}
	ar.Flow = fixture.FlowDeny
	res, err := t.Authorize(ctx, ar)
	// Only a flow on which the deny steps ran is judged: a page or an
	// error before them (a login the recipe did not get through, say)
	// says nothing of a denial.
	denied := res != nil && slices.ContainsFunc(res.Pages, func(p fixture.PageVisit) bool { return p.Stage == "deny" })
	if res != nil && res.Shown != nil {
		if !denied {
			return suite.SkipErr("the flow ended on a page before the deny steps could run (%s)", res.Shown.Describe())
		}
		// The client and its redirect URI were validated before the
		// person could deny: nothing excuses keeping the answer from it.
		return expect.Fail(res.Last, "a redirect to the client with error=access_denied", res.Shown.Describe(),
			"after the deny steps the person was shown a page instead of being sent back to the client").
			WithFix("redirect a denied request to the client's redirect URI with error=access_denied and state")
	}
	if err != nil {
		if fixture.IsUnavailable(err) || !denied {
			return fmt.Errorf("the deny flow did not reach its deny steps: %w", err)
		}
		return &suite.Failure{Message: "after the deny steps the browser never came back to the client: " + err.Error(),
			Want: "a redirect to the client with error=access_denied", Got: "no redirect",
			Fix: "redirect a denied request to the client's redirect URI with error=access_denied and state", Cause: err}
	}
	if !res.Interactive || !denied {
		return suite.SkipErr("the target approved the request without showing a page where the deny steps could run, so there was nothing to deny")
	}
	if res.Callback == nil {
		return suite.SkipErr("the browser did not come back to the client after the deny steps")
	}
	q := res.Callback.Query()
	if q.Get("code") != "" {
		return &suite.Failure{Message: "after the deny steps the server sent the client an authorization code: either it ignored the denial, or browser.deny clicks the approve control",
			Want: fmt.Sprintf("error=access_denied&state=%q", ar.State), Got: "an authorization code",
			Fix: "refuse the authorization when the person denies it; check that browser.deny clicks the deny control"}
	}
	if q.Get("error") != "access_denied" || q.Get("state") != ar.State {
		return &suite.Failure{Message: "the denial did not reach the client as RFC 6749 §4.1.2.1 says",
			Want: fmt.Sprintf("error=access_denied&state=%q", ar.State), Got: fmt.Sprintf("error=%q state=%q", q.Get("error"), q.Get("state"))}
	}
	return nil
}

// grantedUnknownScope judges the tokens of a code issued for a request
// with a scope the server does not define: a scope member (whatever it
// says) informs the client; without one, introspection tells whether the
// scope was dropped silently.
func grantedUnknownScope(ctx context.Context, t *suite.T, ar *fixture.AuthRequest, code, unknown string) error {
	tres, err := t.Redeem(ctx, ar, code, nil)
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(tres)
	if err != nil {
		return suite.SkipErr("the code could not be redeemed (%v); the token endpoint checks report why", err)
	}
	if _, ok := ts.Raw["scope"]; ok {
		t.Logf("the server granted scope %q for a request of %q: it either defines the value or reports what it granted instead (RFC 6749 §3.3)", ts.Scope, ar.Scope)
		return nil
	}
	return unreportedScope(ctx, t, ar.Client, tres, ts.AccessToken, ar.Scope, unknown)
}

// redirectedBack sends ar and returns the query of the redirect back to the
// client. A request that does not come back is a SKIP when a page needs a
// person, else the notRedirected observation. Where the client must push
// its requests and the PAR endpoint refused the pushed one, the query is
// nil and the result says so (PushRefused).
func redirectedBack(ctx context.Context, t *suite.T, ar *fixture.AuthRequest) (url.Values, *fixture.AuthzResult, error) {
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return nil, nil, err
	}
	if res.PushRefused() {
		return nil, res, nil
	}
	if res.Callback == nil {
		if res != nil && res.Interactive {
			return nil, nil, suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser")
		}
		return nil, nil, notRedirected(res.LastResponse())
	}
	return res.Callback.Query(), res, nil
}

// pushRefusedWith judges the refusal of a pushed request by the PAR
// endpoint: its JSON error must carry the code RFC 6749 defines for the
// condition (RFC 9126 §2.3 "using the appropriate error code from therein
// or from Section 4.1.2.1 of [RFC6749]").
func pushRefusedWith(res *fixture.AuthzResult, code, why, fix string) error {
	if got := res.PushError(); got != code {
		return expect.Fail(res.Push, "HTTP 400 error="+code, expect.Outcome(res.Push), "%s", why).WithFix(fix)
	}
	return nil
}
