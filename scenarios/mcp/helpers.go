package mcp

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

var (
	both     = []vocab.Profile{vocab.ProfileMCP0618, vocab.ProfileMCP1125}
	only0618 = []vocab.Profile{vocab.ProfileMCP0618}
)

// mcpServer are the features of the checks that judge the resource as an
// MCP server: MCP's rules for MCP servers apply only to a resource that is
// one (mcp_server, decided by the config, an MCP profile, or probe.RequireMCP).
var mcpServer = []vocab.Feature{vocab.FeatureResource, vocab.FeatureMCPServer}

// mcpServerCode adds a confidential client and the code flow for tokens.
var mcpServerCode = []vocab.Feature{vocab.FeatureResource, vocab.FeatureMCPServer, vocab.FeatureConfidential, vocab.FeatureAuthCode}

// onMCPServer runs check only when the resource is an MCP server.
func onMCPServer(check func(ctx context.Context, t *suite.T) error) func(ctx context.Context, t *suite.T) error {
	return func(ctx context.Context, t *suite.T) error {
		if err := probe.RequireMCP(ctx, t); err != nil {
			return err
		}
		return check(ctx, t)
	}
}
