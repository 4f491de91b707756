package server

import (
	"net/http"
	"net/url"
	"strings"
)

// Faults of the MCP authorization profile.
const (
	FaultMCPNoAuthorizationServers Fault = "mcp-prm-no-authorization-servers"
	FaultMCPPRMNotServed           Fault = "mcp-prm-not-served"
	FaultMCPPostNoChallenge        Fault = "mcp-post-without-challenge"
	FaultMCPResourceCaseSensitive  Fault = "mcp-resource-case-sensitive"
	FaultMCPResourceAtTokenRefused Fault = "mcp-resource-refused-at-token"
	FaultMCPInvalidToken403        Fault = "mcp-invalid-token-403"
	FaultMCPSessionCookie          Fault = "mcp-session-cookie"
	FaultMCPQueryToken             Fault = "mcp-query-token-accepted"
	FaultMCPChallengeNoScope       Fault = "mcp-challenge-without-scope"
	FaultMCPInactiveAccepted       Fault = "mcp-revoked-token-accepted"
	FaultMCPPostTokenUnchecked     Fault = "mcp-post-token-unchecked"
	FaultMCPPublicDCRRefused       Fault = "mcp-public-registration-refused"
	FaultMCPConsentPerUser         Fault = "mcp-consent-per-user"
	FaultMCPForeignTokenAccepted   Fault = "mcp-as-accepts-access-tokens"
	FaultMCPTokenWithoutAudience   Fault = "mcp-token-without-audience"
)

var mcpFaults = map[Fault]string{
	FaultMCPNoAuthorizationServers: "the protected resource metadata lists no authorization server",
	FaultMCPPRMNotServed:           "the MCP server publishes no protected resource metadata (no challenge parameter, no well-known document)",
	FaultMCPPostNoChallenge:        "an unauthenticated JSON-RPC POST to the MCP server is answered 400 without a challenge",
	FaultMCPResourceCaseSensitive:  "resource indicators are compared case-sensitively: HTTP://HOST/mcp is refused",
	FaultMCPResourceAtTokenRefused: "the token endpoint refuses the resource parameter of a code exchange",
	FaultMCPInvalidToken403:        "the MCP server answers an unknown access token with 403 instead of 401",
	FaultMCPSessionCookie:          "the MCP server sets a session cookie on an authorized request and accepts it instead of a token",
	FaultMCPQueryToken:             "the MCP server accepts an access token in the URI query string",
	FaultMCPChallengeNoScope:       "the MCP server's 401 challenges carry no scope parameter",
	FaultMCPInactiveAccepted:       "the MCP server accepts revoked access tokens",
	FaultMCPPostTokenUnchecked:     "the MCP server lets any bearer token through on POST",
	FaultMCPPublicDCRRefused:       "dynamic registration refuses public clients (token_endpoint_auth_method none), which MCP clients are",
	FaultMCPConsentPerUser:         "an approval is remembered per user, not per client: a newly registered client is approved without asking",
	FaultMCPForeignTokenAccepted:   "the client configuration endpoint accepts an access token issued for the MCP server as a registration access token",
	FaultMCPTokenWithoutAudience:   "access tokens are issued without the audience the resource parameter asked for",
}

const mcpSessionCookie = "authspec_mcp_session"

// mcpSessionToken returns the access token a faulty MCP server takes from a
// cookie or the query string instead of the Authorization header.
func (s *Server) mcpSessionToken(r *http.Request) string {
	if s.fault(FaultMCPSessionCookie) {
		if c, err := r.Cookie(mcpSessionCookie); err == nil && c.Value != "" {
			return c.Value
		}
	}
	if s.fault(FaultMCPQueryToken) {
		return r.URL.Query().Get("access_token")
	}
	return ""
}

// canonicalResource lowercases the scheme and host of a resource indicator:
// MCP servers are named by their canonical URI, and implementations SHOULD
// accept uppercase scheme and host components.
func (s *Server) canonicalResource(v string) string {
	if s.fault(FaultMCPResourceCaseSensitive) {
		return v
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return v
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	return u.String()
}

// userApprovedAny reports whether subject approved any client before.
func (s *Server) userApprovedAny(subject string) bool {
	_, ok := s.approvedUsers.Load(subject)
	return ok
}
