package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// Limits on registration metadata, to keep a hostile client from storing
// arbitrary amounts of data.
const (
	maxRegistrationBytes = 64 << 10
	maxListLen           = 32
	maxStringLen         = 2048
)

var supportedGrantTypes = []string{"authorization_code", "refresh_token", "client_credentials"}

// RegistrationResponse is the RFC 7591 §3.2.1 / RFC 7592 §3 client information
// response: the registered metadata plus the server-provisioned fields.
type RegistrationResponse struct {
	ClientID                string `json:"client_id"`
	ClientSecret            string `json:"client_secret,omitempty"`
	ClientIDIssuedAt        int64  `json:"client_id_issued_at"`
	ClientSecretExpiresAt   *int64 `json:"client_secret_expires_at,omitempty"`
	RegistrationAccessToken string `json:"registration_access_token,omitempty"`
	RegistrationClientURI   string `json:"registration_client_uri"`
	store.ClientMetadata
}

func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		e := oautherr.InvalidRequest("the registration endpoint accepts only POST")
		e.Status = http.StatusMethodNotAllowed
		s.writeOAuthError(w, e)
		return
	}
	if s.rateLimited(w, r, registrationBucket) {
		return
	}
	if s.cfg.InitialAccessToken != "" {
		tok, ok := bearerToken(r)
		if !ok || !store.EqualHash(store.Hash(s.cfg.InitialAccessToken), tok) {
			s.writeBearerError(w, oautherr.InvalidToken("a valid initial access token is required to register"))
			return
		}
	}
	raw, oerr := s.readJSONObject(w, r)
	if oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	md, oerr := s.parseClientMetadata(s.statementMetadata(raw))
	md.GrantTypes = s.registrableGrantTypes(md.GrantTypes)
	md.TokenEndpointAuthMethod = s.nativeAppAuthMethod(raw, md.TokenEndpointAuthMethod)
	md.RequireSignedRequestObject = s.keptSignedRequestObject(raw)
	if oerr == nil {
		md, oerr = s.normalizeMetadata(md, false)
	}
	if oerr == nil {
		oerr = s.checkMetadataSize(md)
	}
	if oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	now := s.now()
	c := &store.Client{ID: randomID(), IssuedAt: now, ExpiresAt: now.Add(s.limits.UnusedClientTTL), Metadata: md}
	if id := s.clientChosenID(raw); id != "" {
		c.ID = id
	}
	s.reuseClientID(r.Context(), c)
	var secret string
	switch md.TokenEndpointAuthMethod {
	case authPrivateKeyJWT: // authenticates with its keys
	case authNone:
		secret = s.publicClientSecret()
	default:
		secret = s.issuedSecret()
		c.SecretHash = store.Hash(s.checkedSecret(secret))
		c.SecretExpiresAt = s.secretExpiry(now)
	}
	regToken := s.issuedRegistrationToken(c)
	c.RegistrationTokenHash = store.Hash(regToken)
	if oerr := s.createClient(r.Context(), c); oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	resp := s.clientInfo(c, secret)
	resp.RegistrationAccessToken = regToken
	s.writeClientInfo(w, http.StatusCreated, resp)
}

func (s *Server) clientInfo(c *store.Client, secret string) *RegistrationResponse {
	resp := &RegistrationResponse{
		ClientID:              c.ID,
		ClientSecret:          secret,
		ClientIDIssuedAt:      s.issuedAt(c),
		RegistrationClientURI: s.endpoint("/register/" + url.PathEscape(c.ID)),
		ClientMetadata:        c.Metadata,
	}
	if !c.Public() {
		var exp int64
		if !c.SecretExpiresAt.IsZero() {
			exp = c.SecretExpiresAt.Unix()
		}
		resp.ClientSecretExpiresAt = &exp
	}
	return resp
}

func (s *Server) writeClientInfo(w http.ResponseWriter, status int, resp *RegistrationResponse) {
	body, err := json.Marshal(resp)
	if err != nil {
		s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("encode client information: %w", err)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// readJSONObject reads a bounded JSON object body into raw fields.
func (s *Server) readJSONObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, *oautherr.Error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, oautherr.InvalidClientMetadata("Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRegistrationBytes))
	if err != nil {
		return nil, oautherr.InvalidClientMetadata("the request body is unreadable or larger than %d bytes", maxRegistrationBytes)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, oautherr.InvalidClientMetadata("the request body must be a JSON object")
	}
	if dec.More() {
		return nil, oautherr.InvalidClientMetadata("the request body must hold exactly one JSON object")
	}
	return raw, nil
}

var knownMetadata = map[string]bool{
	"redirect_uris": true, "token_endpoint_auth_method": true, "grant_types": true,
	"response_types": true, "client_name": true, "client_uri": true, "logo_uri": true,
	"scope": true, "contacts": true, "tos_uri": true, "policy_uri": true, "jwks_uri": true,
	"software_id": true, "software_version": true, "require_pushed_authorization_requests": true,
	"dpop_bound_access_tokens": true, "jwks": true,
	// Accepted but not metadata the server stores (RFC 7592 update requests,
	// server-provisioned fields a client may echo back).
	"client_id": true, "client_secret": true, "registration_access_token": true,
	"registration_client_uri": true, "client_id_issued_at": true, "client_secret_expires_at": true,
}

// parseClientMetadata decodes the metadata fields this server understands and
// ignores the rest (RFC 7591 §2: the server MUST ignore metadata it does not
// understand).
func (s *Server) parseClientMetadata(raw map[string]json.RawMessage) (store.ClientMetadata, *oautherr.Error) {
	var md store.ClientMetadata
	if !s.ignoresUnknownMetadata() {
		for k := range raw {
			if !knownMetadata[k] {
				return md, oautherr.InvalidClientMetadata("unknown client metadata %q", k)
			}
		}
	}
	strs := map[string]*string{
		"token_endpoint_auth_method": &md.TokenEndpointAuthMethod, "client_name": &md.ClientName,
		"client_uri": &md.ClientURI, "logo_uri": &md.LogoURI, "scope": &md.Scope,
		"tos_uri": &md.TOSURI, "policy_uri": &md.PolicyURI, "jwks_uri": &md.JWKSURI,
		"software_id": &md.SoftwareID, "software_version": &md.SoftwareVersion,
	}
	if err := decodeMembers(raw, strs, "a string", maxStringLen, "%s is longer than %d characters"); err != nil {
		return md, err
	}
	lists := map[string]*[]string{
		"redirect_uris": &md.RedirectURIs, "grant_types": &md.GrantTypes,
		"response_types": &md.ResponseTypes, "contacts": &md.Contacts,
	}
	if err := decodeMembers(raw, lists, "an array of strings", maxListLen, "%s has more than %d entries"); err != nil {
		return md, err
	}
	for name, dst := range lists {
		for _, e := range *dst {
			if len(e) > maxStringLen {
				return md, oautherr.InvalidClientMetadata("an entry of %s is longer than %d characters", name, maxStringLen)
			}
		}
	}
	if v, ok := raw["jwks"]; ok && string(v) != "null" {
		jwks, oerr := parseClientJWKS(v)
		if oerr != nil {
			return md, oerr
		}
		md.JWKS = jwks
	}
	bools := map[string]*bool{
		"require_pushed_authorization_requests": &md.RequirePushedAuthorizationRequests,
		"dpop_bound_access_tokens":              &md.DPoPBoundAccessTokens,
	}
	for name, dst := range bools {
		if v, ok := raw[name]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, dst); err != nil {
				return md, oautherr.InvalidClientMetadata("%s must be a boolean", name)
			}
		}
	}
	return md, nil
}

// decodeMembers decodes the members of raw that dsts names into their
// destinations (an absent or null member leaves its destination alone) and
// bounds their length to limit: the characters of a string, the entries of
// a list. kind names their JSON type, for errors; tooLong is the error of
// an overlong one, formatted with its name and limit.
func decodeMembers[T string | []string](raw map[string]json.RawMessage, dsts map[string]*T, kind string, limit int, tooLong string) *oautherr.Error {
	for name, dst := range dsts {
		v, ok := raw[name]
		if !ok || string(v) == "null" {
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return oautherr.InvalidClientMetadata("%s must be %s", name, kind)
		}
		if len(*dst) > limit {
			return oautherr.InvalidClientMetadata(tooLong, name, limit)
		}
	}
	return nil
}

// normalizeMetadata validates metadata and applies the RFC 7591 §2 defaults.
// public marks a static client configured without a secret.
func (s *Server) normalizeMetadata(md store.ClientMetadata, public bool) (store.ClientMetadata, *oautherr.Error) {
	if s.appliesMetadataDefaults() {
		if md.TokenEndpointAuthMethod == "" {
			md.TokenEndpointAuthMethod = authBasic
			if public {
				md.TokenEndpointAuthMethod = authNone
			}
		}
		if len(md.GrantTypes) == 0 {
			md.GrantTypes = []string{"authorization_code"}
		}
		// The RFC 7591 default "code" applies to clients that use the
		// authorization code grant; a client registering only, say,
		// client_credentials and omitting response_types gets none.
		if md.ResponseTypes == nil {
			md.ResponseTypes = []string{}
			if slices.Contains(md.GrantTypes, "authorization_code") {
				md.ResponseTypes = []string{"code"}
			}
		}
	}
	if methods := s.tokenAuthMethods(); md.TokenEndpointAuthMethod != "" && !slices.Contains(methods, md.TokenEndpointAuthMethod) && s.checksAuthMethod() {
		return md, oautherr.InvalidClientMetadata("token_endpoint_auth_method %q is not supported; use one of %s",
			md.TokenEndpointAuthMethod, strings.Join(methods, ", "))
	}
	md.GrantTypes = dedupe(md.GrantTypes)
	md.ResponseTypes = dedupe(md.ResponseTypes)
	md.RedirectURIs = dedupe(md.RedirectURIs)
	for _, gt := range md.GrantTypes {
		if !slices.Contains(supportedGrantTypes, gt) {
			return md, oautherr.InvalidClientMetadata("grant type %q is not supported; use %s", gt, strings.Join(supportedGrantTypes, ", "))
		}
	}
	for _, rt := range md.ResponseTypes {
		if rt != "code" {
			return md, oautherr.InvalidClientMetadata("response type %q is not supported; only \"code\" is", rt)
		}
	}
	hasCodeGrant := slices.Contains(md.GrantTypes, "authorization_code")
	if hasCodeGrant != slices.Contains(md.ResponseTypes, "code") && s.checksTypesAgree() {
		return md, oautherr.InvalidClientMetadata("grant_types and response_types are inconsistent: authorization_code goes with response type code (RFC 7591 §2.1)")
	}
	if md.TokenEndpointAuthMethod == authNone && !s.registersPublicClients() {
		return md, oautherr.InvalidClientMetadata("public clients are not registered here")
	}
	if slices.Contains(md.GrantTypes, "client_credentials") && md.TokenEndpointAuthMethod == authNone {
		return md, oautherr.InvalidClientMetadata("client_credentials requires a confidential client (token_endpoint_auth_method other than none)")
	}
	if hasCodeGrant && len(md.RedirectURIs) == 0 && s.requiresRedirectURIs() {
		return md, oautherr.InvalidRedirectURI("redirect_uris is required for the authorization_code grant")
	}
	for _, u := range md.RedirectURIs {
		if msg := s.checkRedirectURI(u); msg != "" {
			return md, oautherr.InvalidRedirectURI("redirect URI %q %s", u, msg)
		}
	}
	if md.Scope != "" {
		toks, ok := parseScope(md.Scope)
		if !ok {
			return md, oautherr.InvalidClientMetadata("scope is not a space-delimited list of scope tokens")
		}
		for _, t := range toks {
			if !s.scopes[t] {
				return md, oautherr.InvalidClientMetadata("scope %q is not supported; supported: %s", t, strings.Join(s.cfg.Scopes, " "))
			}
		}
		md.Scope = strings.Join(toks, " ")
	}
	if md.JWKSURI != "" && len(md.JWKS) > 0 && s.refusesJWKSBesideURI() {
		return md, oautherr.InvalidClientMetadata("jwks_uri and jwks must not both be present (RFC 7591 §2)")
	}
	if md.TokenEndpointAuthMethod == authPrivateKeyJWT && len(md.JWKS) == 0 {
		return md, oautherr.InvalidClientMetadata("private_key_jwt needs the client's keys in jwks (this server does not fetch jwks_uri)")
	}
	for name, v := range map[string]string{"client_uri": md.ClientURI, "logo_uri": md.LogoURI,
		"tos_uri": md.TOSURI, "policy_uri": md.PolicyURI, "jwks_uri": md.JWKSURI} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return md, oautherr.InvalidClientMetadata("%s must be an absolute http(s) URL", name)
		}
	}
	return md, nil
}

// checkMetadataSize refuses metadata larger than MaxClientMetadataBytes
// (as JSON, the form it is stored in).
func (s *Server) checkMetadataSize(md store.ClientMetadata) *oautherr.Error {
	b, err := json.Marshal(md)
	if err != nil {
		return oautherr.ServerError(fmt.Errorf("encode client metadata: %w", err))
	}
	if len(b) > s.limits.MaxClientMetadataBytes {
		return oautherr.InvalidClientMetadata("the client metadata takes %d bytes; at most %d are kept", len(b), s.limits.MaxClientMetadataBytes)
	}
	return nil
}

func dedupe(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// checkRedirectURI returns why raw cannot be registered as a redirect URI,
// or "". It is an allow-list (RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700
// §4.1.1): an absolute URI without fragment and without user info, that is
//
//   - https with a host;
//   - http on a loopback host: 127.0.0.0/8, [::1] (RFC 8252 §7.3) or
//     localhost (RFC 8252 §8.3 calls it NOT RECOMMENDED; it is accepted, but
//     only IP literals get the any-port exception);
//   - a private-use scheme in reverse domain name form, such as
//     com.example.app:/callback (RFC 8252 §7.1), or one of the schemes the
//     operator allows with Config.RedirectSchemes.
//
// Everything else is refused, whatever a browser or an operating system
// would make of it (view-source:, jar:, feed:, ws:, ftp:, ms-msdt:, ...).
func (s *Server) checkRedirectURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "is not a valid URI"
	}
	if !u.IsAbs() {
		if !s.refusesRelativeRedirect() {
			return ""
		}
		return "is not an absolute URI"
	}
	if (u.Fragment != "" || strings.Contains(raw, "#")) && s.refusesRedirectFragment() {
		return "must not include a fragment (RFC 6749 §3.1.2)"
	}
	if u.User != nil || (u.Host == "" && strings.Contains(u.Opaque, "@")) {
		return "must not include user information"
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "https":
		if u.Host == "" || u.Opaque != "" {
			return "has no host"
		}
	case scheme == "http":
		if u.Host == "" || u.Opaque != "" {
			return "has no host"
		}
		if !isLoopbackHost(u.Hostname()) && s.refusesHTTPRedirect() {
			return "uses http on a non-loopback host; use https, or http://127.0.0.1 for native clients (RFC 8252 §7.3)"
		}
	case isReverseDomainScheme(scheme) || s.redirectSchemes[scheme] || s.acceptsSchemeWithoutPeriod(scheme):
	default:
		return "uses a scheme that is not allowed: use https, http on a loopback address, or a private-use scheme in reverse domain name form such as com.example.app:/callback (RFC 8252 §7.1)"
	}
	return ""
}

// isReverseDomainScheme reports whether scheme has the reverse domain name
// form RFC 8252 §7.1 requires of private-use URI schemes: at least two
// dot-separated labels of letters, digits and hyphens.
func isReverseDomainScheme(scheme string) bool {
	labels := strings.Split(scheme, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}

// browserSchemes are schemes Config.RedirectSchemes may not allow: the web's
// own and those browsers or operating systems give a meaning to.
var browserSchemes = map[string]bool{
	"http": true, "https": true, "javascript": true, "data": true, "file": true, "vbscript": true,
	"about": true, "blob": true, "view-source": true, "jar": true, "feed": true, "ftp": true,
	"ws": true, "wss": true, "chrome": true, "chrome-extension": true, "edge": true, "intent": true,
	"filesystem": true, "mailto": true, "tel": true, "sms": true, "ms-msdt": true, "search-ms": true,
}

// isLoopbackHost reports whether host names the loopback interface.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// --- RFC 7592 client configuration endpoint ---------------------------------

func (s *Server) handleClientConfig(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodPut, http.MethodDelete:
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE")
		e := oautherr.InvalidRequest("method not allowed")
		e.Status = http.StatusMethodNotAllowed
		s.writeOAuthError(w, e)
		return
	}
	c, oerr := s.authorizeRegistration(r)
	if oerr != nil {
		s.writeBearerError(w, oerr)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.readClient(w, r, c)
	case http.MethodPut:
		s.updateClient(w, r, c)
	case http.MethodDelete:
		if s.deletesClient() {
			if err := s.deleteClient(r.Context(), c); err != nil {
				s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("delete client: %w", err)))
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	}
}

// authorizeRegistration checks the registration access token (RFC 7592 §3):
// it must be the one issued for the client named in the path.
func (s *Server) authorizeRegistration(r *http.Request) (*store.Client, *oautherr.Error) {
	tok, ok := bearerToken(r)
	if !ok {
		e := oautherr.InvalidToken("a registration access token is required")
		return nil, e
	}
	c, err := s.getClient(r.Context(), r.PathValue("client_id"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.unknownClientError()
	}
	if err != nil {
		return nil, oautherr.ServerError(fmt.Errorf("get client: %w", err))
	}
	if s.registrationTokenBypass(r.Context(), tok) || s.methodTokenBypass(r.Method) {
		return c, nil
	}
	if len(c.RegistrationTokenHash) == 0 || !store.EqualHash(c.RegistrationTokenHash, tok) {
		return nil, oautherr.InvalidToken("the registration access token is invalid")
	}
	return c, nil
}

func (s *Server) updateClient(w http.ResponseWriter, r *http.Request, c *store.Client) {
	raw, oerr := s.readJSONObject(w, r)
	if oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	var bodyID string
	if v, ok := raw["client_id"]; !ok || json.Unmarshal(v, &bodyID) != nil {
		s.writeOAuthError(w, oautherr.InvalidRequest("the update request must include client_id (RFC 7592 §2.2)"))
		return
	}
	if bodyID != c.ID && s.keepsClientID() {
		s.writeOAuthError(w, oautherr.InvalidClientMetadata("client_id cannot be changed"))
		return
	}
	var chosen string // set only when the client may choose its secret
	if v, ok := raw["client_secret"]; ok {
		var sec string
		if json.Unmarshal(v, &sec) != nil || c.Public() || !store.EqualHash(c.SecretHash, sec) {
			if s.refusesChosenSecret() {
				s.writeOAuthError(w, oautherr.InvalidClientMetadata("client_secret must match the secret issued; it cannot be chosen by the client"))
				return
			}
			chosen = sec
		}
	}
	md, oerr := s.parseClientMetadata(raw)
	md.GrantTypes = s.registrableGrantTypes(md.GrantTypes)
	if oerr == nil && s.validatesUpdate() {
		md, oerr = s.normalizeMetadata(md, false)
	}
	if oerr == nil {
		oerr = s.checkMetadataSize(md)
	}
	if oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	updated := *c
	updated.Metadata = md
	var secret string
	switch {
	case md.TokenEndpointAuthMethod == authNone || md.TokenEndpointAuthMethod == authPrivateKeyJWT:
		updated.SecretHash = nil
		updated.SecretExpiresAt = c.SecretExpiresAt
	case len(c.SecretHash) == 0:
		secret = s.newClientSecret()
		updated.SecretHash = store.Hash(secret)
		updated.SecretExpiresAt = s.secretExpiry(s.now())
	}
	if chosen != "" {
		secret = chosen
		updated.SecretHash = store.Hash(chosen)
	}
	ctx := r.Context()
	if bodyID != c.ID {
		updated.ID = bodyID
		if err := s.store.CreateClient(ctx, &updated); err != nil {
			s.writeOAuthError(w, oautherr.InvalidClientMetadata("client_id %q cannot be used", bodyID))
			return
		}
		_ = s.store.DeleteClient(ctx, c.ID)
	} else if !s.storesUpdate() {
		// Answer as if the update had been stored.
	} else if err := s.store.UpdateClient(ctx, &updated); err != nil {
		s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("update client: %w", err)))
		return
	}
	info := s.clientInfo(&updated, secret)
	echoRegistrationToken(r, info)
	if oerr := s.rotateRegistrationToken(ctx, &updated, info); oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	s.writeClientInfo(w, http.StatusOK, info)
}

// readClient answers an RFC 7592 §2.1 client read request.
func (s *Server) readClient(w http.ResponseWriter, r *http.Request, c *store.Client) {
	info := s.clientInfo(c, "")
	echoRegistrationToken(r, info)
	if oerr := s.rotateRegistrationToken(r.Context(), c, info); oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	s.writeClientInfo(w, http.StatusOK, info)
}

// echoRegistrationToken puts the registration access token the client
// presented into a read or update response: RFC 7592 §3 makes
// registration_access_token REQUIRED in every client information response.
func echoRegistrationToken(r *http.Request, resp *RegistrationResponse) {
	if tok, ok := bearerToken(r); ok {
		resp.RegistrationAccessToken = tok
	}
}

// bearerToken extracts an RFC 6750 §2.1 bearer token.
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// writeBearerError answers an RFC 6750 §3 error with its challenge.
func (s *Server) writeBearerError(w http.ResponseWriter, e *oautherr.Error) {
	if e.Code == oautherr.CodeServerError {
		s.writeOAuthError(w, e)
		return
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="authspec", error=%q, error_description=%q`, e.Code, oautherr.Sanitize(e.Description)))
	oautherr.WriteJSON(w, e)
}
