package server

import (
	"strings"

	"github.com/authspec/authspec/server/oautherr"
)

// resourceSite says where resource parameters (RFC 8707 §2) were sent.
type resourceSite int

const (
	siteAuthorize resourceSite = iota // authorization request
	siteToken                         // token request: code exchange, client credentials
	siteRefresh                       // refresh token request
)

// checkResourcesAt validates resource parameters sent at site, with the
// defects of fault_pkce_bearer.go that apply there.
func (s *Server) checkResourcesAt(values []string, site resourceSite) ([]string, *oautherr.Error) {
	if site == siteAuthorize && len(values) > 1 && s.fault(FaultResourceNotRepeatable) {
		return nil, oautherr.InvalidRequest("parameter %q is included more than once", "resource")
	}
	if site == siteToken && s.fault(FaultResourceFragmentAtToken) {
		stripped := make([]string, len(values))
		for i, v := range values {
			stripped[i], _, _ = strings.Cut(v, "#")
		}
		values = stripped
	}
	unknownOK := (site == siteToken && s.fault(FaultResourceUnknownAtToken)) ||
		(site == siteAuthorize && s.fault(FaultResourceUnknownAtAuthorize))
	if !unknownOK {
		return s.checkResources(values)
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		if msg := checkResourceURI(v); msg != "" {
			return nil, oautherr.InvalidTarget("resource %q %s", v, msg)
		}
		out = append(out, v)
	}
	return out, nil
}
