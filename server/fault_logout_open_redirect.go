package server

import (
	"net/http"
	"time"
)

// With FaultLogoutOpenRedirect the server has an end-session endpoint,
// advertised as end_session_endpoint (the member of OpenID Connect
// RP-Initiated Logout), that signs the browser out and then redirects to
// whatever post_logout_redirect_uri names, registered or not: an open
// redirector, which RFC 9700 §2.1 forbids ("Clients and authorization
// servers MUST NOT expose URLs that forward the user's browser to
// arbitrary URIs obtained from a query parameter"). Without the fault the
// server has no such endpoint.

// logoutRoute serves the end-session endpoint while its fault is on.
func (s *Server) logoutRoute(mux *http.ServeMux, prefix string) {
	if !s.fault(FaultLogoutOpenRedirect) {
		return
	}
	mux.HandleFunc("GET "+prefix+"/logout", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, s.cookie(sessionCookie, "", -time.Second)) // deletes it
		target := r.URL.Query().Get("post_logout_redirect_uri")
		if target == "" {
			writePlainError(w, http.StatusOK, "signed out")
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}
