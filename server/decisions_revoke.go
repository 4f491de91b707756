package server

import (
	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// The decisions of revocation (RFC 7009) and introspection (RFC 7662) that
// deliberate behaviours change.

// revocationAuthenticates: the client authenticates as at the token
// endpoint (RFC 7009 §2.1).
func (s *Server) revocationAuthenticates() bool { return !s.fault(FaultRevokeNoClientAuth) }

// missingRevocationToken is the error for a request without token (RFC 7009
// §2.1: token is REQUIRED).
func (s *Server) missingRevocationToken() *oautherr.Error {
	if s.fault(FaultRevokeNoTokenOK) {
		return nil
	}
	return oautherr.InvalidRequest("token is required")
}

// unknownRevokedToken is the answer to the revocation of an unknown
// token: none, since RFC 7009 §2.2 answers 200 (an invalid token is no
// error the client could handle).
func (s *Server) unknownRevokedToken() *oautherr.Error {
	if s.fault(FaultRevokeUnknown400) {
		return oautherr.InvalidRequest("unknown token")
	}
	return nil
}

// revocationHintBinds reports whether a token_type_hint that does not name
// t's type hides it: never, a hint is only a hint (RFC 7009 §2.1).
func (s *Server) revocationHintBinds(hint string, t *store.Token) bool {
	return s.fault(FaultRevokeHintStrict) && hint != "" && string(t.Kind) != hint
}

// unknownHintError is the error for a token_type_hint value the server
// does not know: none, such a value is ignored and does not influence the
// revocation response (RFC 7009 §2.2).
func (s *Server) unknownHintError(hint string) *oautherr.Error {
	if s.fault(FaultRevokeUnknownHintRefused) && hint != "" && hint != string(store.AccessToken) && hint != string(store.RefreshToken) {
		return oautherr.UnsupportedTokenType("unknown token_type_hint %q", hint)
	}
	return nil
}

// revokes: a revoked token stops working (RFC 7009 §2.1).
func (s *Server) revokes() bool { return !s.fault(FaultRevokeNoop) }

// revokesOnlyOwnTokens: a client revokes only the tokens issued to it (RFC
// 7009 §2.1).
func (s *Server) revokesOnlyOwnTokens() bool { return !s.fault(FaultRevokeForeign) }

// refreshRevocationEndsGrant: revoking a refresh token revokes the access
// tokens of its grant too (RFC 7009 §2.1, SHOULD, for a server that
// revokes access tokens: not one whose access tokens are self-contained).
func (s *Server) refreshRevocationEndsGrant() bool {
	return !s.fault(FaultRevokeKeepsAccess) && !s.variant(VariantSelfContainedAccessTokens)
}

// accessTokenRevocationError refuses the revocation of an access token
// when the server revokes only refresh tokens (variant: RFC 7009 §2.2.1
// unsupported_token_type).
func (s *Server) accessTokenRevocationError(t *store.Token) *oautherr.Error {
	if t.Kind == store.AccessToken && s.variant(VariantRevocationRefreshOnly) {
		return oautherr.UnsupportedTokenType("access tokens cannot be revoked here; revoke the refresh token")
	}
	return nil
}

// revokesToken reports whether revoking t changes anything: not for a
// self-contained access token, which stays valid until it expires
// (variant: RFC 7009 §2.1 leaves it to the server's revocation policy).
func (s *Server) revokesToken(t *store.Token) bool {
	return t.Kind != store.AccessToken || !s.variant(VariantSelfContainedAccessTokens)
}

// introspectionAuthBypass reports whether a caller that failed client
// authentication (oerr) is answered anyway (fault only: RFC 7662 §2.1
// requires authorization, §2.3 answers 401).
func (s *Server) introspectionAuthBypass(oerr *oautherr.Error) bool {
	return oerr.Code == oautherr.CodeInvalidClient && s.fault(FaultIntrospectNoAuth)
}

// introspectionHintBinds reports whether a token_type_hint that does not
// name t's type makes it inactive: never (RFC 7662 §2.1).
func (s *Server) introspectionHintBinds(hint string, t *store.Token) bool {
	return s.fault(FaultIntrospectHintStrict) &&
		((hint == "access_token" && t.Kind != store.AccessToken) || (hint == "refresh_token" && t.Kind == store.AccessToken))
}

// introspectsAllInactive reports whether every token is answered inactive
// (fault only: RFC 7662 §2.2 says active for a token that is valid).
func (s *Server) introspectsAllInactive() bool { return s.fault(FaultIntrospectAlwaysInactive) }

// revokedTokensActive: a revoked token is inactive (RFC 7662 §2.2).
func (s *Server) revokedTokensActive() bool { return s.fault(FaultIntrospectRevokedActive) }

// expiredTokensActive: an expired token is inactive (RFC 7662 §4: "If the
// token can expire, the authorization server MUST determine whether or not
// the token has expired").
func (s *Server) expiredTokensActive() bool { return s.fault(FaultIntrospectExpiredActive) }

// revocationRefusesPublic reports whether the revocation endpoint refuses
// public clients (fault only: the metadata lists "none" among
// revocation_endpoint_auth_methods_supported, RFC 8414 §2).
func (s *Server) revocationRefusesPublic(ca *clientAuth) bool {
	return s.fault(FaultRevokePublicRefused) && ca.client != nil && ca.client.Public()
}

// introspectsOnlyOwnTokens: a client learns only of the tokens issued to it
// (RFC 7662 §4: callers are specifically authorized); with the fault, any
// authenticated client learns of every token.
func (s *Server) introspectsOnlyOwnTokens() bool { return !s.fault(FaultIntrospectAnyClient) }
