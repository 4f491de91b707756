package rfc6750

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// errorChecks returns the checks of RFC 6750 §3.1, Error Codes.
func errorChecks() []*suite.Check {
	return []*suite.Check{
		invalidTokenError, insufficientScope403, malformedHeaderInvalidRequest,
		twoMethodsInvalidRequest, revokedTokenInvalidToken,
	}
}

// quoteInvalidRequest is RFC 6750 §3.1's invalid_request.
const quoteInvalidRequest = "invalid_request: The request is missing a required parameter, includes an unsupported parameter or parameter value, repeats the same parameter, uses more than one method for including an access token, or is otherwise malformed. The resource server SHOULD respond with the HTTP 400 (Bad Request) status code."

var invalidTokenError = &suite.Check{
	ID: "rfc6750-3.1-invalid-token-error", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureResource}, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "An unknown access token is answered 401 with error=\"invalid_token\"",
	Quote: "invalid_token: The access token provided is expired, revoked, malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP 401 (Unauthorized) status code.",
	Run:   runInvalidTokenError,
}

func runInvalidTokenError(ctx context.Context, t *suite.T) error {
	res, err := probe.InvalidToken(ctx, t)
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		// A resource open to requests without a token may serve one with
		// a token it does not know as it serves those.
		none, err := probe.Unauthenticated(ctx, t)
		if err != nil {
			return err
		}
		if probe.Accepted(none) {
			return suite.SkipErr("the resource serves requests without any token (HTTP %d), and a made-up token alike (HTTP %d): set resource: to a URL that needs a token", none.Status, res.Status)
		}
	}
	if err := expect.Status(res, http.StatusUnauthorized); err != nil {
		return err
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	if !ok || c.Params["error"] != "invalid_token" {
		return expect.Fail(res, `a Bearer challenge with error="invalid_token"`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the challenge does not say the token is invalid").
			WithFix(`send WWW-Authenticate: Bearer error="invalid_token"`)
	}
	return nil
}

var insufficientScope403 = &suite.Check{
	ID: "rfc6750-3.1-insufficient-scope-403", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A token lacking the needed scope is answered 403 with error=\"insufficient_scope\"",
	Quote:    "insufficient_scope: The request requires higher privileges than provided by the access token. The resource server SHOULD respond with the HTTP 403 (Forbidden) status code and MAY include the \"scope\" attribute with the scope necessary to access the protected resource.",
	Run:      runInsufficientScope403,
}

func runInsufficientScope403(ctx context.Context, t *suite.T) error {
	res, err := probe.Scoped(ctx, t)
	if err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusForbidden); err != nil {
		return expect.WithFix(err, `answer a valid token without the needed scope with 403 and error="insufficient_scope", not 401`)
	}
	if c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); ok && c.Params["error"] != "insufficient_scope" {
		return expect.Fail(res, `error="insufficient_scope"`, expect.HeaderLine(res, "WWW-Authenticate"), "the challenge names the wrong error").
			WithFix(`send WWW-Authenticate: Bearer error="insufficient_scope", scope="<needed scope>"`)
	}
	return nil
}

var malformedHeaderInvalidRequest = &suite.Check{
	ID: "rfc6750-3.1-malformed-header-invalid-request", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureResource}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A malformed Bearer Authorization header (several tokens) is answered 400 with error=\"invalid_request\", or 401 with error=\"invalid_token\" (a malformed token)",
	Quote: quoteInvalidRequest,
	Run:   runMalformedHeaderInvalidRequest,
}

// runMalformedHeaderInvalidRequest sends "Bearer" and a value that is not
// b64token. §3.1 offers two readings: a malformed request (invalid_request,
// SHOULD 400) or a malformed token (invalid_token, "expired, revoked,
// malformed, or invalid for other reasons", SHOULD 401). Either, with its
// status, meets the sentence; the status of the reading the server names is
// judged, and a refusal that names neither is held to invalid_request's 400.
func runMalformedHeaderInvalidRequest(ctx context.Context, t *suite.T) error {
	res, err := probe.Malformed(ctx, t)
	if err != nil {
		return err
	}
	code := ""
	if c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); ok {
		code = c.Params["error"]
	}
	const fix = `parse "Bearer" 1*SP b64token strictly and answer anything else with 400 and error="invalid_request"`
	switch {
	case code == "invalid_token" && res.Status == http.StatusUnauthorized:
		t.Logf("HTTP 401 error=\"invalid_token\": the value is read as a malformed token (RFC 6750 §3.1 lists malformed tokens under invalid_token)")
		return nil
	case code == "invalid_token":
		return expect.Fail(res, "HTTP 401 with invalid_token (or 400 with invalid_request)", fmt.Sprintf("HTTP %d with %s", res.Status, expect.HeaderLine(res, "WWW-Authenticate")),
			"the malformed token is answered with another status than invalid_token's 401").
			WithFix(`answer invalid_token with 401 (RFC 6750 §3.1), or the malformed header with 400 and error="invalid_request"`)
	}
	if err := expect.Status(res, http.StatusBadRequest); err != nil {
		return expect.WithFix(err, fix)
	}
	if code != "" && code != "invalid_request" {
		return expect.Fail(res, `error="invalid_request"`, expect.HeaderLine(res, "WWW-Authenticate"), "the challenge names the wrong error").
			WithFix(`send WWW-Authenticate: Bearer error="invalid_request"`)
	}
	return nil
}

var twoMethodsInvalidRequest = &suite.Check{
	ID: "rfc6750-3.1-two-methods-invalid-request", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A request carrying the token both in the Authorization header and in the form body is answered 400 invalid_request (when the resource takes body tokens)",
	Quote:    quoteInvalidRequest,
	Run:      runTwoMethodsInvalidRequest,
}

// runTwoMethodsInvalidRequest sends a token the resource accepts both in
// the Authorization header and as the form body's access_token (RFC 6750
// §2.2). It judges only a resource that takes the token from the body
// alone: one that does not (a MAY) sees a single method it knows.
func runTwoMethodsInvalidRequest(ctx context.Context, t *suite.T) error {
	_, tok, baseline, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	alone, err := postForm(ctx, t, "", tok, "call the protected resource with the token in the form body alone (RFC 6750 §2.2)")
	if err != nil {
		return err
	}
	if !probe.Accepted(alone) {
		return suite.SkipErr("the resource does not take the token from a form body (HTTP %d; RFC 6750 §2.2 \"Resource servers MAY support this method\"), "+
			"so a request with the token in the header and the body uses only one method it knows", alone.Status)
	}
	res, err := postForm(ctx, t, "Bearer "+tok, tok, "call the protected resource with the token in the Authorization header and in the form body")
	if err != nil {
		return err
	}
	fix := "refuse a request that carries the access token in more than one way with 400 and WWW-Authenticate: Bearer error=\"invalid_request\""
	if probe.Accepted(res) {
		return expect.Fail(res, "HTTP 400 error=\"invalid_request\"", fmt.Sprintf("HTTP %d: accepted", res.Status),
			"the resource accepted a request carrying the token both in the Authorization header and in the form body").
			WithEvidence(baseline.Exchange, alone.Exchange).WithFix(fix)
	}
	if err := expect.Status(res, http.StatusBadRequest); err != nil {
		return expect.WithFix(expect.Evidence(err, alone.Exchange), fix)
	}
	if c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); ok && c.Params["error"] != "" && c.Params["error"] != "invalid_request" {
		return expect.Fail(res, `error="invalid_request"`, expect.HeaderLine(res, "WWW-Authenticate"), "the challenge names the wrong error").WithFix(fix)
	}
	return nil
}

// postForm POSTs a form body with access_token=body to the resource, with
// the Authorization header authz when not empty.
func postForm(ctx context.Context, t *suite.T, authz, body, note string) (*httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.Target.Resource, strings.NewReader(url.Values{"access_token": {body}}.Encode()))
	if err != nil {
		return nil, fmt.Errorf("resource request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	res, err := t.HTTP.Do(ctx, req, note)
	if err != nil {
		return nil, err
	}
	return res, probe.Served(res)
}

var revokedTokenInvalidToken = &suite.Check{
	ID: "rfc6750-3.1-revoked-token-invalid-token", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A revoked access token is answered 401 with error=\"invalid_token\"",
	Quote:    "invalid_token: The access token provided is expired, revoked, malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP 401 (Unauthorized) status code.",
	Run:      runRevokedTokenInvalidToken,
}

// runRevokedTokenInvalidToken revokes an access token the resource accepts
// and requires the refusal that follows to be a 401 with
// error="invalid_token".
func runRevokedTokenInvalidToken(ctx context.Context, t *suite.T) error {
	res, evidence, err := revokedRefusal(ctx, t, "error")
	if err != nil {
		return err
	}
	fix := `answer expired and revoked tokens with 401 and WWW-Authenticate: Bearer error="invalid_token"`
	if err := expect.Status(res, http.StatusUnauthorized); err != nil {
		return expect.WithFix(expect.Evidence(err, evidence...), fix)
	}
	if ch, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok || ch.Params["error"] != "invalid_token" {
		return expect.Fail(res, `a Bearer challenge with error="invalid_token"`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the refusal of a revoked token does not say that the token is invalid").
			WithEvidence(evidence...).WithFix(fix)
	}
	return nil
}
