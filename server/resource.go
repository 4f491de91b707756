package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// handleResource is the demo protected resource (RFC 6750, RFC 9728). It
// accepts GET and POST with a bearer token in the Authorization header (or,
// in a POST, as a form-encoded body parameter, RFC 6750 §2.2), checks
// that the token is active and issued for this resource, and answers with what
// it knows about the caller, or, to a JSON-RPC POST, as an MCP server
// (resource_mcp.go).
func (s *Server) handleResource(w http.ResponseWriter, r *http.Request) {
	t, ok := s.resourceCaller(w, r)
	if !ok {
		return
	}
	if m, ok := readJSONRPC(w, r); ok {
		s.answerJSONRPC(w, m)
		return
	}
	s.answerCaller(w, t)
}

// answerCaller answers a resource request with what the resource knows of
// its caller, the token t.
func (s *Server) answerCaller(w http.ResponseWriter, t *store.Token) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"resource":  s.ResourceURL(),
		"client_id": t.ClientID,
		"subject":   t.Subject,
		"scope":     t.Scope,
	})
}

// resourceCaller answers a method other than GET and POST with 405, and
// returns the token of a request bearerAuth accepts.
func (s *Server) resourceCaller(w http.ResponseWriter, r *http.Request) (*store.Token, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writePlainError(w, http.StatusMethodNotAllowed, "method not allowed")
		return nil, false
	}
	return s.bearerAuth(w, r)
}

// bearerAuth authenticates a protected resource request with a bearer token
// in the Authorization header (RFC 6750 §2.1) or the form body (§2.2, never
// both: §3.1 invalid_request): the token must be an active
// access token issued for this resource. It answers the request itself when
// it returns false.
func (s *Server) bearerAuth(w http.ResponseWriter, r *http.Request) (*store.Token, bool) {
	authz := r.Header.Get("Authorization")
	body := s.bodyToken(r)
	if authz != "" && body != "" {
		if e := s.twoMethodsError(); e != nil {
			s.bearerChallenge(w, e)
			return nil, false
		}
	}
	if tok := s.tokenOutsideHeader(r); authz == "" && tok != "" {
		authz = "Bearer " + tok
	}
	if authz == "" && body != "" {
		authz = "Bearer " + body
	}
	if authz == "" {
		s.bearerChallenge(w, s.noCredentialsError())
		return nil, false
	}
	scheme, tok, ok := strings.Cut(authz, " ")
	if strings.EqualFold(scheme, "DPoP") && body == "" {
		return s.dpopAuth(w, r, s.afterScheme(tok))
	}
	if !s.bearerScheme(scheme) {
		// Another scheme: a request without bearer credentials.
		s.bearerChallenge(w, nil)
		return nil, false
	}
	tok = s.afterScheme(tok)
	if !ok || tok == "" || strings.ContainsAny(tok, " \t") {
		s.bearerChallenge(w, s.malformedBearer())
		return nil, false
	}
	t, err := s.store.GetToken(r.Context(), store.Hash(s.tokenLookupKey(tok)))
	if r.Method == http.MethodPost && s.postTokenUnchecked() {
		return &store.Token{Kind: store.AccessToken, Resources: []string{s.ResourceURL()}}, true
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.bearerChallenge(w, s.unknownTokenError())
		return nil, false
	case err != nil:
		s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("resource: %w", err)))
		return nil, false
	case t.Kind != store.AccessToken:
		s.bearerChallenge(w, oautherr.InvalidToken("a refresh token is not an access token"))
		return nil, false
	case !t.Active(s.now()) && !(t.Revoked && s.acceptsRevokedTokens()) && !(!t.Revoked && s.acceptsExpiredTokens()):
		s.resourceError(w, s.inactiveTokenError(), "", s.challengesInactiveToken())
		return nil, false
	}
	if !slices.Contains(t.Resources, s.ResourceURL()) && s.restrictsAudience(t) {
		s.bearerChallenge(w, oautherr.InvalidToken("the access token was not issued for this resource (RFC 8707 audience)"))
		return nil, false
	}
	if t.JKT != "" && s.refusesBoundBearer() {
		// RFC 9449 §7.2: no downgrade of a DPoP-bound token to bearer.
		s.bearerChallenge(w, oautherr.InvalidToken("the access token is DPoP-bound: send it with the DPoP scheme and a proof"))
		return nil, false
	}
	s.rememberSession(w, tok)
	return t, true
}

// bearerChallenge answers 401 (or 400/403 for those errors) with an RFC 6750
// §3 challenge carrying the RFC 9728 §5.1 resource_metadata parameter.
func (s *Server) bearerChallenge(w http.ResponseWriter, e *oautherr.Error) {
	s.resourceError(w, e, "", true)
}

// resourceError answers with e's status (401 when e is nil) and, when
// challenge is set, a Bearer challenge whose scope attribute is scope (the
// supported scopes when empty).
func (s *Server) resourceError(w http.ResponseWriter, e *oautherr.Error, scope string, challenge bool) {
	status := http.StatusUnauthorized
	params := []string{`realm="authspec"`, fmt.Sprintf("resource_metadata=%q", s.ResourceMetadataURL())}
	if e != nil {
		status = e.Status
		params = append(params, fmt.Sprintf("error=%q", e.Code), fmt.Sprintf("error_description=%q", oautherr.Sanitize(e.Description)))
	}
	if scope == "" {
		scope = strings.Join(s.cfg.Scopes, " ")
	}
	params = append(params, fmt.Sprintf("scope=%q", scope))
	if challenge {
		w.Header().Set("WWW-Authenticate", "Bearer "+strings.Join(params, ", "))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	body := map[string]string{"error": "unauthorized"}
	if e != nil {
		body = map[string]string{"error": e.Code, "error_description": e.Description}
	}
	_ = json.NewEncoder(w).Encode(body)
}
