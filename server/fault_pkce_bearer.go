package server

// Faults of PKCE (RFC 7636), bearer token usage at the resource (RFC 6750) and resource indicators (RFC 8707).
const (
	// PKCE (RFC 7636).
	FaultPKCEVerifierTooLong    Fault = "pkce-verifier-length-unbounded"
	FaultPKCEVerifierCharset    Fault = "pkce-verifier-charset-unchecked"
	FaultPKCEVerifierPadding    Fault = "pkce-verifier-padding-stripped"
	FaultPKCEVerifierNarrow     Fault = "pkce-verifier-base64url-only"
	FaultPKCEDefaultS256        Fault = "pkce-default-method-s256"
	FaultPKCEChallengePerClient Fault = "pkce-challenge-per-client"
	FaultPKCEChallengeEchoed    Fault = "pkce-challenge-echoed"
	FaultPKCERequiredWrongError Fault = "pkce-required-wrong-error"
	FaultPKCEUnknownMethodS256  Fault = "pkce-unknown-method-as-s256"
	FaultPKCECaseInsensitive    Fault = "pkce-challenge-case-insensitive"
	FaultPKCEChallengeUnchecked Fault = "pkce-challenge-syntax-unchecked"
	FaultPKCEMethodNotBound     Fault = "pkce-method-not-bound"

	// Bearer token usage at the protected resource (RFC 6750).
	FaultBearerSchemeCaseSensitive Fault = "bearer-scheme-case-sensitive"
	FaultBearerRepeatedScope       Fault = "bearer-challenge-repeated-scope"
	FaultBearerUnsafeDescription   Fault = "bearer-error-description-unsafe"
	FaultBearerInactiveNoChallenge Fault = "bearer-no-challenge-inactive-token"
	FaultBearerScopeNoChallenge    Fault = "bearer-insufficient-scope-no-challenge"
	FaultBearerScope401            Fault = "bearer-insufficient-scope-401"
	FaultBearerMalformedAs401      Fault = "bearer-malformed-header-invalid-token"
	FaultBearerBareChallenge       Fault = "bearer-challenge-without-params"
	FaultBearerLongLived           Fault = "bearer-long-lived-tokens"
	FaultBearerSingleSpace         Fault = "bearer-single-space-only"

	// Resource indicators (RFC 8707).
	FaultResourceUnknownAtToken     Fault = "resource-unknown-accepted-at-token"
	FaultResourceUnknownAtAuthorize Fault = "resource-unknown-accepted-at-authorize"
	FaultResourceFragmentAtToken    Fault = "resource-fragment-ignored-at-token"
	FaultRefreshResourceUnchecked   Fault = "refresh-resource-unchecked"
	FaultResourceNotRepeatable      Fault = "resource-not-repeatable"
)

var pkceBearerFaults = map[Fault]string{
	FaultPKCEVerifierTooLong:    "a code_verifier longer than 128 characters is accepted (RFC 7636 §4.1)",
	FaultPKCEVerifierCharset:    "a code_verifier with characters outside [A-Za-z0-9-._~] is accepted (RFC 7636 §4.1)",
	FaultPKCEVerifierPadding:    "trailing '=' padding is stripped from the code_verifier before it is checked (RFC 7636 §4.1)",
	FaultPKCEVerifierNarrow:     "a code_verifier with '.' or '~' is refused, as if it had to be base64url (RFC 7636 §4.1, §4.6)",
	FaultPKCEDefaultS256:        "a code_challenge without code_challenge_method is taken as S256 instead of plain (RFC 7636 §4.3)",
	FaultPKCEChallengePerClient: "the code_challenge is remembered per client, not per code: a code is verified against the client's latest challenge (RFC 7636 §4.4)",
	FaultPKCEChallengeEchoed:    "the authorization response echoes the code_challenge (RFC 7636 §4.4)",
	FaultPKCERequiredWrongError: "a public client without code_challenge gets error=access_denied instead of invalid_request (RFC 7636 §4.4.1)",
	FaultPKCEUnknownMethodS256:  "an unsupported code_challenge_method is treated as S256 instead of refused (RFC 7636 §4.4.1)",
	FaultPKCECaseInsensitive:    "the computed challenge is compared with the stored one ignoring case (RFC 7636 §4.6)",
	FaultPKCEChallengeUnchecked: "a code_challenge that is not 43 base64url characters is accepted with S256 (RFC 7636 §4.2)",
	FaultPKCEMethodNotBound:     "the token endpoint accepts a verifier that matches the challenge under either method, ignoring the method stored with the code (RFC 7636 §4.4)",

	FaultBearerSchemeCaseSensitive: "the resource accepts only \"Bearer\" spelt exactly so, not \"bearer\" (RFC 6750 §2.1, RFC 9110 §11.1)",
	FaultBearerRepeatedScope:       "the Bearer challenge repeats the scope attribute once per scope (RFC 6750 §3)",
	FaultBearerUnsafeDescription:   "error_description in the Bearer challenge contains '\"' and non-ASCII characters (RFC 6750 §3)",
	FaultBearerInactiveNoChallenge: "a 401 for an expired or revoked token has no WWW-Authenticate header (RFC 6750 §3)",
	FaultBearerScopeNoChallenge:    "a 403 insufficient_scope has no WWW-Authenticate header (RFC 6750 §3)",
	FaultBearerScope401:            "a token lacking the scope is answered 401 invalid_token instead of 403 insufficient_scope (RFC 6750 §3.1)",
	FaultBearerMalformedAs401:      "a malformed Authorization header is answered 401 invalid_token instead of 400 invalid_request (RFC 6750 §3.1)",
	FaultBearerBareChallenge:       "a request without credentials gets a bare \"WWW-Authenticate: Bearer\" without auth-params (RFC 6750 §3)",
	FaultBearerLongLived:           "access tokens live for 24 hours instead of the configured lifetime (RFC 6750 §5.3)",
	FaultBearerSingleSpace:         "\"Bearer\" followed by more than one space is refused as malformed (RFC 6750 §2.1: 1*SP)",

	FaultResourceUnknownAtToken:     "the token endpoint issues tokens for resources this server does not serve (RFC 8707 §2)",
	FaultResourceUnknownAtAuthorize: "the authorization endpoint accepts resources this server does not serve (RFC 8707 §2)",
	FaultResourceFragmentAtToken:    "the token endpoint drops a resource's fragment instead of refusing it (RFC 8707 §2)",
	FaultRefreshResourceUnchecked:   "a refresh request's resource parameters are not validated (RFC 8707 §2)",
	FaultResourceNotRepeatable:      "an authorization request with more than one resource parameter is refused as a repeated parameter (RFC 8707 §2)",
}
