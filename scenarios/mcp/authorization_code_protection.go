package mcp

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// codeProtectionChecks returns the checks of the MCP authorization
// specification (2025-11-25), Authorization Code Protection.
func codeProtectionChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "mcp-2025-11-25-pkce-advertised", Spec: suite.MCP, Section: "Authorization Code Protection", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
			Title: "The authorization server metadata lists S256 in code_challenge_methods_supported (MCP clients refuse to proceed otherwise)",
			Quote: "If code_challenge_methods_supported is absent, the authorization server does not support PKCE and MCP clients MUST refuse to proceed.",
			Run:   runPKCEAdvertised,
		},
	}
}

func runPKCEAdvertised(ctx context.Context, t *suite.T) error {
	ms := t.Target.Metadata.CodeChallengeMethodsSupported
	for _, m := range ms {
		if m == "S256" {
			return nil
		}
	}
	return expect.Fail(t.Target.MetadataResult, `"code_challenge_methods_supported": ["S256"]`,
		fmt.Sprintf("code_challenge_methods_supported: %v", ms), "MCP clients refuse an authorization server that does not advertise PKCE S256").
		WithFix(`advertise "code_challenge_methods_supported": ["S256"] in the RFC 8414 metadata`)
}
