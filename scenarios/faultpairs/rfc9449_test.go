package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc9449-4.3-htm-mismatch-refused":          faults(server.FaultDPoPHTMNotChecked),
	"rfc9449-4.3-htu-mismatch-refused":          faults(server.FaultDPoPHTUNotChecked),
	"rfc9449-4.3-typ-refused":                   faults(server.FaultDPoPTypNotChecked),
	"rfc9449-4.3-bad-signature-refused":         faults(server.FaultDPoPSignatureNotChecked),
	"rfc9449-4.3-private-jwk-refused":           faults(server.FaultDPoPPrivateJWKAccepted),
	"rfc9449-4.3-ath-mismatch-refused":          faults(server.FaultDPoPATHNotChecked),
	"rfc9449-6-key-mismatch-refused":            faults(server.FaultDPoPResourceKeyNotChecked),
	"rfc9449-5-invalid-proof-error":             faults(server.FaultDPoPWrongErrorCode),
	"rfc9449-5-token-type-dpop":                 faults(server.FaultDPoPTokenTypeBearer),
	"rfc9449-5-public-refresh-bound":            faults(server.FaultDPoPRefreshNotBound),
	"rfc9449-5.1-signing-algs-array":            faults(server.FaultDPoPAlgsAdvertiseNone),
	"rfc9449-7.1-resource-htu-mismatch-refused": faults(server.FaultDPoPHTUNotChecked),
	"rfc9449-7.2-bound-token-as-bearer-refused": faults(server.FaultDPoPBoundTokenAsBearer),
	"rfc9449-8-nonce-mismatch-refused":          faults(server.FaultDPoPNonceNotCompared),
	"rfc9449-10-dpop-jkt-mismatch-refused":      faults(server.FaultDPoPJKTNotChecked),
	// A server with nonces may tell a proof's age by its nonce instead
	// of iat (RFC 9449 §11.1): the fault shows on a server without.
	"rfc9449-11.1-old-proof-refused": {faults: []server.Fault{server.FaultDPoPIATNotChecked},
		cfg: func(c *server.Config) { c.Variants = append(c.Variants, server.VariantDPoPNoNonce) }},
	// Without nonces, where RFC 9449 §11.2 bounds a token's lifetime.
	"rfc9449-11.2-short-lived-without-nonce": {faults: []server.Fault{server.FaultDPoPLongLivedTokens},
		cfg: func(c *server.Config) { c.Variants = append(c.Variants, server.VariantDPoPNoNonce) }},
	"rfc9449-11.1-jti-replay-declined":          observed(server.FaultDPoPReplayAccepted),
	"rfc9449-11.6-alg-none-refused":             faults(server.FaultDPoPAlgNoneAccepted),
	"rfc9449-11.6-symmetric-alg-refused":        faults(server.FaultDPoPHS256Accepted),
	"rfc9449-4.3-two-headers-refused":           faults(server.FaultDPoPSeveralHeadersAccepted),
	"rfc9449-4.3-not-a-jwt-refused":             faults(server.FaultDPoPJSONSerializationAccepted),
	"rfc9449-4.3-missing-claim-refused":         faults(server.FaultDPoPAbsentClaimsAccepted),
	"rfc9449-4.3-ath-missing-refused":           faults(server.FaultDPoPAbsentClaimsAccepted),
	"rfc9449-4.3-htu-normalized":                faults(server.FaultDPoPHTUNotNormalized),
	"rfc9449-5.2-bound-client-needs-proof":      faults(server.FaultDPoPBoundAccessTokensIgnored),
	"rfc9449-10.1-par-proof-binds-code":         faults(server.FaultDPoPPARProofIgnored),
	"rfc9449-10.1-par-dpop-jkt-binds-code":      faults(server.FaultDPoPPARJKTIgnored),
	"rfc9449-10.1-par-jkt-mismatch-refused":     faults(server.FaultDPoPPARJKTMismatchAccepted),
	"rfc9449-6.1-cnf-jkt-thumbprint":            faults(server.FaultDPoPCnfJKTHex),
	"rfc9449-6.2-introspection-token-type-dpop": faults(server.FaultDPoPIntrospectionBearer),
	"rfc9449-7.1-challenge-error":               faults(server.FaultDPoPChallengeNoError),
	"rfc9449-7.1-challenge-algs":                faults(server.FaultDPoPChallengeNoAlgs),
	"rfc9449-7.1-no-proxy-authenticate":         faults(server.FaultDPoPProxyAuthenticate),
	"rfc9449-7.2-no-error-without-credentials":  faults(server.FaultBearerErrorNoCreds),
	"rfc9449-7.2-error-in-dpop-challenge":       faults(server.FaultDPoPErrorInBearerChallenge),
	"rfc9449-8-one-nonce-header":                faults(server.FaultDPoPNonceHeaderTwice),
	"rfc9449-11.3-nonce-required-once-given":    faults(server.FaultDPoPNonceSpared),
	// As for the old proof: a server with nonces may tell a proof's age
	// by its nonce, so the fault shows on a server without.
	"rfc9449-11.1-future-proof-refused": {faults: []server.Fault{server.FaultDPoPFutureIATAccepted},
		cfg: func(c *server.Config) { c.Variants = append(c.Variants, server.VariantDPoPNoNonce) }},
})
