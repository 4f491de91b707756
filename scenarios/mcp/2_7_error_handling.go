package mcp

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// errorHandlingChecks returns the checks of the MCP authorization
// specification §2.7, Error Handling.
//
// A malformed Authorization header is judged by
// rfc6750-3.1-malformed-header-invalid-request alone (SHOULD 400): the
// table's "Malformed authorization request" does not name the header, and
// RFC 6750 §3.1 lets a resource answer it 401 invalid_token.
func errorHandlingChecks() []*suite.Check {
	return []*suite.Check{insufficientScope403}
}

var insufficientScope403 = &suite.Check{
	// The same probe as rfc6750-3.1-insufficient-scope-403 (SHOULD):
	// 2025-06-18's table assigns 403 to insufficient permissions under
	// its MUST; 2025-11-25 states the case at SHOULD ("the server
	// SHOULD respond with: HTTP 403 Forbidden"), so this check is in
	// the 2025-06-18 profile only and the RFC 6750 one in both.
	ID: "mcp-2.7-insufficient-scope-403", Spec: suite.MCP, Section: "2.7", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, mcpServer...), Profiles: only0618,
	Title: "A token lacking the scope a request needs is answered 403",
	Quote: "Servers MUST return appropriate HTTP status codes for authorization errors: ... 403 Forbidden: Invalid scopes or insufficient permissions",
	Run:   onMCPServer(runInsufficientScope403),
}

func runInsufficientScope403(ctx context.Context, t *suite.T) error {
	res, err := probe.Scoped(ctx, t)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(res, http.StatusForbidden),
		"answer a valid token without the needed scope with 403 and error=\"insufficient_scope\", so the client asks for more scope instead of re-authorizing")
}
