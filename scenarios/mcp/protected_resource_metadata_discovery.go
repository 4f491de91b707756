package mcp

import (
	"context"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// prmDiscoveryChecks returns the checks of the MCP authorization
// specification (2025-11-25), Protected Resource Metadata Discovery.
func prmDiscoveryChecks() []*suite.Check {
	return []*suite.Check{challengeScope}
}

var challengeScope = &suite.Check{
	ID: "mcp-2025-11-25-challenge-scope", Spec: suite.MCP, Section: "Protected Resource Metadata Discovery", Level: suite.Should,
	Requires: mcpServer, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The 401 challenge tells the client which scope to request",
	Quote: "MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3 to indicate the scopes required for accessing the resource.",
	Run:   onMCPServer(runChallengeScope),
}

func runChallengeScope(ctx context.Context, t *suite.T) error {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	if !ok {
		return suite.SkipErr("no Bearer challenge to judge (mcp-2.3.1-post-challenge reports it)")
	}
	if c.Params["scope"] != "" {
		return nil
	}
	none, err := needsNoScope(ctx, t)
	if err != nil {
		return err
	}
	if none {
		// The scopes required are none: RFC 6750's scope attribute
		// cannot be empty, so there is nothing to indicate.
		t.Logf("the resource accepts a token granted no scope: it requires none, so a challenge without scope names all it needs")
		return nil
	}
	return expect.Fail(res, `WWW-Authenticate: Bearer …, scope="…"`, expect.HeaderLine(res, "WWW-Authenticate"), "the challenge does not say which scope to request").
		WithFix("add scope=\"<scopes the resource needs>\" to the Bearer challenge")
}

// needsNoScope reports whether the resource accepts an access token
// granted no scope: requested without scope, and issued with no scope
// member (RFC 6749 §5.1 requires the member when the server grants a
// default scope) or an empty one. A token that cannot be had, or one
// granted a scope, tells nothing: false.
func needsNoScope(ctx context.Context, t *suite.T) (bool, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		t.Logf("whether the resource requires any scope is not known: %v", err)
		return false, nil
	}
	ts, err := t.TokensFor(ctx, c, func(r *fixture.AuthRequest) { r.Scope = "" })
	if err != nil {
		t.Logf("whether the resource requires any scope is not known: a token requested without scope: %v", err)
		return false, nil
	}
	if strings.TrimSpace(ts.Scope) != "" {
		return false, nil
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the resource with a token granted no scope")
	if err != nil {
		return false, err
	}
	return probe.Accepted(res), nil
}
