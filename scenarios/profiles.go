package scenarios

import (
	"fmt"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// mcpProfiles lists, per MCP profile, the checks of other packages that the
// MCP authorization specification makes part of it. Checks in scenarios/mcp
// name their MCP profiles themselves.
var mcpProfiles = map[vocab.Profile][]string{
	// 2025-11-25 lets an MCP server serve its metadata at the root
	// well-known URI instead of the one RFC 9728 §3 derives from its path.
	vocab.ProfileMCP0618: append(append([]string(nil), mcpBase...), "rfc9728-3-well-known-uri"),
	vocab.ProfileMCP1125: append(append([]string(nil), mcpBase...),
		// 2025-11-25 adds scope challenges (step-up) and RFC 9207 iss.
		"rfc6750-3-challenge-on-insufficient-scope", "rfc9207-2-iss-parameter"),
}

// mcpBase are the base-specification checks both MCP revisions require.
var mcpBase = []string{
	// RFC 9728: MCP servers MUST implement protected resource metadata.
	"rfc9728-2-resource-required", "rfc9728-2-authorization-servers-have-metadata",
	"rfc9728-3.2-json-content-type", "rfc9728-3.3-resource-identical", "rfc9728-3.3-challenge-metadata-resource",
	// RFC 8414: authorization servers MUST provide metadata.
	"rfc8414-2-required-members", "rfc8414-3.2-json-content-type", "rfc8414-3.3-issuer-identical",
	"rfc8414-2-registration-endpoint-registers", "rfc8414-2-code-challenge-methods-s256", "rfc8414-2-code-challenge-methods-honoured",
	// OAuth 2.1: PKCE, exact redirect URIs, refresh rotation for public clients.
	"rfc7636-4.6-wrong-verifier-refused", "rfc7636-4.6-missing-verifier-refused", "rfc9700-2.1.1-pkce-downgrade",
	"rfc8252-8.1-pkce-required-native", "rfc9700-4.1.3-exact-redirect-match", "rfc9700-4.14.2-public-refresh-rotation",
	"rfc6749-4.1.2.1-invalid-redirect-not-followed", "rfc8252-7.3-loopback-any-port",
	// RFC 8707 is not part of it: MCP binds tokens to audiences "when the
	// Authorization Server supports the capability", and the MCP server's
	// own MUST is mcp-2.6.2-audience-validated.
	// RFC 6750 at the MCP server (an OAuth 2.1 resource server, whose
	// errors are RFC 6750's).
	"rfc6750-3-challenge-on-401", "rfc6750-3.1-invalid-token-error", "rfc6750-3.1-insufficient-scope-403",
	"rfc6750-3.1-malformed-header-invalid-request",
	// RFC 7591: dynamic registration (SHOULD) and redirect URIs (localhost or https).
	"rfc7591-3.2.1-client-id-present", "rfc7591-3.2.1-issued-credentials-work", "rfc7591-3.2.1-no-secret-for-public",
	"rfc7591-5-http-redirect-refused", "rfc7591-2-defaults-registered",
}

// applyProfiles adds the MCP profile memberships to checks.
func applyProfiles(checks []*suite.Check) error {
	byID := make(map[string]*suite.Check, len(checks))
	for _, c := range checks {
		byID[c.ID] = c
	}
	for _, p := range []vocab.Profile{vocab.ProfileMCP0618, vocab.ProfileMCP1125} {
		for _, id := range mcpProfiles[p] {
			c, ok := byID[id]
			if !ok {
				return fmt.Errorf("profile %s names unknown check %q", p, id)
			}
			if !slices.Contains(c.Profiles, p) {
				c.Profiles = append(c.Profiles, p)
			}
		}
	}
	for _, c := range checks {
		for _, p := range c.Profiles {
			if _, ok := vocab.ProfileDescriptions[p]; !ok {
				return fmt.Errorf("check %s: undocumented profile %q (add it to ProfileDescriptions)", c.ID, p)
			}
		}
	}
	return nil
}
