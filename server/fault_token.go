package server

// Faults of the token endpoint, client authentication and refresh (RFC 6749 §2.3, §3.2, §4.1.3, §4.4, §5, §6).
const (
	// Token request syntax (RFC 6749 §3.2).
	FaultTokenGETAccepted          Fault = "token-get-accepted"
	FaultTokenUnknownParamFatal    Fault = "token-unknown-param-rejected"
	FaultTokenEmptyParamNotOmitted Fault = "token-empty-param-not-omitted"

	// Client authentication (RFC 6749 §2.3.1, §3.2.1).
	FaultTokenQueryCredentials      Fault = "token-query-credentials-accepted"
	FaultTokenSecretPostIgnored     Fault = "token-secret-post-ignored"
	FaultTokenSecretCaseInsensitive Fault = "token-secret-case-insensitive"
	FaultTokenCodeNoClientAuth      Fault = "token-code-exchange-unauthenticated"
	FaultTokenPublicNoClientID      Fault = "token-public-client-id-optional"

	// Access token request of the code grant (RFC 6749 §4.1.3).
	FaultTokenMissingCodeWrongErr Fault = "token-missing-code-wrong-error"
	FaultTokenUnknownCodeWrongErr Fault = "token-unknown-code-wrong-error"
	FaultTokenRedirectURIOptional Fault = "token-redirect-uri-omission-accepted"

	// Client credentials grant (RFC 6749 §4.4).
	FaultTokenCCPublic          Fault = "token-client-credentials-public"
	FaultTokenCCNoClientAuth    Fault = "token-client-credentials-unauthenticated"
	FaultTokenCCRefreshToken    Fault = "token-client-credentials-refresh-token"
	FaultTokenGrantUnrestricted Fault = "token-grant-type-unrestricted"

	// Token and error responses (RFC 6749 §3.3, §5.1, §5.2).
	FaultTokenExpiresInString     Fault = "token-expires-in-string"
	FaultTokenNoPragma            Fault = "token-no-pragma"
	FaultTokenScopeOmitted        Fault = "token-scope-omitted-when-defaulted"
	FaultTokenInvalidScopeErr     Fault = "token-invalid-scope-wrong-error"
	FaultTokenErrorNotJSON        Fault = "token-error-not-json"
	FaultTokenMissingGrantTypeErr Fault = "token-missing-grant-type-wrong-error"

	// Refresh (RFC 6749 §6).
	FaultTokenRefreshUnknownErr   Fault = "token-refresh-unknown-wrong-error"
	FaultTokenRefreshMissingErr   Fault = "token-refresh-missing-wrong-error"
	FaultTokenRefreshNoClientAuth Fault = "token-refresh-unauthenticated"
	FaultTokenRefreshNoNarrowing  Fault = "token-refresh-narrowing-ignored"
	FaultTokenRefreshDefaultScope Fault = "token-refresh-omitted-scope-default"
)

var tokenFaults = map[Fault]string{
	FaultTokenGETAccepted:           "the token endpoint issues tokens to a GET request with the parameters in the query",
	FaultTokenUnknownParamFatal:     "token requests with an unrecognised parameter are refused instead of the parameter being ignored",
	FaultTokenEmptyParamNotOmitted:  "an empty scope parameter in a token request is refused instead of being treated as omitted",
	FaultTokenQueryCredentials:      "client_id and client_secret in the token endpoint's URI query authenticate the client",
	FaultTokenSecretPostIgnored:     "client_secret in the request body is ignored although client_secret_post is advertised",
	FaultTokenSecretCaseInsensitive: "a client secret with the letter case of every letter inverted is accepted",
	FaultTokenCodeNoClientAuth:      "a confidential client may redeem an authorization code with its client_id alone",
	FaultTokenPublicNoClientID:      "a public client may redeem an authorization code without sending client_id",
	FaultTokenMissingCodeWrongErr:   "a code exchange without code yields invalid_grant instead of invalid_request",
	FaultTokenUnknownCodeWrongErr:   "an unknown authorization code yields invalid_request instead of invalid_grant",
	FaultTokenRedirectURIOptional:   "a code exchange may omit redirect_uri although the authorization request included it",
	FaultTokenCCPublic:              "public clients may use the client_credentials grant",
	FaultTokenCCNoClientAuth:        "a confidential client may use the client_credentials grant with its client_id alone",
	FaultTokenCCRefreshToken:        "client_credentials responses include a refresh token",
	FaultTokenGrantUnrestricted:     "a client may use the client_credentials grant without being registered for it",
	FaultTokenExpiresInString:       "expires_in is sent as a JSON string instead of a number",
	FaultTokenNoPragma:              "token responses lack Pragma: no-cache",
	FaultTokenScopeOmitted:          "token responses omit scope when the default scope was granted to a request without scope",
	FaultTokenInvalidScopeErr:       "an unknown scope at the token endpoint yields invalid_request instead of invalid_scope",
	FaultTokenErrorNotJSON:          "token endpoint errors are sent as text/plain instead of application/json",
	FaultTokenMissingGrantTypeErr:   "a token request without grant_type yields unsupported_grant_type instead of invalid_request",
	FaultTokenRefreshUnknownErr:     "an unknown refresh token yields invalid_request instead of invalid_grant",
	FaultTokenRefreshMissingErr:     "a refresh request without refresh_token yields invalid_grant instead of invalid_request",
	FaultTokenRefreshNoClientAuth:   "a confidential client may refresh with its client_id alone",
	FaultTokenRefreshNoNarrowing:    "a narrower scope requested at refresh is ignored: the full original scope is issued",
	FaultTokenRefreshDefaultScope:   "a refresh without scope is given the server's default scope instead of the original grant's",
}
