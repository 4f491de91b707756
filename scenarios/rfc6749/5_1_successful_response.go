package rfc6749

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// successfulResponseChecks returns the checks of RFC 6749 §5.1, Successful
// Response.
func successfulResponseChecks() []*suite.Check {
	return []*suite.Check{
		expiresInSeconds, expiresInRecommended, pragmaNoCache, cacheControlNoStore,
		tokenType, registrationNoStore,
	}
}

// successfulTokenBody is a successful token response of a confidential
// client (tokenreq.Tokens) with its body as a JSON object (strictType:
// declared as application/json).
func successfulTokenBody(ctx context.Context, t *suite.T, strictType bool) (*httpx.Result, map[string]any, error) {
	res, _, err := tokenreq.Tokens(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	m, err := expect.JSONObject(res, strictType)
	return res, m, err
}

var expiresInSeconds = &suite.Check{
	ID: "rfc6749-5.1-expires-in-seconds", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "expires_in, when present, is a JSON number of seconds",
	Quote: "Parameter names and string values are included as JSON strings. Numerical values are included as JSON numbers.",
	Keywordless: "The wire format of the token response (RFC 6749 §5.1), with the grammar of Appendix A.14 (\"expires-in = 1*DIGIT\"): " +
		"expires_in is a non-negative JSON integer, and a response in another form is not the response the section defines.",
	Run: runExpiresInSeconds,
}

func runExpiresInSeconds(ctx context.Context, t *suite.T) error {
	res, m, err := successfulTokenBody(ctx, t, false)
	if err != nil {
		return err
	}
	v, ok := m["expires_in"]
	if !ok {
		return nil // RECOMMENDED, not required
	}
	n, isNum := v.(float64)
	if !isNum || n < 0 || n != math.Trunc(n) {
		return expect.Fail(res, "expires_in as a non-negative JSON integer (seconds)", fmt.Sprintf("%T %v", v, v),
			"clients that read expires_in as a number cannot tell when the access token expires").
			WithFix(`send "expires_in": 3600, a JSON number of seconds, not a string`)
	}
	return nil
}

var expiresInRecommended = &suite.Check{
	ID: "rfc6749-5.1-expires-in-recommended", Spec: suite.RFC6749, Section: "5.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Token responses carry expires_in",
	Quote: "expires_in RECOMMENDED. The lifetime in seconds of the access token.",
	Run:   runExpiresInRecommended,
}

func runExpiresInRecommended(ctx context.Context, t *suite.T) error {
	res, m, err := successfulTokenBody(ctx, t, false)
	if err != nil {
		return err
	}
	if _, ok := m["expires_in"]; ok {
		return nil
	}
	return expect.Fail(res, "expires_in: the access token's lifetime in seconds", "no expires_in",
		"the token response does not say how long the access token lives, so clients learn it only when a request fails").
		WithFix(`send "expires_in" with every access token, e.g. "expires_in": 3600`)
}

var pragmaNoCache = &suite.Check{
	ID: "rfc6749-5.1-pragma-no-cache", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Token responses carry Pragma: no-cache",
	Quote: "The authorization server MUST include the HTTP \"Cache-Control\" response header field [RFC2616] with a value of \"no-store\" in any response containing tokens, credentials, or other sensitive information, as well as the \"Pragma\" response header field [RFC2616] with a value of \"no-cache\".",
	Run:   runPragmaNoCache,
}

func runPragmaNoCache(ctx context.Context, t *suite.T) error {
	res, _, err := tokenreq.Tokens(ctx, t)
	if err != nil {
		return err
	}
	if expect.HasDirective(res, "Pragma", "no-cache") {
		return nil
	}
	return expect.Fail(res, "Pragma: no-cache", expect.HeaderLine(res, "Pragma"),
		"RFC 6749 requires Pragma: no-cache on token responses, for HTTP/1.0 caches (RFC 9111 deprecates the header and the OAuth 2.1 draft no longer asks for it, but RFC 6749 does)").
		WithFix("add Pragma: no-cache next to Cache-Control: no-store on token responses")
}

var cacheControlNoStore = &suite.Check{
	ID: "rfc6749-5.1-cache-control-no-store", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Token responses carry Cache-Control: no-store",
	Quote: "The authorization server MUST include the HTTP \"Cache-Control\" response header field [RFC2616] with a value of \"no-store\" in any response containing tokens, credentials, or other sensitive information.",
	Run:   runCacheControlNoStore,
}

func runCacheControlNoStore(ctx context.Context, t *suite.T) error {
	res, _, err := tokenreq.Tokens(ctx, t)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.NoStore(res), "send Cache-Control: no-store (and Pragma: no-cache) with every token response")
}

var tokenType = &suite.Check{
	ID: "rfc6749-5.1-token-type", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Token responses are JSON with access_token and token_type",
	Quote: "token_type REQUIRED. The type of the token issued as described in Section 7.1. Value is case insensitive.",
	Run:   runTokenType,
}

func runTokenType(ctx context.Context, t *suite.T) error {
	res, m, err := successfulTokenBody(ctx, t, true)
	if err != nil {
		return err
	}
	if _, err := expect.Member(res, m, "access_token"); err != nil {
		return err
	}
	tt, err := expect.Member(res, m, "token_type")
	if err != nil {
		return expect.WithFix(err, `include "token_type": "Bearer" in every token response`)
	}
	if strings.TrimSpace(tt) == "" {
		return expect.Fail(res, "a token_type such as Bearer", `""`, "token_type is empty")
	}
	return nil
}

var registrationNoStore = &suite.Check{
	ID: "rfc6749-5.1-registration-no-store", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileDCR},
	Title: "Registration and client configuration responses carrying secrets are not cacheable",
	Quote: "The authorization server MUST include the HTTP \"Cache-Control\" response header field [RFC2616] with a value of \"no-store\" in any response containing tokens, credentials, or other sensitive information",
	Run:   runRegistrationNoStore,
}

func runRegistrationNoStore(ctx context.Context, t *suite.T) error {
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), nil))
	if err != nil {
		return err
	}
	_, hasSecret := r.Info["client_secret"]
	_, hasToken := r.Info["registration_access_token"]
	if !hasSecret && !hasToken {
		return suite.SkipErr("the registration response carries neither client_secret nor registration_access_token")
	}
	fix := "send Cache-Control: no-store (and Pragma: no-cache) with every response that carries a client_secret or registration_access_token"
	if err := expect.NoStore(r.Res); err != nil {
		return expect.WithFix(err, fix)
	}
	c := r.Client
	if c.RegistrationClientURI == "" || c.RegistrationAccessToken == "" {
		return nil
	}
	res, err := regclient.Call(ctx, t, http.MethodGet, c.RegistrationClientURI, c.RegistrationAccessToken, nil, "read the client configuration (RFC 7592)")
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return nil
	}
	info, err := expect.JSONObject(res, false)
	if err != nil {
		return nil //nolint:nilerr // the RFC 7592 checks judge the read response's format
	}
	_, hasSecret = info["client_secret"]
	_, hasToken = info["registration_access_token"]
	if hasSecret || hasToken {
		return expect.WithFix(expect.NoStore(res), fix)
	}
	return nil
}
