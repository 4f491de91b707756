package scenarios

import (
	"fmt"
	"slices"

	"github.com/authspec/authspec/suite"
)

// Profile names. A check lists the profiles it belongs to; the MCP profiles
// also take in checks of the base specifications that the MCP authorization
// specification requires, listed in mcpProfiles.
const (
	ProfileCore     = "core"
	ProfileDCR      = "dcr"
	ProfilePKCE     = "pkce"
	ProfileResource = "resource"
	ProfileOAuth21  = "oauth2.1"
	ProfileMCP0618  = "mcp-2025-06-18"
	ProfileMCP1125  = "mcp-2025-11-25"
)

// ProfileDescriptions documents every profile (docs/checks.md, authspec list).
var ProfileDescriptions = map[string]string{
	ProfileCore:     "RFC 6749 authorization code, client credentials and refresh flows, RFC 6750 bearer usage, RFC 7009 revocation, RFC 8414 metadata",
	ProfileDCR:      "RFC 7591 dynamic client registration and RFC 7592 client management",
	ProfilePKCE:     "RFC 7636 PKCE and the PKCE requirements of RFC 9700",
	ProfileResource: "RFC 8707 resource indicators, audience binding at the resource, RFC 9728 protected resource metadata",
	ProfileOAuth21:  "OAuth 2.1 and the RFC 9700 security best current practice",
	ProfileMCP0618:  "MCP authorization, revision 2025-06-18: RFC 9728 discovery, RFC 8414, PKCE S256, resource indicators, audience-bound tokens, DCR",
	ProfileMCP1125:  "MCP authorization, revision 2025-11-25: the 2025-06-18 profile plus scope challenges, PKCE advertisement, RFC 9207 iss, and Client ID Metadata Documents when the server advertises them",
}

// mcpProfiles lists, per MCP profile, the checks of other packages that the
// MCP authorization specification makes part of it. Checks in scenarios/mcp
// name their MCP profiles themselves.
var mcpProfiles = map[string][]string{
	ProfileMCP0618: mcpBase,
	ProfileMCP1125: append(append([]string(nil), mcpBase...),
		// 2025-11-25 adds scope challenges (step-up) and RFC 9207 iss.
		"rfc6750-3-challenge-on-insufficient-scope", "rfc9207-2-iss-parameter"),
}

// mcpBase are the base-specification checks both MCP revisions require.
var mcpBase = []string{
	// RFC 9728: MCP servers MUST implement protected resource metadata.
	"rfc9728-2-resource-required", "rfc9728-2-authorization-servers-have-metadata", "rfc9728-2-authorization-servers-lists-issuer",
	"rfc9728-3-well-known-uri", "rfc9728-3.2-json-content-type", "rfc9728-3.3-resource-identical", "rfc9728-3.3-challenge-metadata-resource",
	// RFC 8414: authorization servers MUST provide metadata.
	"rfc8414-2-required-members", "rfc8414-3.2-json-content-type", "rfc8414-3.3-issuer-identical",
	"rfc8414-2-registration-endpoint-registers", "rfc8414-2-code-challenge-methods-s256", "rfc8414-2-code-challenge-methods-honoured",
	// OAuth 2.1: PKCE, exact redirect URIs, refresh rotation for public clients.
	"rfc7636-4.6-wrong-verifier-refused", "rfc7636-4.6-missing-verifier-refused", "rfc9700-2.1.1-pkce-downgrade",
	"rfc9700-2.1.1-pkce-required-public", "rfc9700-4.1.3-exact-redirect-match", "rfc9700-4.14.2-public-refresh-rotation",
	"rfc6749-4.1.2.1-invalid-redirect-not-followed", "rfc8252-7.3-loopback-any-port",
	// RFC 8707: audience-bound tokens.
	"rfc8707-2-audience-restricted", "rfc8707-2.2-token-resource-within-grant", "rfc8707-2-fragment-invalid-target",
	// RFC 6750 at the MCP server.
	"rfc6750-3-challenge-on-401", "rfc6750-3.1-invalid-token-error", "rfc6750-3.1-insufficient-scope-403",
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
	for _, p := range []string{ProfileMCP0618, ProfileMCP1125} {
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
			if _, ok := ProfileDescriptions[p]; !ok {
				return fmt.Errorf("check %s: undocumented profile %q (add it to ProfileDescriptions)", c.ID, p)
			}
		}
	}
	return nil
}
