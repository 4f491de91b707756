package mcp

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// errorHandlingChecks returns the checks of the MCP authorization
// specification §2.7, Error Handling.
func errorHandlingChecks() []*suite.Check {
	code := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "mcp-2.7-malformed-request-400", Spec: suite.MCP, Section: "2.7", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "A malformed Authorization header is answered 400",
			Quote: "Servers MUST return appropriate HTTP status codes for authorization errors: 401 Unauthorized: Authorization required or token invalid; 403 Forbidden: Invalid scopes or insufficient permissions; 400 Bad Request: Malformed authorization request.",
			Run:   runMalformedRequest400,
		},
		{
			ID: "mcp-2.7-insufficient-scope-403", Spec: suite.MCP, Section: "2.7", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "A token lacking the scope a request needs is answered 403",
			Quote: "Servers MUST return appropriate HTTP status codes for authorization errors: 401 Unauthorized: Authorization required or token invalid; 403 Forbidden: Invalid scopes or insufficient permissions; 400 Bad Request: Malformed authorization request.",
			Run:   runInsufficientScope403,
		},
	}
}

func runMalformedRequest400(ctx context.Context, t *suite.T) error {
	res, err := call(ctx, t, http.MethodGet, t.Target.Resource, "Bearer two tokens", "call the MCP server with a malformed Authorization header")
	if err != nil {
		return err
	}
	if err := served(res); err != nil {
		return err
	}
	return expect.WithFix(expect.Status(res, http.StatusBadRequest),
		"answer a malformed Authorization header with 400 and error=\"invalid_request\" (RFC 6750 §3.1)")
}

func runInsufficientScope403(ctx context.Context, t *suite.T) error {
	scoped := t.Target.Config.ScopedResource
	if scoped == "" {
		return suite.SkipErr("give scoped_resource in the config: a URL of the MCP server that needs a scope the suite's tokens lack")
	}
	_, token, err := mcpToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := call(ctx, t, http.MethodGet, scoped, "Bearer "+token, "call the scoped resource with a token that lacks its scope")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		return suite.SkipErr("the token was accepted at %s: it has the scope, so nothing is insufficient", scoped)
	}
	return expect.WithFix(expect.Status(res, http.StatusForbidden),
		"answer a valid token without the needed scope with 403 and error=\"insufficient_scope\", so the client asks for more scope instead of re-authorizing")
}
