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

// revokes: a revoked token stops working (RFC 7009 §2.1).
func (s *Server) revokes() bool { return !s.fault(FaultRevokeNoop) }

// revokesOnlyOwnTokens: a client revokes only the tokens issued to it (RFC
// 7009 §2.1).
func (s *Server) revokesOnlyOwnTokens() bool { return !s.fault(FaultRevokeForeign) }

// refreshRevocationEndsGrant: revoking a refresh token revokes the access
// tokens of its grant too (RFC 7009 §2.1, SHOULD).
func (s *Server) refreshRevocationEndsGrant() bool { return !s.fault(FaultRevokeKeepsAccess) }

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

// revokedTokensActive: a revoked token is inactive (RFC 7662 §2.2).
func (s *Server) revokedTokensActive() bool { return s.fault(FaultIntrospectRevokedActive) }
