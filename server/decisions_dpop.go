package server

import (
	"net/http"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// The decisions of DPoP (RFC 9449) that deliberate behaviours change.

// dpopAlgs are the JWS algorithms accepted in DPoP proofs, as the metadata
// advertises them: asymmetric only, never none (§4.3, §11.6), or PS256 and
// RS256 alone (variant).
func (s *Server) dpopAlgs() []string {
	if s.variant(VariantDPoPAlgsRSA) {
		return []string{"PS256", "RS256"}
	}
	return []string{"ES256", "ES384", "PS256", "RS256", "EdDSA"}
}

// offersDPoP: the server binds access tokens to the keys of DPoP proofs
// (RFC 9700 §2.2.1 SHOULD), unless a variant does without.
func (s *Server) offersDPoP() bool { return !s.variant(VariantDPoPNotSupported) }

// dpopAlgsAdvertised is dpop_signing_alg_values_supported (§5.1), which
// lists none under a fault only, and is absent where DPoP is not offered.
func (s *Server) dpopAlgsAdvertised() []string {
	if !s.offersDPoP() {
		return nil
	}
	if s.fault(FaultDPoPAlgsAdvertiseNone) {
		return append(s.dpopAlgs(), "none")
	}
	return s.dpopAlgs()
}

// refusesSeveralDPoPHeaders: a request carries one DPoP header field at
// most (§4.3 item 1).
func (s *Server) refusesSeveralDPoPHeaders() bool { return !s.fault(FaultDPoPSeveralHeadersAccepted) }

// parseDPoPProof parses a proof as a JWT, a JWS in the Compact
// Serialization (§4.3 item 2), with an algorithm of dpopAlgs; under a
// fault the JSON Serialization passes too.
func (s *Server) parseDPoPProof(raw string) (*jose.JSONWebSignature, error) {
	if s.fault(FaultDPoPJSONSerializationAccepted) {
		return jose.ParseSigned(raw, s.dpopJOSEAlgs())
	}
	return jose.ParseSignedCompact(raw, s.dpopJOSEAlgs())
}

// requiresDPoPClaims: a proof carries jti, htm, htu and iat, and ath at a
// resource (§4.3 item 3).
func (s *Server) requiresDPoPClaims() bool { return !s.fault(FaultDPoPAbsentClaimsAccepted) }

// htuMatches compares htu with the request's URI after syntax- and
// scheme-based normalization (§4.3), or, under a fault, character for
// character; query and fragment are ignored either way.
func (s *Server) htuMatches(htu, want string) bool {
	if s.fault(FaultDPoPHTUNotNormalized) {
		htu, _, _ = strings.Cut(htu, "#")
		htu, _, _ = strings.Cut(htu, "?")
		return htu == want
	}
	return sameHTU(htu, want)
}

// boundsDPoPFutureIAT: an iat in the future is accepted only within the
// clock skew (§11.1).
func (s *Server) boundsDPoPFutureIAT() bool { return !s.fault(FaultDPoPFutureIATAccepted) }

// checksDPoPTyp: the typ of a proof is dpop+jwt (§4.3, §11.5).
func (s *Server) checksDPoPTyp() bool { return !s.fault(FaultDPoPTypNotChecked) }

// verifiesDPoPSignature: the proof's signature verifies with its jwk (§4.3).
func (s *Server) verifiesDPoPSignature() bool { return !s.fault(FaultDPoPSignatureNotChecked) }

// checksDPoPHTM: htm is the request's method (§4.3).
func (s *Server) checksDPoPHTM() bool { return !s.fault(FaultDPoPHTMNotChecked) }

// checksDPoPHTU: htu is the request's URI (§4.3).
func (s *Server) checksDPoPHTU() bool { return !s.fault(FaultDPoPHTUNotChecked) }

// checksDPoPIAT: proofs are accepted only for a limited time after their
// creation (§11.1).
func (s *Server) checksDPoPIAT() bool { return !s.fault(FaultDPoPIATNotChecked) }

// tracksDPoPJTI: a proof's jti is accepted once (§11.1).
func (s *Server) tracksDPoPJTI() bool { return !s.fault(FaultDPoPReplayAccepted) }

// checksDPoPATH: at the resource, ath is the hash of the access token
// (§4.3).
func (s *Server) checksDPoPATH() bool { return !s.fault(FaultDPoPATHNotChecked) }

// requiresTokenDPoPNonce reports whether proofs at the token endpoint must
// carry the server's nonce (§8 MAY): they do, unless a variant says not.
func (s *Server) requiresTokenDPoPNonce() bool { return !s.variant(VariantDPoPNoNonce) }

// comparesDPoPNonce: a nonce that is not one the server supplied is
// refused (§8).
func (s *Server) comparesDPoPNonce() bool { return !s.fault(FaultDPoPNonceNotCompared) }

// checksDPoPJKT: a code issued for a dpop_jkt is redeemed with a proof of
// that key (§10).
func (s *Server) checksDPoPJKT() bool { return !s.fault(FaultDPoPJKTNotChecked) }

// bindsRefreshToDPoPKey: a public client's refresh token is bound to the
// key of the proof it was issued with (§5).
func (s *Server) bindsRefreshToDPoPKey() bool { return !s.fault(FaultDPoPRefreshNotBound) }

// checksResourceDPoPKey: at the resource, the proof's key is the key the
// access token is bound to (§6).
func (s *Server) checksResourceDPoPKey() bool { return !s.fault(FaultDPoPResourceKeyNotChecked) }

// refusesBoundBearer: a DPoP-bound access token sent as a bearer token is
// refused (§7.2).
func (s *Server) refusesBoundBearer() bool { return !s.fault(FaultDPoPBoundTokenAsBearer) }

// keepsPushedJKT: the dpop_jkt of a pushed request binds its code (§10.1).
func (s *Server) keepsPushedJKT() bool { return !s.fault(FaultDPoPPARJKTIgnored) }

// readsPushedDPoP: the PAR endpoint checks a DPoP proof and binds the code
// to its key (§10.1).
func (s *Server) readsPushedDPoP() bool { return !s.fault(FaultDPoPPARProofIgnored) }

// comparesPushedJKT: a pushed request with dpop_jkt and a DPoP proof of
// another key is refused (§10.1).
func (s *Server) comparesPushedJKT() bool { return !s.fault(FaultDPoPPARJKTMismatchAccepted) }

// dpopRequiredError refuses a token request without a DPoP proof from a
// client registered with dpop_bound_access_tokens true (§5.2); nil for
// every other request, and under a fault.
func (s *Server) dpopRequiredError(r *http.Request, c *store.Client) *oautherr.Error {
	if c == nil || !c.Metadata.DPoPBoundAccessTokens || dpopJKT(r) != "" || s.fault(FaultDPoPBoundAccessTokensIgnored) {
		return nil
	}
	return oautherr.InvalidRequest("the client is registered with dpop_bound_access_tokens: its token requests need a DPoP proof (RFC 9449 §5.2)")
}

// dpopAccessTokenTTL is the lifetime of a DPoP-bound access token: ttl,
// as for any access token, or 30 days under a fault (§11.2: without nonces
// they SHOULD NOT be long-lived).
func (s *Server) dpopAccessTokenTTL(ttl time.Duration) time.Duration {
	if s.fault(FaultDPoPLongLivedTokens) {
		return 30 * 24 * time.Hour
	}
	return ttl
}

// dpopTokenType is the token_type of an access token bound to a key: DPoP
// (§5), or Bearer under a fault.
func (s *Server) dpopTokenType() string {
	if s.fault(FaultDPoPTokenTypeBearer) {
		return "Bearer"
	}
	return "DPoP"
}

// invalidProofError is the error of a refused proof at the token endpoint:
// invalid_dpop_proof (§5).
func (s *Server) invalidProofError(desc string) *oautherr.Error {
	if s.fault(FaultDPoPWrongErrorCode) {
		return oautherr.InvalidRequest("%s", desc)
	}
	return oautherr.InvalidDPoPProof("%s", desc)
}

// audienceOK reports whether the resource accepts t as issued for it
// (RFC 8707), as bearerAuth decides.
func (s *Server) audienceOK(t *store.Token) bool {
	return slices.Contains(t.Resources, s.ResourceURL()) || !s.restrictsAudience(t)
}
