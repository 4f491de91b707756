package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// errorResponseChecks returns the checks of RFC 6749 §5.2, Error Response.
func errorResponseChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-5.2-unauthorized-client", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "A client not registered for client_credentials is refused with unauthorized_client",
			Quote:    "unauthorized_client The authenticated client is not authorized to use this authorization grant type.",
			Run:      runTokenUnauthorizedClient,
		},
		{
			ID: "rfc6749-5.2-invalid-client-401", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "A failed HTTP Basic client authentication answers 401 invalid_client with WWW-Authenticate",
			Quote:    "If the client attempted to authenticate via the \"Authorization\" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the \"WWW-Authenticate\" response header field matching the authentication scheme used by the client.",
			Run:      runInvalidClient401,
		},
		{
			ID: "rfc6749-5.2-unsupported-grant-type", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "An unknown grant_type yields unsupported_grant_type",
			Quote:    "unsupported_grant_type: The authorization grant type is not supported by the authorization server.",
			Run:      runUnsupportedGrantType,
		},
		{
			ID: "rfc6749-5.2-error-json", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Token endpoint errors are application/json objects with an error member",
			Quote: "The parameters are included in the entity-body of the HTTP response using the \"application/json\" media type as defined by [RFC4627].",
			Run:   runErrorJSON,
		},
		{
			ID: "rfc6749-5.2-missing-grant-type-invalid-request", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A token request without grant_type is refused with invalid_request",
			Quote: quoteInvalidRequest,
			Run:   runMissingGrantTypeInvalidRequest,
		},
		{
			ID: "rfc6749-5.2-unknown-scope-invalid-scope", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "An unknown scope is refused with invalid_scope, or dropped and the granted scope reported",
			Quote: "invalid_scope The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
			Run:   runTokenUnknownScope,
		},
	}
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
	if issuedTokens(res) {
		return expect.Fail(res, "error=unauthorized_client", "HTTP 200 with tokens",
			"the client used a grant type it is not registered for").
			WithEvidence(reg.Res.Exchange).
			WithFix("check the client's registered grant_types at the token endpoint")
	}
	_, err = expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "unauthorized_client")
	return expect.WithFix(err, "answer a grant type the client may not use with 400 error=unauthorized_client")
}

func runInvalidClient401(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	c.Secret = "authspec-wrong-secret"
	res, err := t.Token(ctx, c, clientCredentials(), "HTTP Basic with a wrong secret")
	if err != nil {
		return err
	}
	if _, err := expect.OAuthError(res, []int{http.StatusUnauthorized}, "invalid_client"); err != nil {
		return expect.WithFix(err, "answer a failed client authentication with 401 and error=invalid_client")
	}
	_, err = expect.Header(res, "WWW-Authenticate")
	return expect.WithFix(err, `add WWW-Authenticate: Basic realm="..." to 401 invalid_client responses`)
}

func runUnsupportedGrantType(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := clientCredentials()
	form.Set("grant_type", "urn:authspec:unknown-grant")
	res, err := t.Token(ctx, c, form, "token request with an unknown grant_type")
	if err != nil {
		return err
	}
	return expect.ErrorResponse(res, "unsupported_grant_type")
}

func runErrorJSON(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := clientCredentials()
	form.Set("grant_type", "urn:authspec:unknown-grant")
	res, err := t.Token(ctx, c, form, "token request with an unknown grant_type, to get an error")
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

func runTokenUnknownScope(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := clientCredentials()
	form.Set("scope", unknownScope)
	res, err := t.Token(ctx, c, form, "client_credentials asking for an unknown scope")
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return expect.WithFix(expect.ErrorResponse(res, "invalid_scope"), "answer a scope the server does not know with 400 error=invalid_scope")
	}
	// RFC 6749 §3.3 lets the server ignore part of the request,
	// but then it MUST say which scope it granted.
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	granted, ok := m["scope"].(string)
	if !ok {
		return expect.Fail(res, "error=invalid_scope, or tokens with a scope member without the unknown scope",
			"tokens without a scope member", "the unknown scope was silently ignored: the client believes it got %q", unknownScope).
			WithFix("refuse unknown scopes with invalid_scope, or report the scope actually granted")
	}
	if slices.Contains(strings.Fields(granted), unknownScope) {
		return expect.Fail(res, "no scope the server does not define", fmt.Sprintf("scope=%q", granted),
			"the server granted a scope it does not define")
	}
	return nil
}

// unknownScope is a scope no target defines.
const unknownScope = "authspec-unknown-scope"
