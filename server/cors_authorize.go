package server

import "net/http"

// authorizeCORS adds CORS headers to authorization endpoint responses only
// with FaultBCPAuthorizeCORS: RFC 9700 §2.6 says CORS MUST NOT be supported
// there, since clients redirect the browser to it instead of calling it.
func (s *Server) authorizeCORS(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" || !s.fault(FaultBCPAuthorizeCORS) {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Add("Vary", "Origin")
}

// handleAuthorizeOptions answers a CORS preflight of the authorization
// endpoint: 405 (the endpoint serves browsers, not scripts) unless
// FaultBCPAuthorizeCORS is on.
func (s *Server) handleAuthorizeOptions(w http.ResponseWriter, r *http.Request) {
	if s.fault(FaultBCPAuthorizeCORS) && r.Header.Get("Origin") != "" {
		s.authorizeCORS(w, r)
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Allow", "GET, POST")
	writePlainError(w, http.StatusMethodNotAllowed, "method not allowed")
}
