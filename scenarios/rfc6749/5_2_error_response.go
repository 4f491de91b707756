package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// errorResponseChecks returns the checks of RFC 6749 §5.2, Error Response.
func errorResponseChecks() []*suite.Check {
	return append(append(grantErrorChecks(), clientErrorChecks()...), errorValueChecks()...)
}

// errorValueChecks are the §5.2 checks of the characters of error values.
func errorValueChecks() []*suite.Check {
	return []*suite.Check{errorDescriptionCharset}
}

// charsetProbe is a grant_type holding the characters an error value must
// not: a double quote, a backslash and a non-ASCII letter, which a server
// that names the unsupported grant type in error_description reflects.
const charsetProbe = "urn:authspec:unknown-grant:\"quoted\"\\back-\u00fc"

var errorDescriptionCharset = &suite.Check{
	ID: "rfc6749-5.2-error-description-charset", Spec: suite.RFC6749, Section: "5.2", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "error, error_description and error_uri stay within their allowed ASCII characters, even when the request holds others",
	Quote: "Values for the \"error_description\" parameter MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E.",
	Run:   runErrorDescriptionCharset,
}

// runErrorDescriptionCharset provokes an error whose description a server
// may build from the request and holds error, error_description and
// error_uri to their sets (RFC 6749 §5.2, Appendix A.7 to A.9).
func runErrorDescriptionCharset(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := clientCredentials()
	form.Set("grant_type", charsetProbe)
	res, err := t.Token(ctx, c, form, "token request whose unknown grant_type holds a double quote, a backslash and a non-ASCII letter")
	if err != nil {
		return err
	}
	m, err := expect.JSONObject(res, true)
	if err != nil || res.Status < 400 {
		return suite.SkipErr("the request got HTTP %d, not a JSON error response (see rfc6749-5.2-unsupported-grant-type and rfc6749-5.2-error-json)", res.Status)
	}
	return judgeErrorValues(res, "§5.2", func(name string) (string, bool) {
		v, ok := m[name].(string)
		return v, ok
	})
}

// quoteInvalidClient is the RFC 6749 §5.2 definition of invalid_client.
const quoteInvalidClient = "invalid_client Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."

// clientErrorChecks are the §5.2 checks of failed client authentication.
func clientErrorChecks() []*suite.Check {
	return []*suite.Check{unknownClientInvalidClient, postWrongSecret}
}

// grantErrorChecks are the other §5.2 checks.
func grantErrorChecks() []*suite.Check {
	return []*suite.Check{
		tokenUnauthorizedClient, invalidClient401, unsupportedGrantType, errorJSON,
		missingGrantTypeInvalidRequest, tokenUnknownScope,
	}
}

var tokenUnauthorizedClient = &suite.Check{
	ID: "rfc6749-5.2-unauthorized-client", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode, vocab.FeatureClientCredentials},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A client not registered for client_credentials that is refused gets unauthorized_client (tokens for it are reported as an observation)",
	Quote:    "unauthorized_client The authenticated client is not authorized to use this authorization grant type.",
	Keywordless: keywordlessErrorCode + " No sentence obliges a server to restrict a client to the grant types it registered " +
		"(RFC 7591 §2 describes grant_types as those the client \"can use\"), so tokens issued to such a client are reported as an observation (WARN).",
	Run: runTokenUnauthorizedClient,
}

func runTokenUnauthorizedClient(ctx context.Context, t *suite.T) error {
	method := regclient.SecretMethod(t)
	reg, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, method, map[string]any{"grant_types": []string{"authorization_code"}}))
	if err != nil {
		return err
	}
	gts, echoed, _ := expect.StringList(reg.Info, "grant_types")
	switch {
	case !echoed:
		return suite.SkipErr("the registration response does not say which grant_types were registered (see the RFC 7591 checks)")
	case slices.Contains(gts, "client_credentials"):
		return suite.SkipErr("the server registered the client for client_credentials although it asked only for authorization_code")
	}
	if reg.Client.Secret == "" {
		return suite.SkipErr("the registration response has no client_secret")
	}
	res, err := t.Token(ctx, reg.Client, clientCredentials(), "client_credentials by a client registered only for authorization_code")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "error=unauthorized_client", "HTTP 200 with tokens",
			"the client used a grant type it is not registered for").
			WithEvidence(reg.Res.Exchange).
			WithFix("check the client's registered grant_types at the token endpoint").AsObservation()
	}
	_, err = expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "unauthorized_client")
	return expect.WithFix(err, "answer a grant type the client may not use with 400 error=unauthorized_client")
}

var invalidClient401 = &suite.Check{
	ID: "rfc6749-5.2-invalid-client-401", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A failed HTTP Basic client authentication answers 401 invalid_client with WWW-Authenticate",
	Quote:    "If the client attempted to authenticate via the \"Authorization\" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the \"WWW-Authenticate\" response header field matching the authentication scheme used by the client.",
	Run:      runInvalidClient401,
}

func runInvalidClient401(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	c := withBasic(src.Client)
	c.Secret = "authspec-wrong-secret"
	res, err := src.Send(ctx, c, nil, "HTTP Basic with a wrong secret")
	if err != nil {
		return err
	}
	if _, err := expect.OAuthError(res, []int{http.StatusUnauthorized}, "invalid_client"); err != nil {
		return expect.WithFix(err, "answer a failed client authentication with 401 and error=invalid_client")
	}
	_, err = expect.Header(res, "WWW-Authenticate")
	return expect.WithFix(err, `add WWW-Authenticate: Basic realm="..." to 401 invalid_client responses`)
}

// unknownGrant sends the confidential client's token request with a
// grant_type no server defines.
func unknownGrant(ctx context.Context, t *suite.T, note string) (*httpx.Result, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	form := clientCredentials()
	form.Set("grant_type", "urn:authspec:unknown-grant")
	return t.Token(ctx, c, form, note)
}

var unsupportedGrantType = &suite.Check{
	ID: "rfc6749-5.2-unsupported-grant-type", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires:    []vocab.Feature{vocab.FeatureConfidential},
	Profiles:    []vocab.Profile{vocab.ProfileCore},
	Title:       "An unknown grant_type yields unsupported_grant_type",
	Quote:       "unsupported_grant_type: The authorization grant type is not supported by the authorization server.",
	Keywordless: keywordlessErrorCode,
	Run:         runUnsupportedGrantType,
}

func runUnsupportedGrantType(ctx context.Context, t *suite.T) error {
	res, err := unknownGrant(ctx, t, "token request with an unknown grant_type")
	if err != nil {
		return err
	}
	return expect.ErrorResponse(res, "unsupported_grant_type")
}

var errorJSON = &suite.Check{
	ID: "rfc6749-5.2-error-json", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Token endpoint errors are application/json objects with an error member",
	Quote: "The parameters are included in the entity-body of the HTTP response using the \"application/json\" media type as defined by [RFC4627].",
	Keywordless: "The wire format of the token endpoint's error response (RFC 6749 §5.2): the parameters that the section makes REQUIRED " +
		"are carried this way and no other, so a response in another format is not an error response a client can read.",
	Run: runErrorJSON,
}

func runErrorJSON(ctx context.Context, t *suite.T) error {
	res, err := unknownGrant(ctx, t, "token request with an unknown grant_type, to get an error")
	if err != nil {
		return err
	}
	if res.Status < 400 || res.Status > 499 {
		return suite.SkipErr("an unknown grant_type got HTTP %d, not an error (see rfc6749-5.2-unsupported-grant-type)", res.Status)
	}
	m, err := expect.JSONObject(res, true)
	if err != nil {
		return expect.WithFix(err, "send token endpoint errors as application/json: {\"error\": \"...\"}")
	}
	if e, _ := m["error"].(string); e == "" {
		return expect.Fail(res, `a string member "error"`, "members: "+expect.Keys(m), "the error response has no error code")
	}
	return nil
}

var missingGrantTypeInvalidRequest = &suite.Check{
	ID: "rfc6749-5.2-missing-grant-type-invalid-request", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A token request without grant_type is refused with invalid_request",
	Quote: quoteInvalidRequest,
	Keywordless: keywordlessErrorCode + " The exception \"(other than grant type)\" concerns unsupported values, not a missing grant_type, " +
		"which is a missing required parameter.",
	Run: runMissingGrantTypeInvalidRequest,
}

func runMissingGrantTypeInvalidRequest(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := clientCredentials()
	form.Del("grant_type")
	res, err := t.Token(ctx, c, form, "token request without grant_type")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_request"), "a missing grant_type is a missing required parameter: answer 400 error=invalid_request")
}

var tokenUnknownScope = &suite.Check{
	ID: "rfc6749-5.2-unknown-scope-invalid-scope", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A scope the server does not define is refused with invalid_scope, or dropped and the granted scope reported",
	Quote: "invalid_scope The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
	Keywordless: keywordlessErrorCode + " A server may instead ignore the scope (§3.3 \"MAY fully or partially ignore the scope requested\"), " +
		"but then \"MUST include the \"scope\" response parameter to inform the client of the actual scope granted\" (§3.3); " +
		"a server that grants the value defines it (§3.3 \"The strings are defined by the authorization server\").",
	Run: runTokenUnknownScope,
}

func runTokenUnknownScope(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return err
	}
	if src.Kind != tokenreq.ClientCredentials {
		return suite.SkipErr("the client_credentials grant is not available to the client (configure clients.client_credentials): the scope of a code exchange is the authorization request's, judged by rfc6749-4.1.2.1-unknown-scope-invalid-scope")
	}
	res, err := src.Send(ctx, src.Client, func(form url.Values) { form.Set("scope", unknownScope) }, "the request asking for a scope the server does not define")
	if err != nil {
		return err
	}
	if !tokenreq.Issued(res) {
		return expect.WithFix(expect.ErrorResponse(res, "invalid_scope"), "answer a scope the server does not know with 400 error=invalid_scope")
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	if granted, ok := m["scope"].(string); ok {
		t.Logf("the server granted scope %q for a request of %q: it either defines the value or reports what it granted instead (RFC 6749 §3.3)", granted, unknownScope)
		return nil
	}
	// No scope member: the grant is identical to the request (§5.1),
	// unless introspection shows otherwise.
	at, _ := m["access_token"].(string)
	// The control token: the same grant for a scope the server knows.
	known := func(ctx context.Context) (string, error) {
		scope := knownScope(t)
		if scope == "" {
			return "", nil
		}
		cres, err := src.Send(ctx, src.Client, func(form url.Values) { form.Set("scope", scope) }, "the same request for a scope the server knows (control)")
		if err != nil || !tokenreq.Issued(cres) {
			return "", err
		}
		ts, err := t.ParseTokens(cres)
		if err != nil {
			return "", nil
		}
		return ts.AccessToken, nil
	}
	return unreportedScopeWith(ctx, t, src.Client, res, at, unknownScope, unknownScope, known)
}

// knownScope is a scope the server defines: the config's first, else the
// first of scopes_supported other than openid.
func knownScope(t *suite.T) string {
	for _, list := range [][]string{t.Target.Config.Scopes, t.Target.Metadata.ScopesSupported} {
		for _, s := range list {
			if s != "openid" {
				return s
			}
		}
	}
	return ""
}

// unreportedScope judges tokens issued to c without a scope member for a
// request of scope requested, which includes unknown: introspection tells
// the scope actually granted, and a grant without unknown should have been
// reported (RFC 6749 §3.3).
func unreportedScope(ctx context.Context, t *suite.T, c *fixture.Client, res *httpx.Result, token, requested, unknown string) error {
	return unreportedScopeWith(ctx, t, c, res, token, requested, unknown, nil)
}

// unreportedScopeWith is unreportedScope with the control token of scoped
// (introspectedScopeWith).
func unreportedScopeWith(ctx context.Context, t *suite.T, c *fixture.Client, res *httpx.Result, token, requested, unknown string, scoped scopedToken) error {
	if t.Target.Metadata.IntrospectionEndpoint == "" {
		return suite.SkipErr("tokens were issued without a scope member, which says the requested scope %q was granted (RFC 6749 §5.1); without an introspection_endpoint authspec cannot tell whether it was", requested)
	}
	granted, intro, err := introspectedScopeWith(ctx, t, c, token, scoped)
	if err != nil {
		return err
	}
	if slices.Contains(strings.Fields(granted), unknown) {
		return nil
	}
	return expect.Fail(res, fmt.Sprintf("error=invalid_scope, or a scope member saying what was granted (%q)", granted), "tokens without a scope member",
		"the scope %q was silently dropped: the client believes it got it", unknown).
		WithEvidence(intro.Exchange).
		WithFix("refuse unknown scopes with invalid_scope, or include scope in the token response whenever the granted scope differs from the requested one (RFC 6749 §3.3)")
}

// unknownScope is a scope no target defines.
const unknownScope = "authspec-unknown-scope"

// withPost is a copy of c that authenticates with client_secret_post.
func withPost(c *fixture.Client) *fixture.Client {
	cp := *c
	cp.AuthMethod = "client_secret_post"
	return &cp
}

var unknownClientInvalidClient = &suite.Check{
	ID: "rfc6749-5.2-unknown-client-invalid-client", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A token request with an unknown client_id is refused with invalid_client (401 with WWW-Authenticate after HTTP Basic)",
	Quote: quoteInvalidClient + " ... If the client attempted to authenticate via the \"Authorization\" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the \"WWW-Authenticate\" response header field matching the authentication scheme used by the client.",
	Keywordless: keywordlessErrorCode + " The definition names the unknown client as a case of failed client authentication. " +
		"A request that also carries a grant the server judges first (invalid_grant for a code) is accepted with a note: both conditions hold.",
	Run: runUnknownClientInvalidClient,
}

func runUnknownClientInvalidClient(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	ghostID := "authspec-unknown-" + fixture.RandomState()
	basicGhost := withBasic(src.Client)
	basicGhost.ID = ghostID
	res, err := src.Send(ctx, basicGhost, nil, "HTTP Basic with a client_id the server never issued")
	if err != nil {
		return err
	}
	if err := unknownClientRefused(t, src, res, []int{http.StatusUnauthorized}); err != nil {
		return expect.WithFix(err, "answer an unknown client in HTTP Basic with 401 error=invalid_client")
	}
	if expect.ErrorCode(res) == "invalid_client" {
		if _, err := expect.Header(res, "WWW-Authenticate"); err != nil {
			return expect.WithFix(err, `add WWW-Authenticate: Basic realm="..." to 401 invalid_client responses`)
		}
	}
	postGhost := withPost(src.Client)
	postGhost.ID = ghostID
	res, err = src.Send(ctx, postGhost, nil, "client_id the server never issued, with a client_secret in the body")
	if err != nil {
		return err
	}
	return expect.WithFix(unknownClientRefused(t, src, res, []int{http.StatusBadRequest, http.StatusUnauthorized}),
		"answer an unknown client_id with error=invalid_client (400, or 401)")
}

// unknownClientRefused judges the answer to a request of an unknown client:
// no token, and invalid_client with one of statuses; invalid_grant is
// accepted for a request carrying a code (the server judged the code, which
// was not issued to that client, before the client).
func unknownClientRefused(t *suite.T, src *tokenreq.Source, res *httpx.Result, statuses []int) error {
	if tokenreq.Issued(res) {
		return expect.Fail(res, "error=invalid_client", "HTTP 200 with tokens", "the server issued tokens to a client it does not know")
	}
	if src.Kind != tokenreq.ClientCredentials && res.Status == http.StatusBadRequest && expect.ErrorCode(res) == "invalid_grant" {
		t.Logf("the request carries a code and the server answered invalid_grant: it judged the code, not issued to that client, first")
		return nil
	}
	_, err := expect.OAuthError(res, statuses, "invalid_client")
	return err
}

var postWrongSecret = &suite.Check{
	ID: "rfc6749-5.2-post-wrong-secret-invalid-client", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A wrong client_secret in the request body (client_secret_post) gets no token, and invalid_client where client_secret_post is supported",
	Quote: quoteInvalidClient,
	Keywordless: keywordlessErrorCode + " RFC 6749 §4.1.3 and §4.4.2 oblige the server to \"authenticate the client if client authentication is included\" and to \"authenticate the client\": " +
		"a secret in the body is client authentication (§2.3.1), whatever method the client registered. " +
		"A server that does not support client_secret_post (§2.3.1: the body \"MAY\" be supported) only has to issue no token.",
	Run: runPostWrongSecret,
}

func runPostWrongSecret(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return err
	}
	wrong := withPost(src.Client)
	wrong.Secret = "authspec-wrong-secret"
	res, err := src.Send(ctx, wrong, nil, "client_secret_post with a wrong secret")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "error=invalid_client", "HTTP 200 with tokens",
			"the client authenticated with a wrong client_secret in the request body").
			WithFix("compare a client_secret sent in the body exactly as one sent in HTTP Basic")
	}
	ctl, err := src.Send(ctx, withPost(src.Client), nil, "control: client_secret_post with the right secret")
	if err != nil {
		return err
	}
	if !tokenreq.Issued(ctl) {
		t.Logf("the server does not accept client_secret_post from this client (%s): it issued no token for the wrong secret, which is all there is to judge", expect.Outcome(ctl))
		return nil
	}
	if _, err := expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "invalid_client"); err != nil {
		return expect.WithFix(err, "answer a wrong client_secret with error=invalid_client (400, or 401)")
	}
	return nil
}
