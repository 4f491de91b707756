package server

import "net/http"

// With FaultResourceMetaPathAppended the protected resource metadata is
// served at the resource URL with the well-known suffix appended
// (/mcp/.well-known/oauth-protected-resource), where RFC 9728 §3.1 inserts
// it before the path; the right URL answers 404 (resourceMetadataRules).
func (s *Server) resourceMetadataAppendedRoute(mux *http.ServeMux, prefix string) {
	if s.fault(FaultResourceMetaPathAppended) {
		mux.Handle("GET "+prefix+"/mcp/.well-known/oauth-protected-resource",
			s.rewritten(http.HandlerFunc(s.handleResourceMetadata), s.resourceMetadataRules()...))
	}
}
