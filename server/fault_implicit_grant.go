package server

import (
	"fmt"
	"net/http"
	"net/url"
)

// With FaultBCPImplicitGrant the authorization endpoint serves
// response_type=token, the implicit grant, which RFC 9700 §2.1.2 says
// SHOULD NOT be used: the access token travels in the redirect's fragment.

// servesImplicit reports whether rt asks for the implicit grant while its
// fault is on.
func (s *Server) servesImplicit(rt string) bool {
	return rt == "token" && s.fault(FaultBCPImplicitGrant)
}

// implicitRedirectUnverified reports whether an implicit grant request
// is redirected to the redirect_uri it names, registered or not (fault
// only: RFC 6749 §4.2.1).
func (s *Server) implicitRedirectUnverified(rt string) bool {
	return s.servesImplicit(rt) && s.fault(FaultImplicitRedirectUnverified)
}

// issueImplicit answers an approved implicit grant request.
func (s *Server) issueImplicit(w http.ResponseWriter, r *http.Request, req *authRequest, subject string) {
	c, err := s.getClient(r.Context(), req.clientID)
	if err != nil {
		s.errorPage(w, http.StatusBadRequest, "Unknown application", "The application is not registered.")
		return
	}
	resp, oerr := s.issue(r, c, subject, req.scope, req.scope, req.resources, req.resources, randomID(), s.fault(FaultImplicitRefreshToken))
	if oerr != nil {
		s.redirectError(w, r, req, oerr)
		return
	}
	frag := url.Values{"access_token": {resp.AccessToken}, "token_type": {"Bearer"}, "expires_in": {fmt.Sprint(resp.ExpiresIn)}}
	if resp.Scope != "" {
		frag.Set("scope", resp.Scope) // the scope granted, which may be the default (RFC 6749 §4.2.2)
	}
	if resp.RefreshToken != "" {
		frag.Set("refresh_token", resp.RefreshToken)
	}
	if req.hasState {
		frag.Set("state", req.state)
	}
	u, err := url.Parse(req.redirectURI)
	if err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid redirect URI", "The redirect URI cannot be parsed.")
		return
	}
	u.Fragment = ""
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", u.String()+"#"+frag.Encode())
	w.WriteHeader(http.StatusFound)
}
