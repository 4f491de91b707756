// Package rfc7662 holds the checks of RFC 7662, OAuth 2.0 Token
// Introspection, against the introspection endpoint the metadata advertises.
package rfc7662

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

var req = []suite.Feature{suite.FeatureIntrospection, suite.FeatureConfidential}

// Checks returns the RFC 7662 checks.
func Checks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc7662-2.1-requires-authorization", Spec: suite.RFC7662, Section: "2.1", Level: suite.Must,
			Requires: req, Profiles: []string{"core"},
			Title: "The introspection endpoint refuses callers that do not authenticate",
			Quote: "To prevent token scanning attacks, the endpoint MUST also require some form of authorization to access this endpoint, such as client authentication as described in OAuth 2.0 [RFC6749] or a separate OAuth 2.0 access token such as the bearer token described in OAuth 2.0 Bearer Token Usage [RFC6750].",
			Run:   runRequiresAuthorization,
		},
		{
			ID: "rfc7662-2.2-active-token", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
			Requires: req, Profiles: []string{"core"},
			Title: "A valid token is introspected as \"active\": true (a JSON boolean)",
			Quote: "active REQUIRED. Boolean indicator of whether or not the presented token is currently active.",
			Run:   runActiveToken,
		},
		{
			ID: "rfc7662-2.2-json-response", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
			Requires: req, Profiles: []string{"core"},
			Title: "Introspection responses are JSON objects served as application/json",
			Quote: "The server responds with a JSON object [RFC7159] in \"application/json\" format with the following top-level members.",
			Run:   runJSONResponse,
		},
		{
			ID: "rfc7662-2.2-numeric-dates", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
			Requires: req, Profiles: []string{"core"},
			Title: "exp, iat and nbf, when present, are integer seconds since the epoch",
			Quote: "exp OPTIONAL. Integer timestamp, measured in the number of seconds since January 1 1970 UTC, indicating when this token will expire, as defined in JWT [RFC7519].",
			Run:   runNumericDates,
		},
		{
			ID: "rfc7662-2.2-revoked-inactive", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
			Requires: append([]suite.Feature{suite.FeatureRevocation}, req...), Profiles: []string{"core"},
			Title: "A revoked token is introspected as \"active\": false",
			Quote: "If the introspection call is properly authorized but the token is not active, does not exist on this server, or the protected resource is not allowed to introspect this particular token, then the authorization server MUST return an introspection response with the \"active\" field set to \"false\".",
			Run:   runRevokedInactive,
		},
		{
			ID: "rfc7662-2.1-hint-not-binding", Spec: suite.RFC7662, Section: "2.1", Level: suite.Must,
			Requires: req, Profiles: []string{"core"},
			Title: "A wrong token_type_hint does not hide the token",
			Quote: "If the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types.",
			Run:   runHintNotBinding,
		},
		{
			ID: "rfc7662-2.3-invalid-client-401", Spec: suite.RFC7662, Section: "2.3", Level: suite.Must,
			Requires: append([]suite.Feature{suite.FeatureSecretBasic}, req...), Profiles: []string{"core"},
			Title: "Introspection with wrong client credentials answers 401",
			Quote: "If the protected resource uses OAuth 2.0 client credentials to authenticate to the introspection endpoint and its credentials are invalid, the authorization server responds with an HTTP 401 (Unauthorized) as described in Section 5.2 of OAuth 2.0 [RFC6749].",
			Run:   runInvalidClient401,
		},
		{
			ID: "rfc7662-2.2-inactive-no-details", Spec: suite.RFC7662, Section: "2.2", Level: suite.ShouldNot,
			Requires: req, Profiles: []string{"core"},
			Title: "The response for an unknown token says nothing more than \"active\": false",
			Quote: "Note that to avoid disclosing too much of the authorization server's state to a third party, the authorization server SHOULD NOT include any additional information about an inactive token, including why the token is inactive.",
			Run:   runInactiveNoDetails,
		},
	}
}

// introspect posts token to the introspection endpoint as client c (nil:
// no client authentication at all).
func introspect(ctx context.Context, t *suite.T, c *fixture.Client, token string, extra url.Values, note string) (*httpx.Result, error) {
	form := url.Values{"token": {token}}
	for k, v := range extra {
		form[k] = v
	}
	return t.Fixtures.PostForm(ctx, t.HTTP, t.Target.Metadata.IntrospectionEndpoint, c, form, note)
}

// freshToken gets an access token of the confidential client: by client
// credentials when the target offers them, else by the code flow.
func freshToken(ctx context.Context, t *suite.T) (*fixture.Client, string, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, "", err
	}
	if ok, _ := t.Target.Has(string(suite.FeatureClientCredentials)); ok && slices.Contains(c.GrantTypes, "client_credentials") {
		res, err := t.Fixtures.Token(ctx, t.HTTP, c, url.Values{"grant_type": {"client_credentials"}}, "client credentials token to introspect")
		if err != nil {
			return nil, "", err
		}
		if ts, err := t.Fixtures.ParseTokens(res); err == nil && ts.AccessToken != "" {
			return c, ts.AccessToken, nil
		}
	}
	ts, err := t.Fixtures.Tokens(ctx, t.HTTP, t.NewAuthRequest(c))
	if err != nil {
		return nil, "", err
	}
	return c, ts.AccessToken, nil
}

// activeOf reads "active" from an introspection response: its value and
// whether it is a JSON boolean.
func activeOf(res *httpx.Result) (active, isBool bool, m map[string]any, err error) {
	m, err = expect.JSONObject(res, false)
	if err != nil {
		return false, false, nil, err
	}
	v, present := m["active"]
	if !present {
		return false, false, m, expect.Fail(res, `"active": true or false`, "members: "+expect.Keys(m), "the introspection response has no active member")
	}
	b, ok := v.(bool)
	return b, ok, m, nil
}

// okIntrospection requires a 200 JSON introspection response and returns
// its "active" value.
func okIntrospection(res *httpx.Result) (bool, map[string]any, error) {
	if err := expect.Status(res, http.StatusOK); err != nil {
		return false, nil, expect.WithFix(err, "answer an authorized introspection request with 200 and the introspection JSON")
	}
	active, isBool, m, err := activeOf(res)
	if err != nil {
		return false, m, err
	}
	if !isBool {
		return false, m, expect.WithFix(expect.Fail(res, `"active": true (a JSON boolean)`, fmt.Sprintf(`"active": %s`, raw(m["active"])),
			"active is not a JSON boolean; clients comparing with true treat the token as inactive"), `emit "active": true/false as JSON booleans`)
	}
	return active, m, nil
}

func raw(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func runRequiresAuthorization(ctx context.Context, t *suite.T) error {
	_, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, nil, token, nil, "introspect a valid token without any client authentication")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		active, _, m, jerr := activeOf(res)
		if jerr == nil && !active && len(m) == 1 {
			// Answered, but tells nothing: no scanning is possible.
			t.Logf("the unauthenticated call got HTTP %d with only active=false", res.Status)
			return nil
		}
		return expect.WithFix(expect.Fail(res, "HTTP 401 (or another refusal) for an unauthenticated caller", fmt.Sprintf("HTTP %d %s", res.Status, snippet(res)),
			"anyone can introspect tokens: token scanning is possible"), "require client authentication (or a bearer token) at the introspection endpoint")
	}
	return nil
}

func runActiveToken(ctx context.Context, t *suite.T) error {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, c, token, nil, "introspect a fresh access token as the client it was issued to")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if !active {
		return suite.SkipErr(`the fresh token was introspected as inactive: the server may not let this client introspect its own tokens (RFC 7662 §2.2 allows it), so there is no active token to judge`)
	}
	return nil
}

func runJSONResponse(ctx context.Context, t *suite.T) error {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, c, token, nil, "introspect a fresh access token")
	if err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if mt != "application/json" {
		return expect.WithFix(expect.Fail(res, "Content-Type: application/json", "Content-Type: "+res.Header.Get("Content-Type"),
			"the introspection response is not served as JSON"), "serve introspection responses with Content-Type: application/json")
	}
	_, err = expect.JSONObject(res, false)
	return err
}

func runNumericDates(ctx context.Context, t *suite.T) error {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, c, token, nil, "introspect a fresh access token")
	if err != nil {
		return err
	}
	active, m, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if !active {
		return suite.SkipErr("the token was introspected as inactive, with no dates to judge")
	}
	seen := 0
	for _, k := range []string{"exp", "iat", "nbf"} {
		v, ok := m[k]
		if !ok {
			continue
		}
		seen++
		f, isNum := v.(float64)
		if !isNum || f != float64(int64(f)) || f < 0 {
			return expect.WithFix(expect.Fail(res, k+": integer seconds since 1970-01-01 UTC", fmt.Sprintf("%s: %s", k, raw(v)),
				"%s is not a NumericDate", k), "give exp, iat and nbf as integer numbers of seconds (RFC 7519 NumericDate)")
		}
	}
	if seen == 0 {
		return suite.SkipErr("the response has none of exp, iat, nbf (all OPTIONAL)")
	}
	return nil
}

func runRevokedInactive(ctx context.Context, t *suite.T) error {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	if res, err := introspect(ctx, t, c, token, nil, "introspect the token before revoking it"); err != nil {
		return err
	} else if active, _, err := okIntrospection(res); err != nil || !active {
		return suite.SkipErr("the token was not introspected as active before revocation, so the change cannot be observed")
	}
	rev, err := t.Fixtures.PostForm(ctx, t.HTTP, t.Target.Metadata.RevocationEndpoint, c, url.Values{"token": {token}}, "revoke the token (RFC 7009)")
	if err != nil {
		return err
	}
	if rev.Status != http.StatusOK {
		return suite.SkipErr("the revocation answered HTTP %d (the RFC 7009 checks judge it)", rev.Status)
	}
	res, err := introspect(ctx, t, c, token, nil, "introspect the token after revoking it")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if active {
		return expect.Evidence(expect.WithFix(expect.Fail(res, `"active": false`, `"active": true`,
			"a revoked token is still introspected as active: resource servers keep accepting it"),
			"report revoked tokens as inactive"), rev.Exchange)
	}
	return nil
}

func runHintNotBinding(ctx context.Context, t *suite.T) error {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, c, token, nil, "introspect the access token without a hint")
	if err != nil {
		return err
	}
	if active, _, err := okIntrospection(res); err != nil || !active {
		return suite.SkipErr("the access token was not introspected as active, so a hint's effect cannot be observed")
	}
	res, err = introspect(ctx, t, c, token, url.Values{"token_type_hint": {"refresh_token"}}, "introspect the access token with token_type_hint=refresh_token")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if !active {
		return expect.WithFix(expect.Fail(res, `"active": true`, `"active": false`,
			"with a wrong token_type_hint the access token was reported inactive"), "treat token_type_hint as a hint: search every token type when the hinted one does not match")
	}
	return nil
}

func runInvalidClient401(ctx context.Context, t *suite.T) error {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	wrong := *c
	wrong.Secret = "authspec-wrong-secret"
	wrong.AuthMethod = "client_secret_basic"
	res, err := introspect(ctx, t, &wrong, token, nil, "introspect with a wrong client secret (HTTP Basic)")
	if err != nil {
		return err
	}
	if _, err := expect.OAuthError(res, []int{http.StatusUnauthorized}, "invalid_client"); err != nil {
		return expect.WithFix(err, "answer invalid client credentials at the introspection endpoint with 401 invalid_client (RFC 6749 §5.2)")
	}
	return nil
}

func runInactiveNoDetails(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, c, "authspec-unknown-"+fixture.RandomState(), nil, "introspect a token that does not exist")
	if err != nil {
		return err
	}
	active, m, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if active {
		return expect.Fail(res, `"active": false`, `"active": true`, "a made-up token was introspected as active")
	}
	if len(m) > 1 {
		return expect.WithFix(expect.Fail(res, `{"active": false}`, "members: "+expect.Keys(m),
			"the response for an unknown token carries more than active=false"), "answer inactive tokens with {\"active\": false} only")
	}
	return nil
}

func snippet(res *httpx.Result) string {
	b := string(res.Body)
	if len(b) > 120 {
		b = b[:120] + "…"
	}
	return b
}
