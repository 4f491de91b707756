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
	ProfileMCP1125:  "MCP authorization, revision 2025-11-25: the 2025-06-18 profile plus Client ID Metadata Documents, OpenID discovery fallback and scope challenges",
}

// mcpProfiles lists, per MCP profile, the checks of other packages that the
// MCP authorization specification makes part of it. Checks in scenarios/mcp
// name their MCP profiles themselves.
var mcpProfiles = map[string][]string{
	ProfileMCP0618: {},
	ProfileMCP1125: {},
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
