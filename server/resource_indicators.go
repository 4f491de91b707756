package server

import "github.com/authspec/authspec/server/oautherr"

// resourceSite says where resource parameters (RFC 8707 §2) were sent.
type resourceSite int

const (
	siteAuthorize resourceSite = iota // authorization request
	siteToken                         // token request: code exchange, client credentials
	siteRefresh                       // refresh token request
)

// checkResourcesAt validates resource parameters sent at site.
func (s *Server) checkResourcesAt(values []string, site resourceSite) ([]string, *oautherr.Error) {
	if s.ignoresResources() {
		return nil, nil
	}
	if len(values) == 0 && site != siteRefresh {
		return s.defaultResources(), nil
	}
	if oerr := s.repeatedResourceError(values, site); oerr != nil {
		return nil, oerr
	}
	values = s.resourcesAsSent(values, site)
	if !s.acceptsUnknownResources() {
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
