package server

import (
	"crypto/subtle"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/server/oautherr"
)

// With FaultBCPPasswordGrant the token endpoint serves the resource owner
// password credentials grant, which RFC 9700 §2.4 says MUST NOT be used.

// addPasswordGrant adds the grant to the token endpoint's grant types when
// its fault is on.
func (s *Server) addPasswordGrant(grants map[string]grantFunc) {
	if s.fault(FaultBCPPasswordGrant) {
		grants["password"] = s.passwordGrant
	}
}

func (s *Server) passwordGrant(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error) {
	want, ok := s.users[form.Get("username")]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(form.Get("password"))) != 1 && !s.fault(FaultPasswordGrantUnchecked) {
		return nil, oautherr.InvalidGrant("invalid resource owner credentials")
	}
	scope, oerr := s.checkScope(form.Get("scope"), ca.client)
	if oerr != nil {
		return nil, oerr
	}
	return s.issue(r, ca.client, form.Get("username"), scope, scope, nil, nil, randomID(), false)
}
