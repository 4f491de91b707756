package server

import (
	"net/url"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
)

// The decisions about resource parameters (RFC 8707) at the authorization
// and token endpoints that deliberate behaviours change.

// checksResources: resource parameters are validated (RFC 8707 §2
// invalid_target), and a token request stays within the grant's (§2.2).
func (s *Server) checksResources() bool { return !s.fault(FaultResourceUnchecked) }

// checksRefreshResources: a refresh request's resource parameters are
// validated as any token request's (RFC 8707 §2.2).
func (s *Server) checksRefreshResources() bool { return !s.fault(FaultRefreshResourceUnchecked) }

// codeExchangeResourceError refuses resource parameters in a code exchange
// (fault only: RFC 8707 §2.2 and the MCP authorization specification send
// them in both requests).
func (s *Server) codeExchangeResourceError(form url.Values) *oautherr.Error {
	if s.fault(FaultMCPResourceAtTokenRefused) && len(form["resource"]) > 0 {
		return oautherr.InvalidTarget("the resource parameter is not accepted in a code exchange")
	}
	return nil
}

// repeatedResourceError refuses several resource parameters in an
// authorization request (fault only: RFC 8707 §2 allows several).
func (s *Server) repeatedResourceError(values []string, site resourceSite) *oautherr.Error {
	if site == siteAuthorize && len(values) > 1 && s.fault(FaultResourceNotRepeatable) {
		return oautherr.InvalidRequest("parameter %q is included more than once", "resource")
	}
	return nil
}

// resourcesAsSent are the resource parameters to validate: as sent, or
// without their fragments at the token endpoint (fault only: a fragment
// makes the parameter invalid, RFC 8707 §2).
func (s *Server) resourcesAsSent(values []string, site resourceSite) []string {
	if site != siteToken || !s.fault(FaultResourceFragmentAtToken) {
		return values
	}
	stripped := make([]string, len(values))
	for i, v := range values {
		stripped[i], _, _ = strings.Cut(v, "#")
	}
	return stripped
}

// acceptsUnknownResources reports whether resources this server does not
// serve are accepted at site (faults only: RFC 8707 §2 invalid_target).
func (s *Server) acceptsUnknownResources(site resourceSite) bool {
	return (site == siteToken && s.fault(FaultResourceUnknownAtToken)) ||
		(site == siteAuthorize && s.fault(FaultResourceUnknownAtAuthorize))
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
