package server

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// TokenResponse is the RFC 6749 §5.1 successful token response.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
}

func jsonToForm(body []byte) (url.Values, *oautherr.Error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, oautherr.InvalidRequest("the JSON body is malformed")
	}
	form := url.Values{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			form.Set(k, s)
		}
	}
	return form, nil
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if s.rateLimited(w, r, tokenBucket) {
		return
	}
	var form url.Values
	var oerr *oautherr.Error
	if r.Method == http.MethodGet && s.fault(FaultTokenGETAccepted) {
		form = r.URL.Query()
	} else {
		form, oerr = s.readForm(w, r)
	}
	if oerr == nil {
		if s.fault(FaultTokenQueryCredentials) {
			q := r.URL.Query()
			for _, k := range []string{"client_id", "client_secret"} {
				if !form.Has(k) && q.Get(k) != "" {
					form.Set(k, q.Get(k))
				}
			}
		}
		if !s.fault(FaultTokenEmptyParamNotOmitted) {
			omitEmpty(form)
		}
		var resp *TokenResponse
		resp, oerr = s.token(r, form)
		if oerr == nil {
			s.writeTokenResponse(w, resp)
			return
		}
	}
	s.writeOAuthError(w, oerr)
}

// omitEmpty deletes parameters sent without a value: RFC 6749 §3.2 says
// they MUST be treated as if they were omitted from the request.
func omitEmpty(form url.Values) {
	for k, vs := range form {
		if !slices.ContainsFunc(vs, func(v string) bool { return v != "" }) {
			delete(form, k)
		}
	}
}

// tokenParams are the token request parameters this server understands;
// others are ignored (RFC 6749 §3.2) unless the unknown-parameter fault is on.
var tokenParams = []string{"grant_type", "code", "redirect_uri", "client_id", "client_secret",
	"code_verifier", "refresh_token", "scope", "resource"}

func (s *Server) writeTokenResponse(w http.ResponseWriter, resp *TokenResponse) {
	body, err := json.Marshal(resp)
	if err != nil {
		s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("encode token response: %w", err)))
		return
	}
	if s.fault(FaultTokenExpiresInString) {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err == nil {
			m["expires_in"] = fmt.Sprint(resp.ExpiresIn)
			if b, err := json.Marshal(m); err == nil {
				body = b
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if !s.fault(FaultNoCacheControl) {
		w.Header().Set("Cache-Control", "no-store")
		if !s.fault(FaultTokenNoPragma) {
			w.Header().Set("Pragma", "no-cache")
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Server) token(r *http.Request, form url.Values) (*TokenResponse, *oautherr.Error) {
	var ca *clientAuth
	if s.fault(FaultTokenPublicNoClientID) && form.Get("grant_type") == "authorization_code" &&
		form.Get("client_id") == "" && r.Header.Get("Authorization") == "" {
		// exchangeCode takes the client from the code.
		ca = &clientAuth{method: authNone}
	} else {
		var oerr *oautherr.Error
		if ca, oerr = s.authenticateClient(r, form); oerr != nil {
			return nil, oerr
		}
	}
	if s.fault(FaultTokenUnknownParamFatal) {
		for k := range form {
			if !slices.Contains(tokenParams, k) {
				return nil, oautherr.InvalidRequest("unknown parameter %q", k)
			}
		}
	}
	if s.fault(FaultTokenEmptyParamNotOmitted) && form.Has("scope") && form.Get("scope") == "" {
		return nil, oautherr.InvalidScope("scope must not be empty")
	}
	gt := form.Get("grant_type")
	switch gt {
	case "":
		if s.fault(FaultTokenMissingGrantTypeErr) {
			return nil, oautherr.UnsupportedGrantType("grant_type %q is not supported", gt)
		}
		return nil, oautherr.InvalidRequest("grant_type is required")
	case "authorization_code":
		// A nil client is possible only with FaultTokenPublicNoClientID:
		// exchangeCode then takes the client from the code.
		if ca.client != nil && !slices.Contains(ca.client.Metadata.GrantTypes, gt) {
			return nil, oautherr.UnauthorizedClient("the client is not registered for the authorization_code grant")
		}
		return s.exchangeCode(r, ca, form)
	case "refresh_token":
		if !slices.Contains(ca.client.Metadata.GrantTypes, gt) {
			return nil, oautherr.UnauthorizedClient("the client is not registered for the refresh_token grant")
		}
		return s.refresh(r, ca, form)
	case "client_credentials":
		publicOK := ca.client.Public() && s.fault(FaultTokenCCPublic)
		if ca.client.Public() && !publicOK {
			return nil, oautherr.UnauthorizedClient("public clients cannot use the client_credentials grant")
		}
		if !slices.Contains(ca.client.Metadata.GrantTypes, gt) && !publicOK && !s.fault(FaultTokenGrantUnrestricted) {
			return nil, oautherr.UnauthorizedClient("the client is not registered for the client_credentials grant")
		}
		return s.clientCredentials(r, ca, form)
	case "password":
		if s.fault(FaultBCPPasswordGrant) {
			return s.passwordGrant(r, ca, form)
		}
		return nil, oautherr.UnsupportedGrantType("grant_type %q is not supported: the resource owner password credentials grant must not be used (RFC 9700 §2.4)", gt)
	default:
		if s.fault(FaultUnknownGrantWrongErr) {
			return nil, oautherr.InvalidRequest("grant_type %q is not supported", gt)
		}
		return nil, oautherr.UnsupportedGrantType("grant_type %q is not supported", gt)
	}
}

// exchangeCode implements RFC 6749 §4.1.3 with RFC 7636 §4.6 and RFC 8707.
func (s *Server) exchangeCode(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error) {
	ctx := r.Context()
	raw := form.Get("code")
	if raw == "" {
		if s.fault(FaultTokenMissingCodeWrongErr) {
			return nil, oautherr.InvalidGrant("the authorization code is invalid")
		}
		return nil, oautherr.InvalidRequest("code is required")
	}
	// Everything the request must prove (the client, the redirect URI,
	// the PKCE verifier) is checked before the code is consumed: a request
	// that fails does not burn the code of the client that will send the
	// right one. Only then is the code redeemed, atomically.
	hash := store.Hash(raw)
	code, err := s.store.GetCode(ctx, hash)
	used := errors.Is(err, store.ErrAlreadyUsed)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if s.fault(FaultTokenUnknownCodeWrongErr) {
			return nil, oautherr.InvalidRequest("the code parameter is malformed")
		}
		return nil, oautherr.InvalidGrant("the authorization code is invalid")
	case err != nil && !used:
		return nil, oautherr.ServerError(fmt.Errorf("get code: %w", err))
	}
	if ca.client == nil {
		// FaultTokenPublicNoClientID: the client is taken from the code.
		c, oerr := s.lookupClient(r, code.ClientID)
		if oerr != nil {
			return nil, oerr
		}
		if !c.Public() {
			return nil, oautherr.InvalidClient("client authentication is required")
		}
		ca = &clientAuth{client: c, method: authNone}
	}
	if code.ClientID != ca.client.ID && !s.fault(FaultCodeNotBoundToClient) {
		return nil, oautherr.InvalidGrant("the authorization code was issued to another client")
	}
	if !s.fault(FaultRedirectURINotChecked) {
		_, sent := form["redirect_uri"]
		omittedOK := !sent && s.fault(FaultTokenRedirectURIOptional)
		if code.RedirectURI != "" && !omittedOK && (!sent || form.Get("redirect_uri") != code.RedirectURI) {
			return nil, oautherr.InvalidGrant("redirect_uri must be identical to the one in the authorization request")
		}
		if code.RedirectURI == "" && sent && !slices.Contains(ca.client.Metadata.RedirectURIs, form.Get("redirect_uri")) {
			return nil, oautherr.InvalidGrant("redirect_uri does not match the client's registered redirect URI")
		}
	}
	if oerr := s.verifyPKCE(code, form); oerr != nil {
		return nil, oerr
	}
	if used && !s.fault(FaultCodeReuse) {
		return nil, s.codeReplayed(r, code)
	}
	if !s.now().Before(code.ExpiresAt) {
		return nil, oautherr.InvalidGrant("the authorization code has expired")
	}
	if _, err := s.store.ConsumeCode(ctx, hash); errors.Is(err, store.ErrAlreadyUsed) {
		if !s.fault(FaultCodeReuse) {
			// Another redemption of the same code won the race: this one
			// is a replay.
			return nil, s.codeReplayed(r, code)
		}
	} else if err != nil {
		return nil, oautherr.ServerError(fmt.Errorf("consume code: %w", err))
	}
	if s.fault(FaultMCPResourceAtTokenRefused) && len(form["resource"]) > 0 {
		return nil, oautherr.InvalidTarget("the resource parameter is not accepted in a code exchange")
	}
	resources, oerr := s.narrowResources(form["resource"], code.Resources, siteToken)
	if oerr != nil {
		return nil, oerr
	}
	refresh := slices.Contains(ca.client.Metadata.GrantTypes, "refresh_token")
	return s.issue(r, ca.client, code.Subject, code.Scope, code.Scope, resources, code.Resources, code.GrantID, refresh)
}

// codeReplayed answers the redemption of a code that was redeemed before.
// RFC 6749 §4.1.2: the server SHOULD revoke all tokens previously issued
// based on that code. The store makes the revocation stick: a redemption
// still in flight cannot save tokens of the grant afterwards.
func (s *Server) codeReplayed(r *http.Request, code *store.Code) *oautherr.Error {
	if !s.fault(FaultReplayNoRevoke) {
		if err := s.store.RevokeGrant(r.Context(), code.GrantID); err != nil {
			return oautherr.ServerError(fmt.Errorf("revoke replayed grant: %w", err))
		}
	}
	return oautherr.InvalidGrant("the authorization code was already used; tokens issued from it are revoked")
}

// verifyPKCE implements RFC 7636 §4.6 and the downgrade protection of RFC
// 9700 §2.1.1: a verifier without a challenge is as wrong as a challenge
// without a verifier.
func (s *Server) verifyPKCE(code *store.Code, form url.Values) *oautherr.Error {
	verifier, sent := form.Get("code_verifier"), form.Has("code_verifier")
	if code.CodeChallenge == "" {
		if sent && !s.fault(FaultPKCEDowngrade) {
			return oautherr.InvalidGrant("code_verifier sent but the authorization request had no code_challenge")
		}
		return nil
	}
	if !sent {
		if s.fault(FaultPKCEVerifierOptional) {
			return nil
		}
		return oautherr.InvalidGrant("code_verifier is required: the authorization request had a code_challenge")
	}
	verifier, ok := s.checkVerifier(verifier)
	if !ok {
		return oautherr.InvalidGrant("code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)")
	}
	if s.fault(FaultPKCEVerifierIgnore) {
		return nil
	}
	challenge, method := s.codeChallenge(code)
	var got string
	switch method {
	case "S256":
		got = s256(verifier)
	case "plain":
		got = verifier
	default:
		return oautherr.InvalidGrant("unsupported code_challenge_method")
	}
	if !s.challengeMatches(got, challenge) && !s.methodIgnored(verifier, challenge) {
		return oautherr.InvalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// validVerifier checks RFC 7636 §4.1: code-verifier = 43*128unreserved.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isUnreserved(v[i]) {
			return false
		}
	}
	return true
}

func isUnreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// narrowResources validates token-request resource parameters against what
// the grant allows (RFC 8707 §2.2). Without parameters the grant's resources
// are used.
func (s *Server) narrowResources(requested, granted []string, site resourceSite) ([]string, *oautherr.Error) {
	if len(requested) == 0 {
		return granted, nil
	}
	if site == siteRefresh && s.fault(FaultRefreshResourceUnchecked) {
		return requested, nil
	}
	res, oerr := s.checkResourcesAt(requested, site)
	if oerr != nil {
		return nil, oerr
	}
	if len(granted) > 0 && !s.fault(FaultResourceUnchecked) {
		for _, v := range res {
			if !slices.Contains(granted, v) {
				return nil, oautherr.InvalidTarget("resource %q was not part of the authorization grant", v)
			}
		}
	}
	return res, nil
}

// refresh implements RFC 6749 §6 with refresh token rotation for public
// clients (RFC 9700 §4.14.2).
func (s *Server) refresh(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error) {
	ctx := r.Context()
	raw := form.Get("refresh_token")
	if raw == "" {
		if s.fault(FaultTokenRefreshMissingErr) {
			return nil, oautherr.InvalidGrant("the refresh token is invalid")
		}
		return nil, oautherr.InvalidRequest("refresh_token is required")
	}
	hash := store.Hash(raw)
	t, err := s.store.GetToken(ctx, hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if s.fault(FaultTokenRefreshUnknownErr) {
			return nil, oautherr.InvalidRequest("the refresh_token parameter is malformed")
		}
		return nil, oautherr.InvalidGrant("the refresh token is invalid")
	case err != nil:
		return nil, oautherr.ServerError(fmt.Errorf("get refresh token: %w", err))
	case t.Kind != store.RefreshToken:
		return nil, oautherr.InvalidGrant("the token is not a refresh token")
	}
	if t.ClientID != ca.client.ID && !s.fault(FaultRefreshNotBound) {
		return nil, oautherr.InvalidGrant("the refresh token was issued to another client")
	}
	rotate := ca.client.Public() && !s.fault(FaultRefreshNoRotation)
	if rotate && t.Rotated {
		if !s.fault(FaultRefreshReplayNoRevoke) {
			if err := s.store.RevokeGrant(ctx, t.GrantID); err != nil {
				return nil, oautherr.ServerError(fmt.Errorf("revoke refresh family: %w", err))
			}
		}
		return nil, oautherr.InvalidGrant("the refresh token was already used; its token family is revoked")
	}
	if !t.Active(s.now()) {
		return nil, oautherr.InvalidGrant("the refresh token is expired or revoked")
	}
	scope := t.Scope
	if form.Get("scope") == "" && s.fault(FaultTokenRefreshDefaultScope) {
		scope = s.cfg.DefaultScope
	}
	if req := form.Get("scope"); req != "" {
		toks, ok := parseScope(req)
		if !ok {
			return nil, oautherr.InvalidScope("scope is not a space-delimited list of scope tokens")
		}
		joined := strings.Join(toks, " ")
		if !scopeSubset(joined, t.Scope) && !s.fault(FaultRefreshScopeWiden) {
			return nil, oautherr.InvalidScope("the requested scope exceeds the scope originally granted (RFC 6749 §6)")
		}
		for _, tok := range toks {
			if !s.scopes[tok] {
				return nil, oautherr.InvalidScope("scope %q is not supported", tok)
			}
		}
		if !s.fault(FaultTokenRefreshNoNarrowing) {
			scope = joined
		}
	}
	resources, oerr := s.narrowResources(form["resource"], t.Resources, siteRefresh)
	if oerr != nil {
		return nil, oerr
	}
	if rotate {
		if _, err := s.store.RotateToken(ctx, hash); err != nil {
			if errors.Is(err, store.ErrAlreadyUsed) {
				// Lost a race with a concurrent use of the same token: a replay.
				_ = s.store.RevokeGrant(ctx, t.GrantID)
				return nil, oautherr.InvalidGrant("the refresh token was already used; its token family is revoked")
			}
			return nil, oautherr.ServerError(fmt.Errorf("rotate refresh token: %w", err))
		}
	}
	resp, oerr := s.issue(r, ca.client, t.Subject, scope, t.Scope, resources, t.Resources, t.GrantID, rotate)
	if oerr != nil {
		return nil, oerr
	}
	if !rotate {
		resp.RefreshToken = ""
	}
	return resp, nil
}

func (s *Server) clientCredentials(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error) {
	scope, oerr := s.checkScope(form.Get("scope"), ca.client)
	if oerr != nil {
		if oerr.Code == oautherr.CodeInvalidScope && s.fault(FaultTokenInvalidScopeErr) {
			return nil, oautherr.InvalidRequest("%s", oerr.Description)
		}
		return nil, oerr
	}
	resources, oerr := s.checkResourcesAt(form["resource"], siteToken)
	if oerr != nil {
		return nil, oerr
	}
	resp, oerr := s.issue(r, ca.client, "", scope, scope, resources, resources, randomID(), s.fault(FaultTokenCCRefreshToken))
	if oerr != nil {
		return nil, oerr
	}
	if form.Get("scope") == "" && s.fault(FaultTokenScopeOmitted) {
		resp.Scope = ""
	}
	return resp, nil
}

// issue mints an access token (and optionally a refresh token carrying the
// grant's full scope and resources) and stores both hashed.
func (s *Server) issue(r *http.Request, c *store.Client, subject, scope, grantScope string,
	resources, grantResources []string, grantID string, withRefresh bool) (*TokenResponse, *oautherr.Error) {
	ctx := r.Context()
	if s.fault(FaultMCPTokenWithoutAudience) {
		resources = nil
	}
	n := 1
	if withRefresh {
		n = 2
	}
	if oerr := s.roomForTokens(ctx, c.ID, grantID, n); oerr != nil {
		return nil, oerr
	}
	now := s.now()
	ttl := s.accessTokenTTL()
	at := randomToken()
	if err := s.store.SaveToken(ctx, &store.Token{
		Hash: store.Hash(at), Kind: store.AccessToken, ClientID: c.ID, Subject: subject,
		Scope: scope, Resources: resources, GrantID: grantID,
		IssuedAt: now, ExpiresAt: now.Add(ttl),
	}); err != nil {
		return nil, saveTokenError("access", err)
	}
	resp := &TokenResponse{
		AccessToken: at, TokenType: "Bearer",
		ExpiresIn: int64(ttl / time.Second), Scope: scope,
	}
	if s.fault(FaultTokenTypeMissing) {
		resp.TokenType = ""
	}
	if withRefresh {
		rt := randomToken()
		if err := s.store.SaveToken(ctx, &store.Token{
			Hash: store.Hash(rt), Kind: store.RefreshToken, ClientID: c.ID, Subject: subject,
			Scope: grantScope, Resources: grantResources, GrantID: grantID,
			IssuedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTokenTTL),
		}); err != nil {
			return nil, saveTokenError("refresh", err)
		}
		resp.RefreshToken = rt
	}
	s.clientUsed(ctx, c)
	return resp, nil
}

// saveTokenError answers a failure to store a token: the grant was revoked
// meanwhile (a replay detected concurrently), or the store failed.
func saveTokenError(kind string, err error) *oautherr.Error {
	if errors.Is(err, store.ErrRevoked) {
		return oautherr.InvalidGrant("the grant was revoked")
	}
	return oautherr.ServerError(fmt.Errorf("save %s token: %w", kind, err))
}

// passwordGrant exists only for the password-grant-enabled fault.
func (s *Server) passwordGrant(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error) {
	want, ok := s.users[form.Get("username")]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(form.Get("password"))) != 1 {
		return nil, oautherr.InvalidGrant("invalid resource owner credentials")
	}
	scope, oerr := s.checkScope(form.Get("scope"), ca.client)
	if oerr != nil {
		return nil, oerr
	}
	return s.issue(r, ca.client, form.Get("username"), scope, scope, nil, nil, randomID(), false)
}
