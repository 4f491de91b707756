package vocab

// Profile names a plan of checks (authspec run --profile, profiles: in the
// config). A check lists the profiles it belongs to.
type Profile string

// Profiles of the built-in checks; plugins add ProfilePlugins and may name
// profiles of their own.
const (
	ProfileCore     Profile = "core"
	ProfileDCR      Profile = "dcr"
	ProfilePKCE     Profile = "pkce"
	ProfileResource Profile = "resource"
	ProfileOAuth21  Profile = "oauth2.1"
	ProfileMCP0618  Profile = "mcp-2025-06-18"
	ProfileMCP1125  Profile = "mcp-2025-11-25"

	// ProfileFAPI2Security is the part of the FAPI 2.0 Security Profile
	// the catalog covers: pushed authorization requests (RFC 9126).
	ProfileFAPI2Security Profile = "fapi2-security"

	// ProfilePlugins holds every check of a WebAssembly plugin.
	ProfilePlugins Profile = "plugins"
)

// ProfileDPoP holds the checks of RFC 9449 DPoP.
const ProfileDPoP Profile = "dpop"

// ProfileDescriptions documents every profile of the built-in checks
// (docs/checks.md, authspec list).
var ProfileDescriptions = map[Profile]string{
	ProfileCore:     "RFC 6749 authorization code, client credentials and refresh flows, RFC 6750 bearer usage, RFC 7009 revocation, RFC 8414 metadata",
	ProfileDCR:      "RFC 7591 dynamic client registration and RFC 7592 client management",
	ProfilePKCE:     "RFC 7636 PKCE and the PKCE requirements of RFC 9700",
	ProfileResource: "RFC 8707 resource indicators, audience binding at the resource, RFC 9728 protected resource metadata",
	ProfileOAuth21:  "OAuth 2.1 and the RFC 9700 security best current practice",
	ProfileMCP0618:  "MCP authorization, revision 2025-06-18: RFC 9728 discovery, RFC 8414, PKCE S256, resource indicators, audience-bound tokens, DCR",
	ProfileMCP1125:  "MCP authorization, revision 2025-11-25: the 2025-06-18 profile plus scope challenges, PKCE advertisement, RFC 9207 iss, and Client ID Metadata Documents when the server advertises them",

	ProfileFAPI2Security: "partial coverage of the FAPI 2.0 Security Profile: its RFC 9126 pushed authorization requests (the PAR endpoint and its client authentication, request_uri lifetime, single use and binding to the client, require_pushed_authorization_requests) and its RFC 9449 DPoP sender-constrained tokens (proofs at the token endpoint and the resource, key binding of tokens and refresh tokens, nonces, dpop_jkt); the rest of FAPI 2.0 (mTLS, private_key_jwt, JARM, and so on) is not covered",
	ProfileDPoP:          "RFC 9449 DPoP: proofs checked at the token endpoint and the resource, tokens and refresh tokens bound to the key, nonces, dpop_jkt",
}

// Profiles reads profile names given as text (flags, the plugin ABI).
func Profiles(names []string) []Profile {
	if names == nil {
		return nil
	}
	out := make([]Profile, len(names))
	for i, n := range names {
		out[i] = Profile(n)
	}
	return out
}
