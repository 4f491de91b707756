package faultpairs_test

import "github.com/authspec/authspec/server"

// Pairs of RFC 7636, RFC 6750 and RFC 8707 checks.
var _ = add(map[string]pair{
	"rfc7636-4.1-verifier-padding":                     faults(server.FaultPKCEVerifierPadding),
	"rfc7636-4.3-default-method-plain":                 faults(server.FaultPKCEDefaultS256),
	"rfc7636-4.4-challenge-bound-to-code":              faults(server.FaultPKCEChallengePerClient),
	"rfc7636-4.4-challenge-not-exposed":                faults(server.FaultPKCEChallengeEchoed),
	"rfc7636-4.4.1-required-challenge-invalid-request": faults(server.FaultPKCERequiredWrongError),
	"rfc7636-4.4.1-unsupported-method-invalid-request": faults(server.FaultPKCEUnknownMethodS256),
	"rfc7636-4.6-s256-all-characters":                  faults(server.FaultPKCEVerifierNarrow),
	"rfc7636-4.4-method-bound-to-code":                 faults(server.FaultPKCEMethodNotBound),
	"rfc7636-4.6-challenge-compared-exactly":           faults(server.FaultPKCECaseInsensitive),
})

var _ = add(map[string]pair{
	"rfc6750-2.1-scheme-case-insensitive":          faults(server.FaultBearerSchemeCaseSensitive),
	"rfc6750-2.3-query-token-response-private":     faults(server.FaultMCPQueryToken, server.FaultResourceCacheable),
	"rfc6750-3-attributes-not-repeated":            faults(server.FaultBearerRepeatedScope),
	"rfc6750-3-challenge-value-charset":            faults(server.FaultBearerUnsafeDescription),
	"rfc6750-3-challenge-on-revoked-token":         faults(server.FaultBearerInactiveNoChallenge),
	"rfc6750-3.1-two-methods-invalid-request":      faults(server.FaultBearerTwoMethodsAccepted),
	"rfc6750-3.1-revoked-token-invalid-token":      faults(server.FaultBearerRevokedWrongError),
	"rfc6750-3-challenge-on-insufficient-scope":    faults(server.FaultBearerScopeNoChallenge),
	"rfc6750-3.1-insufficient-scope-403":           faults(server.FaultBearerScope401),
	"rfc6750-3.1-malformed-header-invalid-request": faults(server.FaultBearerMalformed401Request),
	"rfc6750-3-challenge-has-auth-params":          faults(server.FaultBearerBareChallenge),
	"rfc6750-2.1-several-spaces-accepted":          faults(server.FaultBearerSingleSpace),
	"rfc6750-5.3-short-lived-tokens":               faults(server.FaultBearerLongLived),
})

var _ = add(map[string]pair{
	"rfc8707-2-token-fragment-invalid-target":    faults(server.FaultResourceFragmentAtToken),
	"rfc8707-2.2-refresh-unknown-invalid-target": faults(server.FaultRefreshResourceUnchecked),
	"rfc8707-2-resource-repeatable":              faults(server.FaultResourceNotRepeatable),
})
