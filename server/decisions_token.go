package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// The decisions of the token endpoint (RFC 6749 §2.3, §3.2, §4.1.3, §4.4,
// §5, §6; RFC 7636 §4.6; RFC 9700 §4.14) that deliberate behaviours change.

// The request (RFC 6749 §3.2).

// acceptsTokenGET reports whether a GET request with the parameters in the
// query is served (fault only: RFC 6749 §3.2 requires POST).
func (s *Server) acceptsTokenGET() bool { return s.fault(FaultTokenGETAccepted) }

// acceptsJSONBody reports whether a JSON body is read as the form besides
// form encoding (variant: the form encoding of RFC 6749 §4.1.3 binds the
// client).
func (s *Server) acceptsJSONBody() bool { return s.variant(VariantTokenJSONBody) }

// refusesRepeatedParams: parameters MUST NOT be included more than once
// (RFC 6749 §3.1, §3.2).
func (s *Server) refusesRepeatedParams() bool { return !s.fault(FaultDuplicateParamsOK) }

// omitsEmptyParams: parameters sent without a value MUST be treated as
// omitted (RFC 6749 §3.2).
func (s *Server) omitsEmptyParams() bool { return !s.fault(FaultTokenEmptyParamNotOmitted) }

// emptyScopeError refuses an empty scope when empty parameters are kept
// (fault only).
func (s *Server) emptyScopeError(form url.Values) *oautherr.Error {
	if s.fault(FaultTokenEmptyParamNotOmitted) && form.Has("scope") && form.Get("scope") == "" {
		return oautherr.InvalidScope("scope must not be empty")
	}
	return nil
}

// unknownParamError refuses parameters the server does not know (fault
// only: RFC 6749 §3.2 says they MUST be ignored).
func (s *Server) unknownParamError(form url.Values) *oautherr.Error {
	if !s.fault(FaultTokenUnknownParamFatal) {
		return nil
	}
	for k := range form {
		if !slices.Contains(tokenParams, k) {
			return oautherr.InvalidRequest("unknown parameter %q", k)
		}
	}
	return nil
}

// missingGrantTypeError: a request without grant_type lacks a required
// parameter (RFC 6749 §5.2 invalid_request).
func (s *Server) missingGrantTypeError() *oautherr.Error {
	if s.fault(FaultTokenMissingGrantTypeErr) {
		return oautherr.UnsupportedGrantType("grant_type %q is not supported", "")
	}
	return oautherr.InvalidRequest("grant_type is required")
}

// unknownGrantError: RFC 6749 §5.2 unsupported_grant_type.
func (s *Server) unknownGrantError(gt string) *oautherr.Error {
	if s.fault(FaultUnknownGrantWrongErr) {
		return oautherr.InvalidRequest("grant_type %q is not supported", gt)
	}
	return oautherr.UnsupportedGrantType("grant_type %q is not supported", gt)
}

// Client authentication (RFC 6749 §2.3).

// addQueryCredentials takes client_id and client_secret from the URI query
// (fault only: RFC 6749 §2.3.1 forbids credentials in the URI).
func (s *Server) addQueryCredentials(form url.Values, r *http.Request) {
	if !s.fault(FaultTokenQueryCredentials) {
		return
	}
	q := r.URL.Query()
	for _, k := range []string{"client_id", "client_secret"} {
		if !form.Has(k) && q.Get(k) != "" {
			form.Set(k, q.Get(k))
		}
	}
}

// readsBasicAuth: the server MUST support HTTP Basic (RFC 6749 §2.3.1).
func (s *Server) readsBasicAuth() bool { return !s.fault(FaultBasicAuthIgnored) }

// decodesBasicCredentials: the client_id and secret in HTTP Basic are
// form-url-encoded (RFC 6749 §2.3.1).
func (s *Server) decodesBasicCredentials() bool { return !s.fault(FaultBasicNoURLDecode) }

// basicPassword decodes the HTTP Basic password as form-url-encoded
// (RFC 6749 §2.3.1, Appendix B: a raw '+' is a space), or with
// percent-decoding only (fault only).
func (s *Server) basicPassword(p string) (string, error) {
	if s.fault(FaultBasicPlusKept) {
		return url.PathUnescape(p)
	}
	return url.QueryUnescape(p)
}

// readsSecretInBody: client_secret_post, which the metadata advertises
// unless the server supports only HTTP Basic (RFC 6749 §2.3.1 makes the
// request body a MAY).
func (s *Server) readsSecretInBody() bool {
	return !s.fault(FaultTokenSecretPostIgnored) && !s.variant(VariantBasicOnly)
}

// grantTypesSupported are the grant types of the token endpoint, as the
// metadata advertises them.
func (s *Server) grantTypesSupported() []string {
	if !s.offersRefreshGrant() {
		return []string{"authorization_code", "client_credentials"}
	}
	return []string{"authorization_code", "refresh_token", "client_credentials"}
}

// tokenAuthMethods are the client authentication methods of the token and
// revocation endpoints, as the metadata advertises them.
func (s *Server) tokenAuthMethods() []string {
	if s.variant(VariantBasicOnly) {
		return []string{authBasic, authNone}
	}
	return authMethods
}

// introspectionAuthMethods are the client authentication methods the
// introspection endpoint accepts (confidential clients only).
func (s *Server) introspectionAuthMethods() []string {
	if s.variant(VariantBasicOnly) || s.variant(VariantIntrospectionBasicOnly) {
		return []string{authBasic}
	}
	return []string{authBasic, authPost}
}

// invalidClientStatus is the status of an invalid_client answer: 401,
// or 400 for a client that did not use the Authorization header (variant:
// RFC 6749 §5.2 requires 401 only after an Authorization header).
func (s *Server) invalidClientStatus(r *http.Request) int {
	if s.variant(VariantInvalidClient400Post) && r.Header.Get("Authorization") == "" {
		return http.StatusBadRequest
	}
	return http.StatusUnauthorized
}

// checksSecretInBody: a client_secret sent in the body is compared like
// one sent in HTTP Basic (RFC 6749 §2.3.1).
func (s *Server) checksSecretInBody() bool { return !s.fault(FaultTokenSecretPostUnchecked) }

// refusesSecretOfPublicClient: a public client has no secret, so a
// client_secret it sends fails authentication (OAuth 2.1 §3.2.2: the server
// MUST "authenticate the client if client authentication is included").
func (s *Server) refusesSecretOfPublicClient() bool { return !s.fault(FaultPublicClientSecretIgnored) }

// unknownTokenClientError is the answer to an unknown client_id: invalid_client
// (RFC 6749 §5.2: "Client authentication failed (e.g., unknown client, ...)").
func (s *Server) unknownTokenClientError() *oautherr.Error {
	if s.fault(FaultTokenUnknownClientWrongError) {
		return oautherr.UnauthorizedClient("unknown client")
	}
	return oautherr.InvalidClient("client authentication failed")
}

// refusesTwoAuthMethods: a client MUST NOT use more than one
// authentication method in a request (RFC 6749 §2.3).
func (s *Server) refusesTwoAuthMethods() bool { return !s.fault(FaultConflictingAuthOK) }

// secretMatchesOtherCase reports whether secret matches the client's with
// the case of its letters inverted (fault only: secrets are compared
// exactly).
func (s *Server) secretMatchesOtherCase(c *store.Client, secret string) bool {
	return s.fault(FaultTokenSecretCaseInsensitive) && store.EqualHash(c.SecretHash, swapCase(secret))
}

// confidentialWithoutSecret reports whether a confidential client may use
// grant type gt with its client_id alone (faults only: RFC 6749 §3.2.1,
// §4.1.3, §4.4.2, §6).
func (s *Server) confidentialWithoutSecret(gt string) bool {
	switch gt {
	case "authorization_code":
		return s.fault(FaultTokenCodeNoClientAuth)
	case "refresh_token":
		return s.fault(FaultTokenRefreshNoClientAuth)
	case "client_credentials":
		return s.fault(FaultTokenCCNoClientAuth)
	}
	return false
}

// clientFromCode reports whether a code exchange without any client
// identification is taken as the public client the code was issued to
// (fault only: RFC 6749 §3.2.1 requires client_id from public clients).
func (s *Server) clientFromCode(r *http.Request, form url.Values) bool {
	return s.fault(FaultTokenPublicNoClientID) && form.Get("grant_type") == "authorization_code" &&
		form.Get("client_id") == "" && r.Header.Get("Authorization") == ""
}

// publicClientOfCode is the client a code was issued to, when it is public
// (see clientFromCode).
func (s *Server) publicClientOfCode(r *http.Request, code *store.Code) (*clientAuth, *oautherr.Error) {
	c, oerr := s.lookupClient(r, code.ClientID)
	if oerr != nil {
		return nil, oerr
	}
	if !c.Public() {
		return nil, oautherr.InvalidClient("client authentication is required")
	}
	return &clientAuth{client: c, method: authNone}, nil
}

// The authorization code grant (RFC 6749 §4.1.3).

// missingCodeError: a code exchange without code lacks a required
// parameter (invalid_request).
func (s *Server) missingCodeError() *oautherr.Error {
	if s.fault(FaultTokenMissingCodeWrongErr) {
		return oautherr.InvalidGrant("the authorization code is invalid")
	}
	return oautherr.InvalidRequest("code is required")
}

// unknownCodeError: an invalid code is invalid_grant (RFC 6749 §5.2).
func (s *Server) unknownCodeError() *oautherr.Error {
	if s.fault(FaultTokenUnknownCodeWrongErr) {
		return oautherr.InvalidRequest("the code parameter is malformed")
	}
	return oautherr.InvalidGrant("the authorization code is invalid")
}

// bindsCodeToClient: a code is redeemed only by the client it was issued
// to (RFC 6749 §4.1.3), c, the client redeeming it, public or not.
func (s *Server) bindsCodeToClient(c *store.Client) bool {
	if c.Public() && s.fault(FaultPublicClientNotBound) {
		return false
	}
	return !s.fault(FaultCodeNotBoundToClient)
}

// checksCodeRedirectURI: redirect_uri is compared with the authorization
// request's (RFC 6749 §4.1.3).
func (s *Server) checksCodeRedirectURI() bool { return !s.fault(FaultRedirectURINotChecked) }

// acceptsOmittedRedirectURI reports whether redirect_uri may be left out
// although the authorization request included it: the server treats its
// clients as OAuth 2.1 clients (OAuth 2.1 §10.2), or breaks RFC 6749
// §4.1.3 for its OAuth 2.0 clients.
func (s *Server) acceptsOmittedRedirectURI() bool {
	return s.variant(VariantOAuth21Clients) || s.fault(FaultTokenRedirectURIOptional)
}

// codesSingleUse: a code is redeemed once (RFC 6749 §4.1.2).
func (s *Server) codesSingleUse() bool { return !s.fault(FaultCodeReuse) }

// revokesOnCodeReplay: the tokens of a replayed code are revoked (RFC 6749
// §4.1.2, SHOULD).
func (s *Server) revokesOnCodeReplay() bool { return !s.fault(FaultReplayNoRevoke) }

// judgesReplayAfterVerifying: a replayed code revokes tokens only when the
// replay is an otherwise valid request (OAuth 2.1 §7.5.3, "SHOULD NOT revoke
// any issued tokens when receiving a replayed authorization code that
// contains invalid parameters").
func (s *Server) judgesReplayAfterVerifying() bool { return !s.fault(FaultReplayRevokesUnverified) }

// PKCE verification (RFC 7636 §4.6, RFC 9700 §2.1.1).

// refusesPKCEDowngrade: a verifier for a code issued without a challenge
// is refused (RFC 9700 §2.1.1).
func (s *Server) refusesPKCEDowngrade() bool { return !s.fault(FaultPKCEDowngrade) }

// missingVerifierError is the error for a code issued with a challenge and
// redeemed without code_verifier (RFC 7636 §4.6): invalid_grant, or
// invalid_request, RFC 6749 §5.2's code for a missing parameter (variant).
func (s *Server) missingVerifierError() *oautherr.Error {
	if s.fault(FaultPKCEVerifierOptional) {
		return nil
	}
	if s.variant(VariantPKCEMissingVerifierInvalidRequest) {
		return oautherr.InvalidRequest("code_verifier is required: the authorization request had a code_challenge")
	}
	return oautherr.InvalidGrant("code_verifier is required: the authorization request had a code_challenge")
}

// comparesVerifier: the verifier of client c is checked against the
// challenge, for public clients as for confidential ones (RFC 7636 §4.6,
// RFC 8252 §6).
func (s *Server) comparesVerifier(c *store.Client) bool {
	if c != nil && c.Public() && s.fault(FaultPKCEPublicUnchecked) {
		return false
	}
	return s.comparesAnyVerifier()
}

// comparesAnyVerifier: the verifier is checked against the challenge (RFC
// 7636 §4.6).
func (s *Server) comparesAnyVerifier() bool { return !s.fault(FaultPKCEVerifierIgnore) }

// checkVerifier validates code_verifier syntax (RFC 7636 §4.1:
// 43*128unreserved) and returns the verifier to hash.
func (s *Server) checkVerifier(v string) (string, bool) {
	if s.fault(FaultPKCEVerifierPadding) {
		v = strings.TrimRight(v, "=")
	}
	if s.variant(VariantPKCESyntaxUnchecked) {
		return v, true
	}
	if len(v) < 43 || len(v) > 128 {
		return v, false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if s.fault(FaultPKCEVerifierNarrow) && (c == '.' || c == '~') {
			return v, false
		}
		if !isUnreserved(c) {
			return v, false
		}
	}
	return v, true
}

// codeChallenge returns the challenge and method a code is verified
// against: the ones associated with the code (RFC 7636 §4.4).
func (s *Server) codeChallenge(code *store.Code) (string, string) {
	if s.fault(FaultPKCEChallengePerClient) {
		if v, ok := latestChallenges.Load(challengeKey{s, code.ClientID}); ok {
			c := v.([2]string)
			return c[0], c[1]
		}
	}
	return code.CodeChallenge, code.CodeChallengeMethod
}

// challengeMatches compares the challenge computed from the verifier with
// the stored one, exactly (RFC 7636 §4.6).
func (s *Server) challengeMatches(got, stored string) bool {
	if s.fault(FaultPKCECaseInsensitive) {
		return strings.EqualFold(got, stored)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(stored)) == 1
}

// methodIgnored reports whether a verifier is accepted as matching under
// the other method (fault only: the method is part of what RFC 7636 §4.4
// binds to the code).
func (s *Server) methodIgnored(verifier, challenge string) bool {
	return s.fault(FaultPKCEMethodNotBound) && (verifier == challenge || s256(verifier) == challenge)
}

// The refresh token grant (RFC 6749 §6, RFC 9700 §4.14).

// missingRefreshTokenError: a refresh request without refresh_token lacks
// a required parameter (invalid_request).
func (s *Server) missingRefreshTokenError() *oautherr.Error {
	if s.fault(FaultTokenRefreshMissingErr) {
		return oautherr.InvalidGrant("the refresh token is invalid")
	}
	return oautherr.InvalidRequest("refresh_token is required")
}

// unknownRefreshTokenError: an invalid refresh token is invalid_grant (RFC
// 6749 §5.2).
func (s *Server) unknownRefreshTokenError() *oautherr.Error {
	if s.fault(FaultTokenRefreshUnknownErr) {
		return oautherr.InvalidRequest("the refresh_token parameter is malformed")
	}
	return oautherr.InvalidGrant("the refresh token is invalid")
}

// bindsRefreshToClient: a refresh token is used only by its client (RFC
// 6749 §10.4), c, the client using it, public or not.
func (s *Server) bindsRefreshToClient(c *store.Client) bool {
	if c.Public() && s.fault(FaultPublicClientNotBound) {
		return false
	}
	return !s.fault(FaultRefreshNotBound)
}

// rotatesRefreshOf: refresh tokens of public clients are rotated (RFC
// 9700 §4.14.2), and those of confidential clients when the server rotates
// every refresh token (variant: RFC 6749 §6 MAY).
func (s *Server) rotatesRefreshOf(c *store.Client) bool {
	if c.Public() {
		return !s.fault(FaultRefreshNoRotation)
	}
	return s.variant(VariantRefreshRotateAll)
}

// issuesRefreshTokens reports whether a code exchange of c comes with a
// refresh token: when c registered the refresh_token grant, always, or
// never (variants: RFC 6749 §5.1 refresh_token OPTIONAL).
func (s *Server) issuesRefreshTokens(c *store.Client) bool {
	switch {
	case s.variant(VariantRefreshTokensNever):
		return false
	case s.variant(VariantRefreshTokensAlways):
		return true
	}
	return slices.Contains(c.Metadata.GrantTypes, "refresh_token")
}

// mayRefresh reports whether c may use the refresh_token grant: when it
// registered it, or whoever holds a refresh token when every client gets
// one.
func (s *Server) mayRefresh(c *store.Client) bool {
	return s.variant(VariantRefreshTokensAlways) || slices.Contains(c.Metadata.GrantTypes, "refresh_token")
}

// offersRefreshGrant: the token endpoint serves the refresh_token grant,
// unless the server issues no refresh tokens (variant).
func (s *Server) offersRefreshGrant() bool { return !s.variant(VariantRefreshTokensNever) }

// revokesOnRefreshReplay: replaying a rotated refresh token revokes its
// family (RFC 9700 §4.14.2).
func (s *Server) revokesOnRefreshReplay() bool { return !s.fault(FaultRefreshReplayNoRevoke) }

// refreshScope is the scope of a refresh request that names none: the
// original grant's (RFC 6749 §6).
func (s *Server) refreshScope(t *store.Token, form url.Values) string {
	if form.Get("scope") == "" && s.fault(FaultTokenRefreshDefaultScope) {
		return s.cfg.DefaultScope
	}
	return t.Scope
}

// newAccessToken is the value of a new access token: 256 random bits
// (RFC 6749 §10.10 asks for 128 at least).
func (s *Server) newAccessToken() string {
	if s.fault(FaultAccessTokensShort) {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}
	if s.fault(FaultAccessTokenSignatureUnchecked) {
		return jwsShapedToken()
	}
	return randomToken()
}

// jwsShapedToken is an access token in the form of a JWS (RFC 7515 §7.1):
// a header, a payload naming a random jti, and a random "signature".
func jwsShapedToken() string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"at+jwt"}`)) + "." + enc([]byte(`{"jti":"`+randomToken()+`"}`)) + "." + randomToken()
}

// newRefreshTokenScope is the scope of the refresh token a refresh of t
// issues: t's own, whatever scope the request narrowed the access token to
// (RFC 6749 §6).
func (s *Server) newRefreshTokenScope(t *store.Token, accessScope string) string {
	if s.fault(FaultRefreshNewTokenNarrowed) {
		return accessScope
	}
	return t.Scope
}

// refusesWiderScope: a refresh may not add scope (RFC 6749 §6).
func (s *Server) refusesWiderScope() bool { return !s.fault(FaultRefreshScopeWiden) }

// narrowsRefreshScope: a narrower scope requested at refresh is granted
// (RFC 6749 §6), or ignored with the scope member saying so (variant: RFC
// 6749 §3.3 MAY).
func (s *Server) narrowsRefreshScope() bool { return !s.variant(VariantRefreshNarrowingIgnored) }

// dropsUnknownScope reports whether scope values the server does not know
// are dropped from a request instead of refused (variant: RFC 6749 §3.3).
func (s *Server) dropsUnknownScope() bool { return s.variant(VariantUnknownScopeDropped) }

// codeTTL is the lifetime of authorization codes.
// codesExpire: a code is refused once its lifetime has passed (RFC 6749
// §4.1.2).
func (s *Server) codesExpire() bool { return !s.fault(FaultCodeNeverExpires) }

func (s *Server) codeTTL() time.Duration {
	if s.variant(VariantCodeLifetime10Minutes) {
		return 10 * time.Minute
	}
	return s.cfg.CodeTTL
}

// The client credentials grant (RFC 6749 §4.4).

// publicClientCredentials reports whether public clients may use the grant
// (fault only: RFC 6749 §4.4 is for confidential clients).
func (s *Server) publicClientCredentials() bool { return s.fault(FaultTokenCCPublic) }

// restrictsGrantTypes: a client uses only the grant types it registered
// (RFC 6749 §5.2 unauthorized_client).
func (s *Server) restrictsGrantTypes() bool { return !s.fault(FaultTokenGrantUnrestricted) }

// tokenScopeError is the error for a scope the token endpoint refuses:
// invalid_scope (RFC 6749 §5.2).
func (s *Server) tokenScopeError(oerr *oautherr.Error) *oautherr.Error {
	if oerr.Code == oautherr.CodeInvalidScope && s.fault(FaultTokenInvalidScopeErr) {
		return oautherr.InvalidRequest("%s", oerr.Description)
	}
	return oerr
}

// clientCredentialsSubject is the subject of a client_credentials token:
// none, or the client_id, in the namespace of the users' subjects, when
// clients choose their client_id (fault only: RFC 9700 §4.15).
func (s *Server) clientCredentialsSubject(c *store.Client) string {
	if s.fault(FaultBCPClientChosenID) {
		return c.ID
	}
	return ""
}

// clientCredentialsRefresh reports whether the grant comes with a refresh
// token (fault only: RFC 6749 §4.4.3 says it SHOULD NOT).
func (s *Server) clientCredentialsRefresh() bool { return s.fault(FaultTokenCCRefreshToken) }

// Issuing tokens.

// accessTokenTTL is the lifetime of access tokens; RFC 6750 §5.3 asks for
// one hour or less.
func (s *Server) accessTokenTTL() time.Duration {
	if s.fault(FaultBearerLongLived) {
		return 24 * time.Hour
	}
	return s.cfg.AccessTokenTTL
}

// recordsAudience: an access token is bound to the resources it was
// requested for (RFC 8707 §2; the MCP authorization specification).
func (s *Server) recordsAudience() bool { return !s.fault(FaultMCPTokenWithoutAudience) }

// refreshTokenValue is the refresh token handed to the client for the
// stored value rt: rt itself. With the fault, rt is followed by a tail
// that looks like a signature and that tokenLookupKey drops unchecked
// (RFC 9700 §4.14.2: "Authorization servers MUST ensure the integrity of
// the refresh token value").
func (s *Server) refreshTokenValue(rt string) string {
	if s.fault(FaultRefreshIntegrityUnchecked) {
		return rt + "." + randomToken()
	}
	return rt
}

// tokenLookupKey is the part of a presented token that finds it in the
// store: all of it; with the faults, the part before its last ".".
func (s *Server) tokenLookupKey(raw string) string {
	if i := strings.LastIndexByte(raw, '.'); i > 0 && (s.fault(FaultRefreshIntegrityUnchecked) || s.fault(FaultAccessTokenSignatureUnchecked)) {
		return raw[:i]
	}
	return raw
}

// Client assertions (private_key_jwt, RFC 7523 §3, RFC 9126 §2, OAuth 2.1
// §2.4).

// acceptedAudience reports whether aud, the aud claim of a client
// assertion (a string or an array of strings), names this server: its
// issuer identifier, its token endpoint URL or its PAR endpoint URL
// (RFC 9126 §2: "the authorization server MUST accept its issuer
// identifier, token endpoint URL, or pushed authorization request endpoint
// URL as values that identify it as an intended audience"). With the
// variant client-assertion-aud-issuer-only, only the issuer as a JSON
// string (draft-ietf-oauth-rfc7523bis); with the fault
// client-assertion-aud-token-endpoint-only, only the token endpoint URL.
func (s *Server) acceptedAudience(aud json.RawMessage) bool {
	vals, single := audValues(aud)
	if s.variant(VariantAssertionAudIssuerOnly) {
		return single && vals[0] == s.cfg.Issuer
	}
	return slices.ContainsFunc(vals, s.namesThisServer)
}

// audValues reads an aud claim, a string or an array of strings: its
// values, and whether it was a single string.
func audValues(aud json.RawMessage) (vals []string, single bool) {
	var one string
	if json.Unmarshal(aud, &one) == nil {
		return []string{one}, true
	}
	_ = json.Unmarshal(aud, &vals)
	return vals, false
}

func (s *Server) namesThisServer(aud string) bool {
	if s.fault(FaultAssertionAudTokenEndpointOnly) {
		return aud == s.endpoint("/token")
	}
	return aud == s.cfg.Issuer || aud == s.endpoint("/token") || aud == s.endpoint("/par")
}

// acceptsUnverifiedAssertion reports whether a client assertion whose
// signature no registered key verifies is taken (fault only).
func (s *Server) acceptsUnverifiedAssertion() bool {
	return s.fault(FaultAssertionSignatureUnchecked)
}

// assertionAlgsAdvertised is token_endpoint_auth_signing_alg_values_supported
// (and its revocation twin): the client assertion algorithms, when the
// methods advertised include private_key_jwt (RFC 8414 §2: "This metadata
// entry MUST be present if either of these authentication methods are
// specified").
func (s *Server) assertionAlgsAdvertised() []string {
	if !slices.Contains(s.tokenAuthMethods(), authPrivateKeyJWT) {
		return nil
	}
	return assertionAlgNames()
}
