package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// handleRevoke implements RFC 7009. The client authenticates as at the token
// endpoint. Unknown tokens and tokens of other clients answer 200 (§2.2: an
// invalid token is no error the client could handle), but only the client's
// own tokens are revoked. Revoking a refresh token revokes its whole family;
// revoking an access token revokes that token.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	form, oerr := s.readForm(w, r)
	if oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	ca := &clientAuth{}
	if s.revocationAuthenticates() {
		if ca, oerr = s.authenticateClient(r, form); oerr != nil {
			s.writeOAuthError(w, oerr)
			return
		}
	}
	if s.revocationRefusesPublic(ca) {
		s.writeOAuthError(w, oautherr.InvalidClient("this endpoint does not serve public clients"))
		return
	}
	if oerr := s.revoke(r, ca, form); oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

func (s *Server) revoke(r *http.Request, ca *clientAuth, form url.Values) *oautherr.Error {
	ctx := r.Context()
	raw := form.Get("token")
	if raw == "" {
		return s.missingRevocationToken()
	}
	// RFC 7009 §2.1: token_type_hint is only a hint; the server searches all
	// token types regardless (a hint it does not understand is ignored).
	hint := form.Get("token_type_hint")
	if oerr := s.unknownHintError(hint); oerr != nil {
		return oerr
	}
	t, err := s.store.GetToken(ctx, store.Hash(s.tokenLookupKey(raw)))
	if err == nil && s.revocationHintBinds(hint, t) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return s.unknownRevokedToken()
	}
	if err != nil {
		return oautherr.ServerError(fmt.Errorf("revoke: get token: %w", err))
	}
	if !s.revokes() {
		return nil
	}
	if ca.client != nil && t.ClientID != ca.client.ID && s.revokesOnlyOwnTokens() {
		return nil
	}
	if oerr := s.accessTokenRevocationError(t); oerr != nil {
		return oerr
	}
	if !s.revokesToken(t) {
		return nil
	}
	if t.Kind == store.RefreshToken && s.refreshRevocationEndsGrant() {
		err = s.store.RevokeGrant(ctx, t.GrantID)
	} else {
		err = s.store.RevokeToken(ctx, t.Hash)
	}
	if err != nil {
		return oautherr.ServerError(fmt.Errorf("revoke: %w", err))
	}
	return nil
}

// Introspection is the RFC 7662 §2.2 response.
type Introspection struct {
	Active    bool     `json:"active"`
	Scope     string   `json:"scope,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	TokenType string   `json:"token_type,omitempty"`
	Exp       int64    `json:"exp,omitempty"`
	Iat       int64    `json:"iat,omitempty"`
	Sub       string   `json:"sub,omitempty"`
	Aud       []string `json:"aud,omitempty"`
	Iss       string   `json:"iss,omitempty"`
	// Cnf binds a DPoP-bound access token to its key (RFC 9449 §6.2).
	Cnf *Confirmation `json:"cnf,omitempty"`
}

// Confirmation is the cnf member (RFC 7800 §3.1) with the JWK SHA-256
// thumbprint of a DPoP key (RFC 9449 §6.1).
type Confirmation struct {
	JKT string `json:"jkt"`
}

// handleIntrospect implements RFC 7662 for confidential clients, which may
// introspect the tokens issued to them.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	form, oerr := s.readForm(w, r)
	if oerr == nil {
		var ca *clientAuth
		if ca, oerr = s.authenticateClient(r, form); oerr == nil && ca.client.Public() {
			oerr = oautherr.InvalidClient("introspection requires a confidential client")
		} else if oerr == nil && !slices.Contains(s.introspectionAuthMethods(), ca.method) {
			oerr = oautherr.InvalidClient("introspection requires client authentication with %s", strings.Join(s.introspectionAuthMethods(), " or "))
		}
		if oerr != nil && s.introspectionAuthBypass(oerr) {
			ca, oerr = &clientAuth{client: &store.Client{}}, nil
		}
		if oerr == nil {
			var out Introspection
			if out, oerr = s.introspect(r, ca, form); oerr == nil {
				writeIntrospection(w, out)
				return
			}
		}
	}
	s.writeOAuthError(w, oerr)
}

// writeIntrospection writes the RFC 7662 §2.2 response, its members in
// the order of their names.
func writeIntrospection(w http.ResponseWriter, out Introspection) {
	body := map[string]any{}
	raw, _ := json.Marshal(out)
	_ = json.Unmarshal(raw, &body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) introspect(r *http.Request, ca *clientAuth, form url.Values) (Introspection, *oautherr.Error) {
	raw := form.Get("token")
	if raw == "" {
		return Introspection{}, oautherr.InvalidRequest("token is required")
	}
	t, err := s.store.GetToken(r.Context(), store.Hash(s.tokenLookupKey(raw)))
	if errors.Is(err, store.ErrNotFound) || s.introspectsAllInactive() {
		return Introspection{Active: false}, nil
	}
	if err != nil {
		return Introspection{}, oautherr.ServerError(fmt.Errorf("introspect: %w", err))
	}
	if s.introspectionHintBinds(form.Get("token_type_hint"), t) {
		return Introspection{Active: false}, nil
	}
	active := t.Active(s.now()) || (t.Revoked && s.revokedTokensActive()) || (!t.Revoked && s.expiredTokensActive())
	if t.ClientID != ca.client.ID && ca.client.ID != "" && s.introspectsOnlyOwnTokens() || !active {
		return Introspection{Active: false}, nil
	}
	out := Introspection{
		Active: true, Scope: t.Scope, ClientID: t.ClientID, Sub: t.Subject,
		Iat: t.IssuedAt.Unix(), Aud: t.Resources, Iss: s.cfg.Issuer,
	}
	if !t.ExpiresAt.IsZero() {
		out.Exp = t.ExpiresAt.Unix()
	}
	switch {
	case t.Kind == store.AccessToken && t.JKT != "":
		// RFC 9449 §6.2: a DPoP-bound token says so, with its key.
		out.TokenType, out.Cnf = "DPoP", &Confirmation{JKT: t.JKT}
	case t.Kind == store.AccessToken:
		out.TokenType = "Bearer"
	default:
		out.TokenType = "refresh_token"
	}
	return out, nil
}
