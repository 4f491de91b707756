package server

import (
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// The decisions about resource parameters (RFC 8707) at the authorization
// and token endpoints that deliberate behaviours change.

// checksResources: resource parameters are validated (RFC 8707 §2
// invalid_target), and a token request stays within the grant's (§2.2).
func (s *Server) checksResources() bool { return !s.fault(FaultResourceUnchecked) }

// checksRefreshResources: a refresh request's resource parameters are
// validated as any token request's (RFC 8707 §2.2).
func (s *Server) checksRefreshResources() bool { return !s.fault(FaultRefreshResourceUnchecked) }

// ignoresResourcesOutsideGrant: a token request naming a resource outside
// the grant is refused with invalid_target (variant: the request's
// resources are ignored and the token issued for the grant's, RFC 8707
// §2.2 leaving the acceptable resources to the server).
func (s *Server) ignoresResourcesOutsideGrant() bool {
	return s.variant(VariantResourceOutsideGrantIgnored)
}

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

// acceptsUnknownResources reports whether absolute URIs this server does not
// serve are accepted as resources (variant: RFC 8707 §2.2 leaves acceptable
// resources to the server).
func (s *Server) acceptsUnknownResources() bool { return s.variant(VariantResourceAnyAbsoluteURI) }

// ignoresResources reports whether the resource parameter is ignored
// (variant: a server without resource indicators ignores it as any
// unrecognized parameter, RFC 6749 §3.1).
func (s *Server) ignoresResources() bool { return s.variant(VariantResourceNotSupported) }

// defaultResources are the resources of a request that names none: none,
// or the server's only resource (variant: RFC 8707 §2 "a predefined default
// resource value").
func (s *Server) defaultResources() []string {
	if s.variant(VariantResourceDefaultAudience) {
		return []string{s.ResourceURL()}
	}
	return nil
}

// restrictsAudience reports whether the resource accepts t only when it
// was issued for it (RFC 8707 §2): a token without audience is accepted
// by a server without resource indicators (variant).
func (s *Server) restrictsAudience(t *store.Token) bool {
	return s.checksAudience() && !(s.ignoresResources() && len(t.Resources) == 0)
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

// refreshGrantResources are the resources of the refresh token a code
// exchange narrowed to narrowed issues: the code's, the full original
// grant (RFC 8707 §2.2), or the narrowed ones (fault only).
func (s *Server) refreshGrantResources(narrowed, granted []string) []string {
	if s.fault(FaultRefreshResourcesNarrowed) {
		return narrowed
	}
	return granted
}

// audienceOf is the audience of an access token issued for resources:
// all of them (RFC 8707 §2.2), or (faults only) the first alone, or every
// resource the server serves.
func (s *Server) audienceOf(resources []string) []string {
	if len(resources) > 0 && s.fault(FaultAudienceAllResources) {
		return slices.Clone(s.cfg.Resources)
	}
	if len(resources) > 1 && s.fault(FaultAudienceFirstOnly) {
		return resources[:1]
	}
	return resources
}

// resourceScope is the scope of an access token for resources, and
// whether the token response reports it: the scope granted, reported (the
// reference server does not narrow scopes by resource). With the fault, a
// token with an audience loses the last of several scope values and the
// response does not say so (RFC 8707 §2.2, RFC 6749 §5.1).
func (s *Server) resourceScope(scope string, resources []string) (string, bool) {
	f := strings.Fields(scope)
	if len(resources) > 0 && len(f) > 1 && s.fault(FaultResourceDownscopeUnreported) {
		return strings.Join(f[:len(f)-1], " "), false
	}
	return scope, true
}
