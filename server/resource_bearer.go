package server

import (
	"net/http"
	"slices"
	"strings"
)

// This file holds the RFC 6750 details of the demo protected resource: how
// the Authorization header is read, how the Bearer challenge is written, and
// a path that needs a scope (for insufficient_scope, RFC 6750 §3.1).

// ScopedResourceScope is the scope the scoped path of the demo resource
// requires.
const ScopedResourceScope = "write"

// ScopedResourceURL is a path of the demo protected resource that needs the
// ScopedResourceScope scope: tokens without it get 403 insufficient_scope.
func (s *Server) ScopedResourceURL() string { return s.ResourceURL() + "/" + ScopedResourceScope }

// handleScopedResource serves ScopedResourceURL.
func (s *Server) handleScopedResource(w http.ResponseWriter, r *http.Request) {
	t, ok := s.resourceCaller(w, r)
	if !ok {
		return
	}
	if !slices.Contains(strings.Fields(t.Scope), ScopedResourceScope) {
		s.resourceError(w, s.insufficientScopeError(), ScopedResourceScope, true)
		return
	}
	s.answerCaller(w, t)
}
