package server

import (
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
	form, oerr := s.tokenRequest(w, r)
	if oerr == nil && s.offersDPoP() {
		// RFC 9449: the DPoP proof, if any, travels in r's context.
		r, oerr = s.tokenDPoP(w, r)
	}
	if oerr == nil {
		var resp *TokenResponse
		if resp, oerr = s.token(r, form); oerr == nil {
			s.writeTokenResponse(w, resp)
			return
		}
	}
	s.writeOAuthError(w, oerr)
}

// tokenRequest reads the parameters of a token request: the form-encoded
// body of a POST (RFC 6749 §3.2), parameters sent without a value treated
// as omitted.
func (s *Server) tokenRequest(w http.ResponseWriter, r *http.Request) (url.Values, *oautherr.Error) {
	var form url.Values
	if r.Method == http.MethodGet && s.acceptsTokenGET() {
		form = r.URL.Query()
	} else {
		var oerr *oautherr.Error
		if form, oerr = s.readForm(w, r); oerr != nil {
			return nil, oerr
		}
	}
	s.addQueryCredentials(form, r)
	if s.omitsEmptyParams() {
		omitEmpty(form)
	}
	return form, nil
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
// others are ignored (RFC 6749 §3.2).
var tokenParams = []string{"grant_type", "code", "redirect_uri", "client_id", "client_secret",
	"code_verifier", "refresh_token", "scope", "resource"}

func (s *Server) writeTokenResponse(w http.ResponseWriter, resp *TokenResponse) {
	body, err := resp.appendJSON(make([]byte, 0, 256))
	if err != nil {
		s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("encode token response: %w", err)))
		return
	}
	h := w.Header()
	h["Content-Type"] = valueJSON
	h["Cache-Control"] = valueNoStore
	h["Pragma"] = valueNoCache
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// grantFunc answers a token request of one grant type for an
// authenticated client.
type grantFunc func(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error)

// grants are the grant types the token endpoint serves
// (fault_password_grant.go adds one).
func (s *Server) grants() map[string]grantFunc {
	g := map[string]grantFunc{
		"authorization_code": s.exchangeCode,
		"refresh_token":      s.refresh,
		"client_credentials": s.clientCredentials,
	}
	if !s.offersRefreshGrant() {
		delete(g, "refresh_token")
	}
	s.addPasswordGrant(g)
	return g
}

func (s *Server) token(r *http.Request, form url.Values) (*TokenResponse, *oautherr.Error) {
	ca, oerr := s.tokenClient(r, form)
	if oerr != nil {
		return nil, oerr
	}
	if oerr := s.unknownParamError(form); oerr != nil {
		return nil, oerr
	}
	if oerr := s.emptyScopeError(form); oerr != nil {
		return nil, oerr
	}
	if oerr := s.dpopRequiredError(r, ca.client); oerr != nil {
		return nil, oerr
	}
	gt := form.Get("grant_type")
	if gt == "" {
		return nil, s.missingGrantTypeError()
	}
	if grant, ok := s.grantTypes[gt]; ok {
		return grant(r, ca, form)
	}
	if gt == "password" {
		return nil, oautherr.UnsupportedGrantType("grant_type %q is not supported: the resource owner password credentials grant must not be used (RFC 9700 §2.4)", gt)
	}
	return nil, s.unknownGrantError(gt)
}

// tokenClient authenticates the client of a token request (RFC 6749 §2.3,
// §3.2.1).
func (s *Server) tokenClient(r *http.Request, form url.Values) (*clientAuth, *oautherr.Error) {
	if s.clientFromCode(r, form) {
		// exchangeCode takes the client from the code.
		return &clientAuth{method: authNone}, nil
	}
	return s.authenticateClient(r, form)
}

// exchangeCode implements RFC 6749 §4.1.3 with RFC 7636 §4.6 and RFC 8707.
func (s *Server) exchangeCode(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error) {
	// A nil client is possible only when clientFromCode said so: the client
	// is then taken from the code.
	if ca.client != nil && !slices.Contains(ca.client.Metadata.GrantTypes, "authorization_code") {
		return nil, oautherr.UnauthorizedClient("the client is not registered for the authorization_code grant")
	}
	ctx := r.Context()
	raw := form.Get("code")
	if raw == "" {
		return nil, s.missingCodeError()
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
		return nil, s.unknownCodeError()
	case err != nil && !used:
		return nil, oautherr.ServerError(fmt.Errorf("get code: %w", err))
	}
	if ca.client == nil {
		var oerr *oautherr.Error
		if ca, oerr = s.publicClientOfCode(r, code); oerr != nil {
			return nil, oerr
		}
	}
	if used && s.codesSingleUse() && !s.judgesReplayAfterVerifying() {
		return nil, s.codeReplayed(r, code)
	}
	if code.ClientID != ca.client.ID && s.bindsCodeToClient(ca.client) {
		return nil, oautherr.InvalidGrant("the authorization code was issued to another client")
	}
	if oerr := s.checkCodeRedirectURI(code, ca.client, form); oerr != nil {
		return nil, oerr
	}
	if oerr := s.verifyPKCE(code, ca.client, form); oerr != nil {
		return nil, oerr
	}
	if oerr := s.checkCodeDPoPKey(r, code); oerr != nil {
		return nil, oerr
	}
	if used && s.codesSingleUse() {
		return nil, s.codeReplayed(r, code)
	}
	if s.codesExpire() && !s.now().Before(code.ExpiresAt) {
		return nil, oautherr.InvalidGrant("the authorization code has expired")
	}
	if _, err := s.store.ConsumeCode(ctx, hash); errors.Is(err, store.ErrAlreadyUsed) {
		if s.codesSingleUse() {
			// Another redemption of the same code won the race: this one
			// is a replay.
			return nil, s.codeReplayed(r, code)
		}
	} else if err != nil {
		return nil, oautherr.ServerError(fmt.Errorf("consume code: %w", err))
	}
	if oerr := s.codeExchangeResourceError(form); oerr != nil {
		return nil, oerr
	}
	resources, oerr := s.narrowResources(form["resource"], code.Resources, siteToken)
	if oerr != nil {
		return nil, oerr
	}
	refresh := s.issuesRefreshTokens(ca.client)
	return s.issue(r, ca.client, code.Subject, code.Scope, code.Scope, resources, s.refreshGrantResources(resources, code.Resources), code.GrantID, refresh)
}

// checkCodeRedirectURI implements RFC 6749 §4.1.3: redirect_uri is
// required, and identical, when the authorization request included it.
func (s *Server) checkCodeRedirectURI(code *store.Code, c *store.Client, form url.Values) *oautherr.Error {
	if !s.checksCodeRedirectURI() {
		return nil
	}
	_, sent := form["redirect_uri"]
	omittedOK := !sent && s.acceptsOmittedRedirectURI()
	if code.RedirectURI != "" && !omittedOK && (!sent || form.Get("redirect_uri") != code.RedirectURI) {
		return oautherr.InvalidGrant("redirect_uri must be identical to the one in the authorization request")
	}
	if code.RedirectURI == "" && sent && !slices.Contains(c.Metadata.RedirectURIs, form.Get("redirect_uri")) {
		return oautherr.InvalidGrant("redirect_uri does not match the client's registered redirect URI")
	}
	return nil
}

// codeReplayed answers the redemption of a code that was redeemed before.
// RFC 6749 §4.1.2: the server SHOULD revoke all tokens previously issued
// based on that code. The store makes the revocation stick: a redemption
// still in flight cannot save tokens of the grant afterwards.
func (s *Server) codeReplayed(r *http.Request, code *store.Code) *oautherr.Error {
	if s.revokesOnCodeReplay() {
		if err := s.store.RevokeGrant(r.Context(), code.GrantID); err != nil {
			return oautherr.ServerError(fmt.Errorf("revoke replayed grant: %w", err))
		}
	}
	return oautherr.InvalidGrant("the authorization code was already used; tokens issued from it are revoked")
}

// verifyPKCE implements RFC 7636 §4.6 and the downgrade protection of RFC
// 9700 §2.1.1: a verifier without a challenge is as wrong as a challenge
// without a verifier.
func (s *Server) verifyPKCE(code *store.Code, c *store.Client, form url.Values) *oautherr.Error {
	verifier, sent := form.Get("code_verifier"), form.Has("code_verifier")
	if code.CodeChallenge == "" {
		if sent && s.refusesPKCEDowngrade() {
			return oautherr.InvalidGrant("code_verifier sent but the authorization request had no code_challenge")
		}
		return nil
	}
	if !sent {
		return s.missingVerifierError()
	}
	verifier, ok := s.checkVerifier(verifier)
	if !ok {
		return oautherr.InvalidGrant("code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)")
	}
	if !s.comparesVerifier(c) {
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
	if site == siteRefresh && !s.checksRefreshResources() {
		return requested, nil
	}
	if len(granted) > 0 && s.ignoresResourcesOutsideGrant() &&
		slices.ContainsFunc(requested, func(v string) bool { return !slices.Contains(granted, v) }) {
		return granted, nil
	}
	res, oerr := s.checkResourcesAt(requested, site)
	if oerr != nil {
		return nil, oerr
	}
	if len(granted) > 0 && s.checksResources() {
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
	if !s.mayRefresh(ca.client) {
		return nil, oautherr.UnauthorizedClient("the client is not registered for the refresh_token grant")
	}
	ctx := r.Context()
	raw := form.Get("refresh_token")
	if raw == "" {
		return nil, s.missingRefreshTokenError()
	}
	hash := store.Hash(s.tokenLookupKey(raw))
	t, err := s.store.GetToken(ctx, hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, s.unknownRefreshTokenError()
	case err != nil:
		return nil, oautherr.ServerError(fmt.Errorf("get refresh token: %w", err))
	case t.Kind != store.RefreshToken:
		return nil, oautherr.InvalidGrant("the token is not a refresh token")
	}
	if t.ClientID != ca.client.ID && s.bindsRefreshToClient(ca.client) {
		return nil, oautherr.InvalidGrant("the refresh token was issued to another client")
	}
	if oerr := s.checkRefreshDPoPKey(r, ca.client, t); oerr != nil {
		return nil, oerr
	}
	rotate := s.rotatesRefreshOf(ca.client)
	retry := rotate && t.Rotated && s.refreshRetryAllowed(t.GrantID, hash)
	if rotate && t.Rotated && !retry {
		if s.revokesOnRefreshReplay() {
			if err := s.store.RevokeGrant(ctx, t.GrantID); err != nil {
				return nil, oautherr.ServerError(fmt.Errorf("revoke refresh family: %w", err))
			}
		}
		return nil, oautherr.InvalidGrant("the refresh token was already used; its token family is revoked")
	}
	if !t.Active(s.now()) {
		return nil, oautherr.InvalidGrant("the refresh token is expired or revoked")
	}
	scope := s.refreshScope(t, form)
	if req := form.Get("scope"); req != "" {
		toks, ok := parseScope(req)
		if !ok {
			return nil, oautherr.InvalidScope("scope is not a space-delimited list of scope tokens")
		}
		joined := strings.Join(toks, " ")
		if !scopeSubset(joined, t.Scope) && s.refusesWiderScope() {
			return nil, oautherr.InvalidScope("the requested scope exceeds the scope originally granted (RFC 6749 §6)")
		}
		for _, tok := range toks {
			if !s.scopes[tok] {
				return nil, oautherr.InvalidScope("scope %q is not supported", tok)
			}
		}
		if s.narrowsRefreshScope() {
			scope = joined
		}
	}
	resources, oerr := s.narrowResources(form["resource"], t.Resources, siteRefresh)
	if oerr != nil {
		return nil, oerr
	}
	if rotate && !retry {
		if _, err := s.store.RotateToken(ctx, hash); err != nil {
			if errors.Is(err, store.ErrAlreadyUsed) {
				// Lost a race with a concurrent use of the same token: a replay.
				_ = s.store.RevokeGrant(ctx, t.GrantID)
				return nil, oautherr.InvalidGrant("the refresh token was already used; its token family is revoked")
			}
			return nil, oautherr.ServerError(fmt.Errorf("rotate refresh token: %w", err))
		}
		s.noteRotation(t.GrantID, hash)
	}
	resp, oerr := s.issue(r, ca.client, t.Subject, scope, s.newRefreshTokenScope(t, scope), resources, t.Resources, t.GrantID, rotate)
	if oerr != nil {
		return nil, oerr
	}
	if !rotate {
		resp.RefreshToken = ""
	}
	return resp, nil
}

// clientCredentials implements RFC 6749 §4.4 for confidential clients
// registered for it.
func (s *Server) clientCredentials(r *http.Request, ca *clientAuth, form url.Values) (*TokenResponse, *oautherr.Error) {
	if ca.client.Public() {
		if !s.publicClientCredentials() {
			return nil, oautherr.UnauthorizedClient("public clients cannot use the client_credentials grant")
		}
	} else if !slices.Contains(ca.client.Metadata.GrantTypes, "client_credentials") && s.restrictsGrantTypes() {
		return nil, oautherr.UnauthorizedClient("the client is not registered for the client_credentials grant")
	}
	scope, oerr := s.checkScope(form.Get("scope"), ca.client)
	if oerr != nil {
		return nil, s.tokenScopeError(oerr)
	}
	resources, oerr := s.checkResourcesAt(form["resource"], siteToken)
	if oerr != nil {
		return nil, oerr
	}
	// A grant ties together the tokens that a refresh token or a code
	// replay revokes at once; a lone access token needs none.
	refresh, grantID := s.clientCredentialsRefresh(), ""
	if refresh {
		grantID = randomID()
	}
	return s.issue(r, ca.client, s.clientCredentialsSubject(ca.client), scope, scope, resources, resources, grantID, refresh)
}

// issue mints an access token (and optionally a refresh token carrying the
// grant's full scope and resources) and stores both hashed.
func (s *Server) issue(r *http.Request, c *store.Client, subject, scope, grantScope string,
	resources, grantResources []string, grantID string, withRefresh bool) (*TokenResponse, *oautherr.Error) {
	ctx := r.Context()
	resources = s.audienceOf(resources)
	if !s.recordsAudience() {
		resources = nil
	}
	scope, reported := s.resourceScope(scope, resources)
	n := 1
	if withRefresh {
		n = 2
	}
	if oerr := s.roomForTokens(ctx, c.ID, grantID, n); oerr != nil {
		return nil, oerr
	}
	now := s.now()
	ttl := s.accessTokenTTL()
	at := s.newAccessToken()
	// RFC 9449 §5: the access token is bound to the key of the DPoP proof,
	// and so is a public client's refresh token.
	jkt, refreshJKT, tokenType := dpopJKT(r), "", "Bearer"
	if jkt != "" {
		tokenType, ttl = s.dpopTokenType(), s.dpopAccessTokenTTL(ttl)
		if c.Public() {
			refreshJKT = jkt
		}
	}
	if err := s.store.SaveToken(ctx, &store.Token{
		Hash: store.Hash(s.tokenLookupKey(at)), Kind: store.AccessToken, ClientID: c.ID, Subject: subject,
		Scope: scope, Resources: resources, GrantID: grantID,
		IssuedAt: now, ExpiresAt: now.Add(ttl), JKT: jkt,
	}); err != nil {
		return nil, saveTokenError("access", err)
	}
	resp := &TokenResponse{
		AccessToken: at, TokenType: tokenType,
		ExpiresIn: int64(ttl / time.Second), Scope: scope,
	}
	if !reported {
		resp.Scope = ""
	}
	if withRefresh {
		rt := randomToken()
		if err := s.store.SaveToken(ctx, &store.Token{
			Hash: store.Hash(rt), Kind: store.RefreshToken, ClientID: c.ID, Subject: subject,
			Scope: grantScope, Resources: grantResources, GrantID: grantID,
			IssuedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTokenTTL), JKT: refreshJKT,
		}); err != nil {
			return nil, saveTokenError("refresh", err)
		}
		resp.RefreshToken = s.refreshTokenValue(rt)
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
