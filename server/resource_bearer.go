package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authspec/authspec/server/oautherr"
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
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writePlainError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	t, ok := s.bearerAuth(w, r)
	if !ok {
		return
	}
	if !slices.Contains(strings.Fields(t.Scope), ScopedResourceScope) {
		e := oautherr.InsufficientScope("this resource needs the %q scope", ScopedResourceScope)
		if s.fault(FaultBearerScope401) {
			e = oautherr.InvalidToken("the access token does not allow this request")
		}
		s.resourceError(w, e, ScopedResourceScope, !s.fault(FaultBearerNoChallenge) && !s.fault(FaultBearerScopeNoChallenge))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"resource":  s.ResourceURL(),
		"client_id": t.ClientID,
		"subject":   t.Subject,
		"scope":     t.Scope,
	})
}

// accessTokenTTL is the lifetime of access tokens; RFC 6750 §5.3 asks for
// one hour or less.
func (s *Server) accessTokenTTL() time.Duration {
	if s.fault(FaultBearerLongLived) {
		return 24 * time.Hour
	}
	return s.cfg.AccessTokenTTL
}

// bareChallenge reports whether a challenge without error is sent without
// auth-params (fault only: RFC 6750 §3 requires at least one).
func (s *Server) bareChallenge(e *oautherr.Error) bool {
	return e == nil && s.fault(FaultBearerBareChallenge)
}

// bearerScheme matches the auth-scheme case-insensitively (RFC 9110 §11.1).
func (s *Server) bearerScheme(scheme string) bool {
	if s.fault(FaultBearerSchemeCaseSensitive) {
		return scheme == "Bearer"
	}
	return strings.EqualFold(scheme, "Bearer")
}

// afterScheme skips the spaces between the scheme and the token
// (credentials = "Bearer" 1*SP b64token, RFC 6750 §2.1).
func (s *Server) afterScheme(rest string) string {
	if s.fault(FaultBearerSingleSpace) {
		return rest
	}
	return strings.TrimLeft(rest, " ")
}

// malformedBearer is the error for a Bearer header without a usable token
// (RFC 6750 §3.1 invalid_request, 400).
func (s *Server) malformedBearer() *oautherr.Error {
	if s.fault(FaultBearerMalformedAs401) {
		return oautherr.InvalidToken("the access token is invalid")
	}
	return oautherr.InvalidRequest("the Authorization header must be \"Bearer <token>\"")
}

// challengeDescription is e's description within the characters RFC 6750 §3
// allows in error_description (%x20-21 / %x23-5B / %x5D-7E).
func (s *Server) challengeDescription(e *oautherr.Error) string {
	if s.fault(FaultBearerUnsafeDescription) {
		return e.Description + ` — see "https://authspec.invalid/errors"`
	}
	return oautherr.Sanitize(e.Description)
}

// scopeAttributes is the scope attribute of the challenge: once (RFC 6750 §3).
func (s *Server) scopeAttributes(scope string) []string {
	if s.fault(FaultBearerRepeatedScope) {
		var out []string
		for _, sc := range strings.Fields(scope) {
			out = append(out, fmt.Sprintf("scope=%q", sc))
		}
		return out
	}
	return []string{fmt.Sprintf("scope=%q", scope)}
}
