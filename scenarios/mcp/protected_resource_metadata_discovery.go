package mcp

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// prmDiscoveryChecks returns the checks of the MCP authorization
// specification (2025-11-25), Protected Resource Metadata Discovery.
func prmDiscoveryChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "mcp-2025-11-25-challenge-scope", Spec: suite.MCP, Section: "Protected Resource Metadata Discovery", Level: suite.Should,
			Requires: mcpServer, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
			Title: "The 401 challenge tells the client which scope to request",
			Quote: "MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3 to indicate the scopes required for accessing the resource.",
			Run:   onMCPServer(runChallengeScope),
		},
	}
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
	if c.Params["scope"] == "" {
		return expect.Fail(res, `WWW-Authenticate: Bearer …, scope="…"`, expect.HeaderLine(res, "WWW-Authenticate"), "the challenge does not say which scope to request").
			WithFix("add scope=\"<scopes the resource needs>\" to the Bearer challenge")
	}
	return nil
}
