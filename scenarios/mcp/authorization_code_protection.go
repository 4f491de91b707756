package mcp

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// codeProtectionChecks returns the checks of the MCP authorization
// specification (2025-11-25), Authorization Code Protection.
func codeProtectionChecks() []*suite.Check {
	return []*suite.Check{pkceAdvertised}
}

var pkceAdvertised = &suite.Check{
	// Whether S256 is listed is RFC 9700's RECOMMENDED, judged by
	// rfc8414-2-code-challenge-methods-s256; MCP asks for the member.
	ID: "mcp-2025-11-25-pkce-advertised", Spec: suite.MCP, Section: "Authorization Code Protection", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The authorization server metadata has code_challenge_methods_supported (MCP clients refuse to proceed without it)",
	Quote: "OAuth 2.0 Authorization Server Metadata: If code_challenge_methods_supported is absent, the authorization server does not support PKCE " +
		"and MCP clients MUST refuse to proceed. ... Authorization servers providing OpenID Connect Discovery 1.0 MUST include " +
		"code_challenge_methods_supported in their metadata to ensure MCP compatibility.",
	Run: runPKCEAdvertised,
}

// runPKCEAdvertised judges the member's presence in the metadata the suite
// found. For OpenID Connect discovery the MUST binds the server in words.
// For RFC 8414 metadata MCP binds only its clients ("MCP clients MUST
// refuse to proceed"), and OAuth 2.1 and RFC 9700 §2.1.1 only RECOMMEND
// publishing the member ("or provide a deployment-specific way"): its
// absence there is an observation, which leaves every MCP client unable to
// proceed.
func runPKCEAdvertised(ctx context.Context, t *suite.T) error {
	if _, ok := t.Target.Metadata.Raw["code_challenge_methods_supported"]; ok {
		if ms := t.Target.Metadata.CodeChallengeMethodsSupported; len(ms) > 0 {
			t.Logf("code_challenge_methods_supported: %v", ms)
			return nil
		}
	}
	f := expect.Fail(t.Target.MetadataResult, `"code_challenge_methods_supported": ["S256"]`,
		"code_challenge_methods_supported: "+expect.Describe(t.Target.Metadata.Raw["code_challenge_methods_supported"]),
		"the %s metadata does not say which PKCE methods the server supports, so MCP clients refuse to proceed", t.Target.MetadataSource).
		WithFix(`advertise "code_challenge_methods_supported": ["S256"] in the metadata`)
	if t.Target.MetadataSource != "openid-configuration" {
		return f.AsObservation()
	}
	return f
}
