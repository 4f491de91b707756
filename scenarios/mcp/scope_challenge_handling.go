package mcp

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// scopeChallengeChecks returns the checks of the MCP authorization
// specification (2025-11-25), Scope Challenge Handling.
//
// The status and the error code of the answer to a token without the
// needed scope are rfc6750-3.1-insufficient-scope-403's (and
// mcp-2.7-insufficient-scope-403's for 2025-06-18); the challenge's
// parameters that MCP adds are judged here.
func scopeChallengeChecks() []*suite.Check {
	return []*suite.Check{insufficientScopeChallenge}
}

var insufficientScopeChallenge = &suite.Check{
	ID: "mcp-2025-11-25-insufficient-scope-challenge", Spec: suite.MCP, Section: "Scope Challenge Handling", Level: suite.Should,
	Requires: append([]vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, mcpServer...), Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The 403 insufficient_scope challenge names the scope to request and the resource_metadata URL",
	Quote: "When a client makes a request with an access token with insufficient scope during runtime operations, the server SHOULD respond with: ... " +
		"WWW-Authenticate header with the Bearer scheme and additional parameters: ... scope=\"required_scope1 required_scope2\" - specifying the minimum scopes needed for the operation ... " +
		"resource_metadata - the URI of the Protected Resource Metadata document (for consistency with 401 responses)",
	Run: onMCPServer(runInsufficientScopeChallenge),
}

func runInsufficientScopeChallenge(ctx context.Context, t *suite.T) error {
	res, err := probe.Scoped(ctx, t)
	if err != nil {
		return err
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	if res.Status != http.StatusForbidden || !ok || c.Params["error"] != "insufficient_scope" {
		return suite.SkipErr("the scoped resource answered HTTP %d with %s, not a 403 insufficient_scope challenge (rfc6750-3.1-insufficient-scope-403 and rfc6750-3-challenge-on-insufficient-scope judge that)",
			res.Status, expect.HeaderLine(res, "WWW-Authenticate"))
	}
	var missing []string
	for _, p := range []string{"scope", "resource_metadata"} {
		if c.Params[p] == "" {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return expect.Fail(res, `WWW-Authenticate: Bearer error="insufficient_scope", scope="…", resource_metadata="…"`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the insufficient_scope challenge lacks %v: the client cannot tell which scope to ask for in its step-up authorization, or where the resource's metadata is", missing).
			WithFix("put the scopes the request needs in scope, and the protected resource metadata URL in resource_metadata, as in the 401 challenge")
	}
	t.Logf("scope=%q resource_metadata=%q", c.Params["scope"], c.Params["resource_metadata"])
	return nil
}
