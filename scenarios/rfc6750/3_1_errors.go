package rfc6750

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// errorChecks returns the checks of RFC 6750 §3.1, Error Codes.
func errorChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureResource}
	return []*suite.Check{
		{
			ID: "rfc6750-3.1-invalid-token-error", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An unknown access token is answered 401 with error=\"invalid_token\"",
			Quote: "invalid_token: The access token provided is expired, revoked, malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP 401 (Unauthorized) status code.",
			Run:   runInvalidTokenError,
		},
		{
			ID: "rfc6750-3.1-insufficient-scope-403", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
			Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "A token lacking the needed scope is answered 403 with error=\"insufficient_scope\"",
			Quote:    "insufficient_scope: The request requires higher privileges than provided by the access token. The resource server SHOULD respond with the HTTP 403 (Forbidden) status code and MAY include the \"scope\" attribute with the scope necessary to access the protected resource.",
			Run:      runInsufficientScope403,
		},
		{
			ID: "rfc6750-3.1-malformed-header-invalid-request", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A malformed Bearer Authorization header (several tokens) is answered 400 with error=\"invalid_request\"",
			Quote: "invalid_request: The request is missing a required parameter, includes an unsupported parameter or parameter value, repeats the same parameter, uses more than one method for including an access token, or is otherwise malformed. The resource server SHOULD respond with the HTTP 400 (Bad Request) status code.",
			Run:   runMalformedHeaderInvalidRequest,
		},
	}
}

func runInvalidTokenError(ctx context.Context, t *suite.T) error {
	res, err := probe.InvalidToken(ctx, t)
	if err != nil {
		return err
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

func runMalformedHeaderInvalidRequest(ctx context.Context, t *suite.T) error {
	// credentials = "Bearer" 1*SP b64token: a space inside the
	// token is not b64token syntax.
	res, err := probe.Malformed(ctx, t)
	if err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusBadRequest); err != nil {
		return expect.WithFix(err, `parse "Bearer" 1*SP b64token strictly and answer anything else with 400 and error="invalid_request"`)
	}
	if c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); ok && c.Params["error"] != "" && c.Params["error"] != "invalid_request" {
		return expect.Fail(res, `error="invalid_request"`, expect.HeaderLine(res, "WWW-Authenticate"), "the challenge names the wrong error").
			WithFix(`send WWW-Authenticate: Bearer error="invalid_request"`)
	}
	return nil
}
