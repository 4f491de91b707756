package server

import "net/http"

// With FaultBCPAuthorizeCORS the authorization endpoint answers CORS
// requests and preflights from any origin, with credentials: RFC 9700 §2.6
// says CORS MUST NOT be supported there, since clients redirect the
// browser to it instead of calling it.

// authorizeCORS serves the authorization endpoint's routes with CORS while
// its fault is on, and as they are otherwise.
func (s *Server) authorizeCORS(h http.Handler) http.Handler {
	if !s.fault(FaultBCPAuthorizeCORS) {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			h.ServeHTTP(w, r)
			return
		}
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", origin)
		hd.Set("Access-Control-Allow-Credentials", "true")
		hd.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			hd.Set("Access-Control-Allow-Methods", "GET, POST")
			hd.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}
