package server

import (
	"fmt"
	"sort"
	"strings"
)

// Fault names one deliberate defect of the reference server. Each fault breaks
// exactly one requirement so that a conformance check can be shown to fail,
// and so that client developers can see how their client copes with a broken
// server. No fault is active unless named in [Config.Faults].
type Fault string

// The faults of the reference server.
const (
	// Token endpoint and client authentication (RFC 6749 §2.3, §5).
	FaultBasicAuthIgnored      Fault = "basic-auth-ignored"
	FaultBasicNoURLDecode      Fault = "basic-no-urldecode"
	FaultNoWWWAuthenticate     Fault = "no-www-authenticate"
	FaultInvalidClient400      Fault = "invalid-client-400"
	FaultConflictingAuthOK     Fault = "conflicting-auth-accepted"
	FaultNoCacheControl        Fault = "no-cache-control"
	FaultErrorNotJSON          Fault = "error-not-json"
	FaultTokenTypeMissing      Fault = "token-type-missing"
	FaultCodeReuse             Fault = "code-reuse"
	FaultReplayNoRevoke        Fault = "code-replay-no-revoke"
	FaultCodeNotBoundToClient  Fault = "code-not-bound-to-client"
	FaultRedirectURINotChecked Fault = "token-redirect-uri-unchecked"
	FaultUnknownGrantWrongErr  Fault = "unsupported-grant-wrong-error"
	FaultJSONBodyAccepted      Fault = "token-json-body-accepted"
	FaultDuplicateParamsOK     Fault = "duplicate-params-accepted"

	// Refresh tokens (RFC 6749 §6, RFC 9700 §4.14).
	FaultRefreshNoRotation     Fault = "refresh-no-rotation"
	FaultRefreshScopeWiden     Fault = "refresh-scope-widen"
	FaultRefreshNotBound       Fault = "refresh-not-bound-to-client"
	FaultRefreshReplayNoRevoke Fault = "refresh-replay-no-revoke"

	// Authorization endpoint (RFC 6749 §3.1, §4.1.2).
	FaultStateDropped          Fault = "state-dropped"
	FaultErrorStateDropped     Fault = "error-state-dropped"
	FaultRedirectPrefixMatch   Fault = "redirect-uri-prefix-match"
	FaultOpenRedirect          Fault = "open-redirect-on-invalid-redirect-uri"
	FaultErrorsNotRedirected   Fault = "errors-not-redirected"
	FaultLoopbackPortStrict    Fault = "loopback-port-strict"
	FaultIssParamMissing       Fault = "iss-param-missing"
	FaultResponseTypeUnchecked Fault = "response-type-unchecked"

	// Consent and login pages.
	FaultConsentByGET     Fault = "consent-approve-by-get"
	FaultConsentNoCSRF    Fault = "consent-no-csrf"
	FaultFramingAllowed   Fault = "framing-allowed"
	FaultDenyNotRedirects Fault = "deny-not-access-denied"
	FaultConsentAnonymous Fault = "consent-page-anonymous"
	FaultConsentForgotten Fault = "consent-not-remembered"
	FaultConsentAnyScope  Fault = "consent-remembered-any-scope"
	FaultConsentCrossSite Fault = "consent-no-csrf-samesite-none"

	// PKCE (RFC 7636, RFC 9700 §2.1.1).
	FaultPKCEPlain            Fault = "pkce-plain-accepted"
	FaultPKCENotRequired      Fault = "pkce-not-required-for-public"
	FaultPKCEDowngrade        Fault = "pkce-downgrade"
	FaultPKCEVerifierIgnore   Fault = "pkce-verifier-unchecked"
	FaultPKCESyntaxLax        Fault = "pkce-verifier-syntax-lax"
	FaultPKCEVerifierOptional Fault = "pkce-verifier-optional"

	// Resource indicators and the protected resource (RFC 8707, RFC 6750, RFC 9728).
	FaultResourceUnchecked         Fault = "resource-unchecked"
	FaultAudienceUnchecked         Fault = "audience-unchecked"
	FaultNoResourceMetadata        Fault = "resource-metadata-missing"
	FaultResourceMetaWrongAS       Fault = "resource-metadata-wrong-issuer"
	FaultResourceMetaWrongResource Fault = "resource-metadata-wrong-resource"
	FaultBearerNoChallenge         Fault = "bearer-no-challenge"
	FaultBearerNoErrorCode         Fault = "bearer-invalid-token-without-error"
	FaultBearerErrorNoCreds        Fault = "bearer-error-without-credentials"

	// Metadata (RFC 8414).
	FaultIssuerMismatch      Fault = "metadata-issuer-mismatch"
	FaultWrongRegistrationEP Fault = "metadata-wrong-registration-endpoint"
	FaultMetadataNoS256      Fault = "metadata-no-code-challenge-methods"
	FaultMetadataNotJSON     Fault = "metadata-not-json"
	FaultMetadataNoRespTypes Fault = "metadata-missing-response-types"

	// Dynamic registration (RFC 7591) and management (RFC 7592).
	FaultNoSecretExpiresAt     Fault = "registration-no-secret-expires-at"
	FaultRegisterHTTPRedirect  Fault = "registration-accepts-http-redirect"
	FaultRegisterFragment      Fault = "registration-accepts-fragment"
	FaultRegisterUnknownFatal  Fault = "registration-unknown-metadata-fatal"
	FaultRegister200           Fault = "registration-200"
	FaultRegisterNoDefaults    Fault = "registration-no-defaults"
	FaultRegisterNoEcho        Fault = "registration-no-echo"
	FaultRegMgmtOtherClient    Fault = "registration-token-not-bound"
	FaultRegMgmtDeleteNoop     Fault = "registration-delete-noop"
	FaultRegMgmtClientIDChange Fault = "registration-client-id-changeable"

	// More dynamic registration (RFC 7591) faults.
	FaultRegisterNoClientID           Fault = "registration-no-client-id"
	FaultRegisterClientIDReused       Fault = "registration-client-id-reused"
	FaultRegisterNoSecret             Fault = "registration-no-client-secret"
	FaultRegisterSecretForPublic      Fault = "registration-secret-for-public-client"
	FaultRegisterSecretReused         Fault = "registration-secret-reused"
	FaultRegisterIssuedAtMillis       Fault = "registration-issued-at-milliseconds"
	FaultRegisterSecretUnusable       Fault = "registration-secret-unusable"
	FaultRegisterInconsistentTypes    Fault = "registration-inconsistent-types-accepted"
	FaultRegisterAuthMethodUnchecked  Fault = "registration-auth-method-unchecked"
	FaultRegisterRelativeRedirect     Fault = "registration-accepts-relative-redirect"
	FaultRegisterRedirectURIsOptional Fault = "registration-redirect-uris-optional"
	FaultRegisterNoCacheControl       Fault = "registration-no-cache-control"

	// More client configuration endpoint (RFC 7592) faults.
	FaultRegMgmtNoChallenge        Fault = "registration-no-bearer-challenge"
	FaultRegMgmtTokenUnchecked     Fault = "registration-token-unchecked"
	FaultRegMgmtSecretOverwrite    Fault = "registration-secret-overwritable"
	FaultRegMgmtUpdateNotPersisted Fault = "registration-update-not-persisted"
	FaultRegMgmtUpdateUnvalidated  Fault = "registration-update-unvalidated"
	FaultRegMgmtDelete200          Fault = "registration-delete-200"
	FaultRegMgmtDeletedNotFound    Fault = "registration-deleted-404"
	FaultRegMgmtRelativeURI        Fault = "registration-client-uri-relative"
	FaultRegMgmtReadNoToken        Fault = "registration-read-no-token"
	FaultRegMgmtReadNotJSON        Fault = "registration-read-not-json"
	FaultRegMgmtReadOmitsMetadata  Fault = "registration-read-omits-metadata"

	// Revocation (RFC 7009).
	FaultRevokeUnknown400   Fault = "revoke-unknown-400"
	FaultRevokeForeign      Fault = "revoke-foreign-token"
	FaultRevokeNoop         Fault = "revoke-noop"
	FaultRevokeNoClientAuth Fault = "revoke-no-client-auth"
	FaultRevokeKeepsAccess  Fault = "revoke-refresh-keeps-access"
	FaultRevokeHintStrict   Fault = "revoke-hint-strict"
	FaultRevokeNoTokenOK    Fault = "revoke-missing-token-200"

	// Introspection (RFC 7662).
	FaultIntrospectNoAuth         Fault = "introspect-no-auth"
	FaultIntrospectActiveString   Fault = "introspect-active-string"
	FaultIntrospectRevokedActive  Fault = "introspect-revoked-active"
	FaultIntrospectHintStrict     Fault = "introspect-hint-strict"
	FaultIntrospectBadClient200   Fault = "introspect-bad-client-200"
	FaultIntrospectInactiveDetail Fault = "introspect-inactive-details"
	FaultIntrospectNotJSON        Fault = "introspect-not-json"
	FaultIntrospectExpString      Fault = "introspect-exp-string"
)

var faultDescriptions = map[Fault]string{
	FaultIntrospectNoAuth:          "the introspection endpoint answers callers that do not authenticate (token scanning)",
	FaultIntrospectActiveString:    "introspection responses give active as the string \"true\" instead of a boolean",
	FaultIntrospectRevokedActive:   "introspection reports revoked tokens as active",
	FaultIntrospectHintStrict:      "introspection looks only in the token type named by token_type_hint",
	FaultIntrospectBadClient200:    "introspection with wrong client credentials answers 200 active=false instead of 401",
	FaultIntrospectInactiveDetail:  "introspection of an unknown token tells more than active=false (client_id, scope)",
	FaultIntrospectNotJSON:         "introspection responses are served as text/plain",
	FaultIntrospectExpString:       "introspection responses give exp and iat as date strings instead of seconds",
	FaultConsentCrossSite:          "the consent form has no CSRF token and the session cookie is SameSite=None: another site can forge the approval",
	FaultConsentAnonymous:          "the consent page does not say which client asks, nor where the browser will be sent",
	FaultConsentForgotten:          "an approval is never remembered, against the documented policy (repeat_consent: remembered)",
	FaultConsentAnyScope:           "a remembered approval also covers scopes the user never approved",
	FaultMetadataNoRespTypes:       "metadata omits the required response_types_supported",
	FaultPKCEVerifierOptional:      "a code issued with a code_challenge is redeemed without code_verifier",
	FaultBasicAuthIgnored:          "token endpoint ignores HTTP Basic credentials and reads client_id only from the form body",
	FaultBasicNoURLDecode:          "HTTP Basic client_id and client_secret are not form-url-decoded (RFC 6749 §2.3.1)",
	FaultNoWWWAuthenticate:         "401 invalid_client responses carry no WWW-Authenticate header",
	FaultInvalidClient400:          "client authentication failures answer 400 instead of 401",
	FaultConflictingAuthOK:         "a request using both HTTP Basic and client_secret_post is accepted",
	FaultNoCacheControl:            "token responses lack Cache-Control: no-store",
	FaultErrorNotJSON:              "token endpoint errors are sent as text/plain instead of JSON",
	FaultTokenTypeMissing:          "token responses omit token_type",
	FaultCodeReuse:                 "authorization codes can be redeemed more than once",
	FaultReplayNoRevoke:            "a replayed authorization code fails but the tokens issued from it stay valid",
	FaultCodeNotBoundToClient:      "an authorization code can be redeemed by a client other than the one it was issued to",
	FaultRedirectURINotChecked:     "the token endpoint does not compare redirect_uri with the authorization request",
	FaultUnknownGrantWrongErr:      "an unknown grant_type yields invalid_request instead of unsupported_grant_type",
	FaultJSONBodyAccepted:          "the token endpoint accepts a JSON body instead of requiring form encoding",
	FaultDuplicateParamsOK:         "parameters included more than once are accepted",
	FaultRefreshNoRotation:         "refresh tokens of public clients are not rotated",
	FaultRefreshScopeWiden:         "a refresh request may widen the scope beyond the original grant",
	FaultRefreshNotBound:           "a refresh token can be used by a client other than the one it was issued to",
	FaultRefreshReplayNoRevoke:     "replaying a rotated refresh token does not revoke the token family",
	FaultStateDropped:              "the state parameter is not echoed in successful authorization responses",
	FaultErrorStateDropped:         "the state parameter is not echoed in error redirects",
	FaultRedirectPrefixMatch:       "redirect_uri is matched by prefix instead of exactly",
	FaultOpenRedirect:              "errors about an invalid redirect_uri are redirected to it (open redirect)",
	FaultErrorsNotRedirected:       "authorization errors are shown as a page instead of being redirected to the client",
	FaultLoopbackPortStrict:        "loopback redirect URIs must match the registered port (RFC 8252 §7.3 requires any port)",
	FaultIssParamMissing:           "authorization responses omit the iss parameter although metadata advertises it (RFC 9207)",
	FaultResponseTypeUnchecked:     "an unsupported response_type is treated as code",
	FaultConsentByGET:              "consent can be approved by a GET request",
	FaultConsentNoCSRF:             "the consent form is accepted without its CSRF token",
	FaultFramingAllowed:            "login and consent pages may be framed (no X-Frame-Options or frame-ancestors)",
	FaultDenyNotRedirects:          "denying consent shows a page instead of redirecting with access_denied",
	FaultPKCEPlain:                 "code_challenge_method=plain is accepted",
	FaultPKCENotRequired:           "public clients may use the authorization code grant without PKCE",
	FaultPKCEDowngrade:             "a code_verifier is accepted for a code issued without code_challenge",
	FaultPKCEVerifierIgnore:        "the code_verifier is not compared with the code_challenge",
	FaultPKCESyntaxLax:             "code_verifier syntax (43-128 unreserved characters) is not enforced",
	FaultResourceUnchecked:         "invalid resource parameters are accepted instead of invalid_target",
	FaultAudienceUnchecked:         "the protected resource accepts tokens issued for another audience",
	FaultNoResourceMetadata:        "the protected resource's 401 challenge omits resource_metadata",
	FaultResourceMetaWrongAS:       "protected resource metadata names an authorization server other than this issuer",
	FaultResourceMetaWrongResource: "protected resource metadata names a resource other than the one it describes",
	FaultBearerNoChallenge:         "the protected resource answers 401 without a WWW-Authenticate challenge",
	FaultBearerNoErrorCode:         "the protected resource's challenge for an invalid token carries no error=\"invalid_token\"",
	FaultBearerErrorNoCreds:        "the protected resource's challenge to a request without credentials carries an error code",
	FaultIssuerMismatch:            "metadata issuer differs from the issuer the metadata was fetched for",
	FaultWrongRegistrationEP:       "metadata registration_endpoint points at a URL that does not register clients",
	FaultMetadataNoS256:            "metadata omits code_challenge_methods_supported",
	FaultMetadataNotJSON:           "metadata is served with a non-JSON content type",
	FaultNoSecretExpiresAt:         "registration responses omit client_secret_expires_at",
	FaultRegisterHTTPRedirect:      "registration accepts http redirect URIs on non-loopback hosts",
	FaultRegisterFragment:          "registration accepts redirect URIs with a fragment",
	FaultRegisterUnknownFatal:      "registration rejects unknown metadata instead of ignoring it",
	FaultRegister200:               "successful registration answers 200 instead of 201",
	FaultRegisterNoDefaults:        "registration does not apply RFC 7591 defaults to omitted metadata",
	FaultRegisterNoEcho:            "registration responses do not echo the registered metadata",
	FaultRegMgmtOtherClient:        "a registration access token grants access to other clients' registrations",
	FaultRegMgmtDeleteNoop:         "deleting a registration leaves the client usable",
	FaultRegMgmtClientIDChange:     "a registration update may change client_id",

	FaultRegisterNoClientID:           "registration responses carry an empty client_id",
	FaultRegisterClientIDReused:       "registrations with the same redirect URIs get the same client_id, replacing the earlier client",
	FaultRegisterNoSecret:             "registration responses for confidential clients omit client_secret",
	FaultRegisterSecretForPublic:      "public clients (token_endpoint_auth_method none) are issued a client_secret",
	FaultRegisterSecretReused:         "every registered client gets the same client_secret",
	FaultRegisterIssuedAtMillis:       "client_id_issued_at is given in milliseconds instead of seconds",
	FaultRegisterSecretUnusable:       "the client_secret in the registration response is not the one the token endpoint checks",
	FaultRegisterInconsistentTypes:    "registration accepts grant_types and response_types that contradict each other (RFC 7591 section 2.1)",
	FaultRegisterAuthMethodUnchecked:  "registration accepts and echoes a token_endpoint_auth_method the server does not support",
	FaultRegisterRelativeRedirect:     "registration accepts relative redirect URIs",
	FaultRegisterRedirectURIsOptional: "clients may register for the authorization code grant without redirect_uris",
	FaultRegisterNoCacheControl:       "registration and client configuration responses lack Cache-Control: no-store",

	FaultRegMgmtNoChallenge:        "the client configuration endpoint refuses requests without a WWW-Authenticate Bearer challenge",
	FaultRegMgmtTokenUnchecked:     "the client configuration endpoint accepts any bearer token",
	FaultRegMgmtSecretOverwrite:    "a registration update may set a client_secret chosen by the client",
	FaultRegMgmtUpdateNotPersisted: "a registration update answers with the new metadata but does not store it",
	FaultRegMgmtUpdateUnvalidated:  "a registration update skips the validation of the new metadata (e.g. redirect URIs with a fragment)",
	FaultRegMgmtDelete200:          "deleting a registration answers 200 with a body instead of 204 No Content",
	FaultRegMgmtDeletedNotFound:    "requests for a deleted client answer 404 instead of 401",
	FaultRegMgmtRelativeURI:        "registration_client_uri is a relative path instead of a fully qualified URL",
	FaultRegMgmtReadNoToken:        "client read and update responses omit registration_access_token",
	FaultRegMgmtReadNotJSON:        "client read responses are served as text/plain",
	FaultRegMgmtReadOmitsMetadata:  "client read responses omit the registered metadata",
	FaultRevokeUnknown400:          "revoking an unknown token answers 400 instead of 200",
	FaultRevokeForeign:             "a client can revoke tokens issued to another client",
	FaultRevokeNoop:                "revocation answers 200 but the token stays valid",
	FaultRevokeNoClientAuth:        "revocation does not authenticate confidential clients",
	FaultRevokeKeepsAccess:         "revoking a refresh token leaves the access tokens of its grant valid",
	FaultRevokeHintStrict:          "revocation looks only in the token type named by token_type_hint",
	FaultRevokeNoTokenOK:           "a revocation request without a token answers 200 instead of invalid_request",
}

// faultSets are the fault description tables, one per area of the server
// (fault.go holds the first; each fault_*.go file adds its own). A name
// defined twice is reported by the fault tests.
var faultSets = []map[Fault]string{
	faultDescriptions,
	authorizeFaults,
	tokenFaults,
	pkceBearerFaults,
	discoveryFaults,
	bcpFaults,
	mcpFaults,
	cimdFaults,
	authorizeMoreFaults,
}

// describeFault finds the description of f in any table.
func describeFault(f Fault) (string, bool) {
	for _, set := range faultSets {
		if d, ok := set[f]; ok {
			return d, true
		}
	}
	return "", false
}

// Faults returns every known fault, sorted by name.
func Faults() []Fault {
	var out []Fault
	for _, set := range faultSets {
		for f := range set {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Description says which requirement the fault breaks.
func (f Fault) Description() string {
	d, _ := describeFault(f)
	return d
}

// ParseFault validates a fault name.
func ParseFault(name string) (Fault, error) {
	f := Fault(strings.TrimSpace(name))
	if _, ok := describeFault(f); !ok {
		return "", fmt.Errorf("unknown fault %q (see --list-faults)", name)
	}
	return f, nil
}
