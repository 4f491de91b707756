package server

import (
	"net/http"
	"net/url"
	"strings"
)

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
