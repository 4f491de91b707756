package server

// The deliberate behaviours of the reference server, one declaration each:
// the Go name, the name that switches it on (serve --fault NAME, --variant
// NAME), the specification section it concerns, and what the server does
// with it on. A fault breaks that section's requirement; a variant's summary
// quotes the sentence that permits it. Former names of a behaviour follow
// as aliases. Where a behaviour acts is said in behaviour.go.

// The faults: each breaks one requirement.
var (
	// Authorization endpoint: the request (RFC 6749 §3.1, §4.1.1, §4.1.2.1).
	FaultResponseTypeUnchecked = fault("response-type-unchecked", "RFC 6749 §3.1.1",
		"an unsupported response_type is treated as code")
	FaultAuthzMissingRTWrongError = fault("authorize-missing-response-type-wrong-error", "RFC 6749 §4.1.2.1",
		"a request without response_type is answered access_denied instead of invalid_request")
	FaultAuthzUnknownClientRedirect = fault("authorize-unknown-client-redirected", "RFC 6749 §4.1.2.1",
		"a request with an unknown client_id is redirected (with an error) to the redirect_uri it names")
	FaultAuthzMissingClientRedirect = fault("authorize-missing-client-redirected", "RFC 6749 §4.1.2.1",
		"a request without client_id is redirected (with an error) to the redirect_uri it names")
	FaultAuthzUnknownParamRejected = fault("authorize-unknown-param-rejected", "RFC 6749 §3.1",
		"unknown parameters at the authorization endpoint are refused with invalid_request")
	FaultAuthzEmptyScopeInvalid = fault("authorize-empty-scope-invalid", "RFC 6749 §3.1",
		"an empty scope parameter at the authorization endpoint is refused with invalid_scope instead of being treated as omitted")
	FaultAuthzUnknownScopeWrongErr = fault("authorize-unknown-scope-wrong-error", "RFC 6749 §4.1.2.1",
		"an unknown scope at the authorization endpoint is refused with invalid_request instead of invalid_scope")
	FaultAuthzGrantUnchecked = fault("authorize-grant-type-unchecked", "RFC 6749 §4.1.2.1",
		"clients not registered for the authorization code grant get codes")
	FaultErrorsNotRedirected = fault("errors-not-redirected", "RFC 6749 §4.1.2.1",
		"authorization errors are shown as a page instead of being redirected to the client")
	FaultOpenRedirect = fault("open-redirect-on-invalid-redirect-uri", "RFC 6749 §4.1.2.1",
		"errors about an invalid redirect_uri are redirected to it (open redirect)")
	FaultLogoutOpenRedirect = fault("logout-open-redirect", "RFC 9700 §2.1",
		"an end-session endpoint (advertised as end_session_endpoint) redirects to any post_logout_redirect_uri: an open redirector")
	FaultErrorRedirectBeforeLogin = fault("error-redirect-before-login", "RFC 9700 §4.11.2",
		"an authorization request that fails validation is redirected with its error to the client before the user signs in")

	// Authorization endpoint: redirect URIs and the response (RFC 6749 §3.1.2, §4.1.2, RFC 8252, RFC 9207).
	FaultRedirectPrefixMatch = fault("redirect-uri-prefix-match", "RFC 9700 §4.1.3",
		"redirect_uri is matched by prefix instead of exactly")
	FaultBCPRedirectPatterns = fault("redirect-uri-patterns", "RFC 9700 §4.1.3",
		"a registered redirect URI containing * is matched as a pattern")
	FaultLoopbackPortStrict = fault("loopback-port-strict", "RFC 8252 §7.3",
		"loopback redirect URIs must match the registered port (RFC 8252 §7.3 requires any port)")
	FaultLoopbackPathIgnored = fault("loopback-path-ignored", "RFC 8252 §8.4",
		"a loopback IP redirect URI on another port matches a registered one whatever its path")
	FaultAuthzFirstRedirectDefault = fault("authorize-first-redirect-uri-default", "RFC 6749 §3.1.2.3",
		"a client with several redirect URIs that omits redirect_uri is sent to the first one")
	FaultAuthzRedirectAlwaysRequired = fault("authorize-redirect-uri-always-required", "RFC 6749 §4.1.1",
		"redirect_uri is required even when the client registered exactly one")
	FaultAuthzRedirectQueryDropped = fault("authorize-redirect-query-dropped", "RFC 6749 §3.1.2",
		"the query component of the registered redirect URI is dropped from responses")
	FaultStateDropped = fault("state-dropped", "RFC 6749 §4.1.2",
		"the state parameter is not echoed in successful authorization responses")
	FaultErrorStateDropped = fault("error-state-dropped", "RFC 6749 §4.1.2.1",
		"the state parameter is not echoed in error redirects")
	FaultStateTruncated = fault("state-truncated", "OAuth 2.1 §1.7.1",
		"a state longer than 255 characters comes back to the client cut to 255")
	FaultIssParamMissing = fault("iss-param-missing", "RFC 9207 §2",
		"authorization responses omit the iss parameter although metadata advertises it (RFC 9207)")
	FaultIssMissingOnErrors = fault("iss-missing-on-errors", "RFC 9207 §2",
		"error responses redirected to the client omit the iss parameter (successful ones carry it)")
	FaultIssWithQuery = fault("iss-with-query", "RFC 9207 §2",
		"the iss parameter is the issuer identifier with a query component appended")
	FaultBCPPostRedirect307 = fault("post-redirect-307", "RFC 9700 §4.12",
		"the login form's redirect is a 307, which repeats the POST and its body, the password, at the next URL")
	FaultBCPPostRedirect302 = fault("post-redirect-302", "RFC 9700 §4.12",
		"redirects answering the login and consent forms use 302 instead of 303")

	// Login and consent pages (RFC 6749 §10.2, §10.12, RFC 9700 §4.2.4, §4.16).
	FaultConsentByGET = fault("consent-approve-by-get", "RFC 6749 §10.12",
		"consent can be approved by a GET request")
	FaultConsentNoCSRF = fault("consent-no-csrf", "RFC 6749 §10.12",
		"the consent form is accepted without its CSRF token")
	FaultConsentCrossSite = fault("consent-no-csrf-samesite-none", "RFC 6749 §10.12",
		"the consent form has no CSRF token and the session cookie is SameSite=None: another site can forge the approval")
	FaultAuthorizeGETRefused = fault("authorize-get-refused", "RFC 6749 §3.1",
		"the authorization endpoint answers GET with 405 Method Not Allowed and takes only POST")
	FaultPageReflectsInput = fault("page-reflects-input", "RFC 6749 §10.14",
		"the authorization endpoint's error pages repeat the request's redirect_uri as received, unescaped")
	FaultFramingAllowed = fault("framing-allowed", "RFC 9700 §4.16",
		"login and consent pages may be framed (no X-Frame-Options or frame-ancestors)")
	FaultFramingXFOOnly = fault("framing-x-frame-options-only", "RFC 9700 §4.16",
		"login and consent pages forbid framing with X-Frame-Options alone, without a Content-Security-Policy frame-ancestors directive")
	FaultDenyNotRedirects = fault("deny-not-access-denied", "RFC 6749 §4.1.2.1",
		"denying consent shows a page instead of redirecting with access_denied")
	FaultConsentAnonymous = fault("consent-page-anonymous", "RFC 6749 §10.2",
		"the consent page does not say which client asks, nor where the browser will be sent")
	FaultConsentAnyScope = fault("consent-remembered-any-scope", "RFC 6749 §10.2",
		"a remembered approval also covers scopes the user never approved")
	FaultMCPConsentPerUser = fault("mcp-consent-per-user", "MCP authorization, Security Best Practices: Confused Deputy",
		"an approval is remembered per user, not per client: a newly registered client is approved without asking")
	FaultBCPThirdPartyResources = fault("pages-third-party-resources", "RFC 9700 §4.2.4",
		"the login and consent pages load an image from another origin")

	// PKCE (RFC 7636, RFC 9700 §2.1.1).
	FaultPKCENotRequired = fault("pkce-not-required-for-public", "RFC 9700 §2.1.1",
		"public clients may use the authorization code grant without PKCE")
	FaultPKCERequiredWrongError = fault("pkce-required-wrong-error", "RFC 7636 §4.4.1",
		"a public client without code_challenge gets error=access_denied instead of invalid_request")
	FaultPKCEDefaultS256 = fault("pkce-default-method-s256", "RFC 7636 §4.3",
		"a code_challenge without code_challenge_method is taken as S256 instead of plain")
	FaultPKCEUnknownMethodS256 = fault("pkce-unknown-method-as-s256", "RFC 7636 §4.4.1",
		"an unsupported code_challenge_method is treated as S256 instead of refused")
	FaultPKCEChallengeEchoed = fault("pkce-challenge-echoed", "RFC 7636 §4.4",
		"the authorization response echoes the code_challenge")
	FaultPKCEChallengePerClient = fault("pkce-challenge-per-client", "RFC 7636 §4.4",
		"the code_challenge is remembered per client, not per code: a code is verified against the client's latest challenge")
	FaultPKCEMethodNotBound = fault("pkce-method-not-bound", "RFC 7636 §4.4",
		"the token endpoint accepts a verifier that matches the challenge under either method, ignoring the method stored with the code")
	FaultPKCEDowngrade = fault("pkce-downgrade", "RFC 9700 §2.1.1",
		"a code_verifier is accepted for a code issued without code_challenge")
	FaultPKCEVerifierOptional = fault("pkce-verifier-optional", "RFC 7636 §4.6",
		"a code issued with a code_challenge is redeemed without code_verifier")
	FaultPKCEVerifierIgnore = fault("pkce-verifier-unchecked", "RFC 7636 §4.6",
		"the code_verifier is not compared with the code_challenge")
	FaultPKCEPublicUnchecked = fault("pkce-verifier-unchecked-for-public-clients", "RFC 8252 §6",
		"the code_verifier of a public client is not compared with the code_challenge (confidential clients' are)")
	FaultPKCEVerifierPadding = fault("pkce-verifier-padding-stripped", "RFC 7636 §4.1",
		"trailing '=' padding is stripped from the code_verifier before it is checked")
	FaultPKCEVerifierNarrow = fault("pkce-verifier-base64url-only", "RFC 7636 §4.6",
		"a code_verifier with '.' or '~' is refused, as if it had to be base64url")
	FaultPKCECaseInsensitive = fault("pkce-challenge-case-insensitive", "RFC 7636 §4.6",
		"the computed challenge is compared with the stored one ignoring case")

	// Token endpoint: the request (RFC 6749 §3.2).
	FaultTokenGETAccepted = fault("token-get-accepted", "RFC 6749 §3.2",
		"the token endpoint issues tokens to a GET request with the parameters in the query")
	FaultDuplicateParamsOK = fault("duplicate-params-accepted", "RFC 6749 §3.1",
		"parameters included more than once are accepted at the authorization and token endpoints (the first value wins)",
		"authorize-duplicate-params-accepted")
	FaultTokenUnknownParamFatal = fault("token-unknown-param-rejected", "RFC 6749 §3.2",
		"token requests with an unrecognised parameter are refused instead of the parameter being ignored")
	FaultTokenEmptyParamNotOmitted = fault("token-empty-param-not-omitted", "RFC 6749 §3.2",
		"an empty scope parameter in a token request is refused instead of being treated as omitted")

	// Token endpoint: client authentication (RFC 6749 §2.3, §3.2.1).
	FaultBasicAuthIgnored = fault("basic-auth-ignored", "RFC 6749 §2.3.1",
		"token endpoint ignores HTTP Basic credentials and reads client_id only from the form body")
	FaultBasicNoURLDecode = fault("basic-no-urldecode", "RFC 6749 §2.3.1",
		"HTTP Basic client_id and client_secret are not form-url-decoded")
	FaultConflictingAuthOK = fault("conflicting-auth-accepted", "RFC 6749 §2.3",
		"a request using both HTTP Basic and client_secret_post is accepted")
	FaultTokenQueryCredentials = fault("token-query-credentials-accepted", "RFC 6749 §2.3.1",
		"client_id and client_secret in the token endpoint's URI query authenticate the client")
	FaultTokenSecretPostIgnored = fault("token-secret-post-ignored", "RFC 6749 §2.3.1",
		"client_secret in the token request body is ignored although the metadata advertises client_secret_post", "metadata-advertises-ignored-secret-post")
	FaultTokenSecretCaseInsensitive = fault("token-secret-case-insensitive", "RFC 6749 §3.2.1",
		"a client secret with the letter case of every letter inverted is accepted")
	FaultAssertionSignatureUnchecked = fault("client-assertion-signature-unchecked", "RFC 6749 §3.2.1",
		"a private_key_jwt client_assertion is taken without verifying its signature against the client's registered keys")
	FaultAssertionAudTokenEndpointOnly = fault("client-assertion-aud-token-endpoint-only", "RFC 9126 §2",
		"a private_key_jwt client_assertion must name the token endpoint URL as its aud: the issuer identifier is refused")
	FaultTokenSecretPostUnchecked = fault("token-secret-post-unchecked", "RFC 6749 §2.3.1",
		"a client_secret in the token request body is not compared: any value authenticates the client")
	FaultPublicClientSecretIgnored = fault("public-client-secret-ignored", "OAuth 2.1 §3.2.2",
		"a public client that sends a client_secret (HTTP Basic or the body) is served as if it had sent its client_id alone")
	FaultTokenUnknownClientWrongError = fault("token-unknown-client-wrong-error", "RFC 6749 §5.2",
		"a token request with an unknown client_id is answered 400 error=unauthorized_client instead of invalid_client")
	FaultTokenPublicNoClientID = fault("token-public-client-id-optional", "RFC 6749 §3.2.1",
		"a public client may redeem an authorization code without sending client_id")
	FaultTokenCodeNoClientAuth = fault("token-code-exchange-unauthenticated", "RFC 6749 §4.1.3",
		"a confidential client may redeem an authorization code with its client_id alone")
	FaultTokenCCNoClientAuth = fault("token-client-credentials-unauthenticated", "RFC 6749 §4.4.2",
		"a confidential client may use the client_credentials grant with its client_id alone")
	FaultTokenRefreshNoClientAuth = fault("token-refresh-unauthenticated", "RFC 6749 §6",
		"a confidential client may refresh with its client_id alone")

	// Token endpoint: grants (RFC 6749 §4.1.3, §4.4, §6, RFC 9700 §4.14).
	FaultCodeReuse = fault("code-reuse", "RFC 6749 §4.1.2",
		"authorization codes can be redeemed more than once")
	FaultReplayNoRevoke = fault("code-replay-no-revoke", "RFC 6749 §4.1.2",
		"a replayed authorization code fails but the tokens issued from it stay valid")
	FaultReplayRevokesUnverified = fault("code-replay-revokes-unverified", "OAuth 2.1 §7.5.3",
		"a replayed authorization code revokes the tokens issued from it before the request's client and code_verifier are checked, so an invalid replay revokes them too")
	FaultCodeNotBoundToClient = fault("code-not-bound-to-client", "RFC 6749 §4.1.3",
		"an authorization code can be redeemed by a client other than the one it was issued to")
	FaultPublicClientNotBound = fault("public-client-not-bound", "RFC 6749 §4.1.3",
		"the authorization codes and refresh tokens of a public client can be used with the client_id of another public client")
	FaultRedirectURINotChecked = fault("token-redirect-uri-unchecked", "RFC 6749 §4.1.3",
		"the token endpoint does not compare redirect_uri with the authorization request")
	FaultTokenRedirectURIOptional = fault("token-redirect-uri-omission-accepted", "RFC 6749 §4.1.3",
		"a code exchange may omit redirect_uri although the authorization request included it")
	FaultTokenMissingCodeWrongErr = fault("token-missing-code-wrong-error", "RFC 6749 §4.1.3",
		"a code exchange without code yields invalid_grant instead of invalid_request")
	FaultTokenUnknownCodeWrongErr = fault("token-unknown-code-wrong-error", "RFC 6749 §4.1.3",
		"an unknown authorization code yields invalid_request instead of invalid_grant")
	FaultTokenInvalidGrant401 = fault("token-invalid-grant-401", "RFC 6749 §5.2",
		"the token endpoint answers invalid_grant with HTTP 401 instead of 400, still refusing what it must (as go-oauth2 does)")
	FaultTokenCCPublic = fault("token-client-credentials-public", "RFC 6749 §4.4",
		"public clients may use the client_credentials grant")
	FaultTokenGrantUnrestricted = fault("token-grant-type-unrestricted", "RFC 6749 §5.2",
		"a client may use the client_credentials grant without being registered for it")
	FaultTokenCCRefreshToken = fault("token-client-credentials-refresh-token", "RFC 6749 §4.4.3",
		"client_credentials responses include a refresh token")
	FaultRefreshNoRotation = fault("refresh-no-rotation", "RFC 9700 §4.14.2",
		"refresh tokens of public clients are not rotated")
	FaultRefreshReplayNoRevoke = fault("refresh-replay-no-revoke", "RFC 9700 §4.14.2",
		"replaying a rotated refresh token does not revoke the token family")
	FaultRefreshNotBound = fault("refresh-not-bound-to-client", "RFC 6749 §10.4",
		"a refresh token can be used by a client other than the one it was issued to")
	FaultRefreshScopeWiden = fault("refresh-scope-widen", "RFC 6749 §6",
		"a refresh request may widen the scope beyond the original grant")
	FaultRefreshNewTokenNarrowed = fault("refresh-new-token-narrowed", "RFC 6749 §6",
		"the refresh token issued by a refresh with a narrower scope carries that narrower scope instead of the original grant's")
	FaultTokenRefreshDefaultScope = fault("token-refresh-omitted-scope-default", "RFC 6749 §6",
		"a refresh without scope is given the server's default scope instead of the original grant's")
	FaultTokenRefreshMissingErr = fault("token-refresh-missing-wrong-error", "RFC 6749 §6",
		"a refresh request without refresh_token yields invalid_grant instead of invalid_request")
	FaultRefreshIntegrityUnchecked = fault("refresh-token-integrity-unchecked", "RFC 9700 §4.14.2",
		"refresh tokens carry a signature-like tail after a \".\" that the server never checks: an altered tail still refreshes")
	FaultTokenRefreshUnknownErr = fault("token-refresh-unknown-wrong-error", "RFC 6749 §6",
		"an unknown refresh token yields invalid_request instead of invalid_grant")
	FaultUnknownGrantWrongErr = fault("unsupported-grant-wrong-error", "RFC 6749 §5.2",
		"an unknown grant_type yields invalid_request instead of unsupported_grant_type")
	FaultTokenMissingGrantTypeErr = fault("token-missing-grant-type-wrong-error", "RFC 6749 §5.2",
		"a token request without grant_type yields unsupported_grant_type instead of invalid_request")
	FaultTokenInvalidScopeErr = fault("token-invalid-scope-wrong-error", "RFC 6749 §5.2",
		"an unknown scope at the token endpoint yields invalid_request instead of invalid_scope")

	// Token endpoint: responses (RFC 6749 §3.3, §5.1, §5.2).
	FaultTokenTypeMissing = fault("token-type-missing", "RFC 6749 §5.1",
		"token responses omit token_type")
	FaultAccessTokensShort = fault("access-tokens-short", "RFC 6749 §10.10",
		"access tokens are 8 hexadecimal digits (32 bits), which an attacker can guess")
	FaultTokenTypeUnregistered = fault("token-type-unregistered", "RFC 6749 §8.1",
		`token responses give token_type "JWT", neither a registered access token type nor an absolute URI`)
	FaultTokenExpiresInString = fault("token-expires-in-string", "RFC 6749 §5.1",
		"expires_in is sent as a JSON string instead of a number")
	FaultTokenScopeOmitted = fault("token-scope-omitted-when-defaulted", "RFC 6749 §3.3",
		"token responses omit scope when the default scope was granted to a request without scope")
	FaultNoCacheControl = fault("no-cache-control", "RFC 6749 §5.1",
		"token responses lack Cache-Control: no-store")
	FaultTokenNoPragma = fault("token-no-pragma", "RFC 6749 §5.1",
		"token responses lack Pragma: no-cache")
	FaultErrorDescriptionUnsanitized = fault("error-description-unsanitized", "RFC 6749 §5.2",
		"error_description repeats the request's unsupported grant_type (token endpoint) or response_type (authorization endpoint) as received, double quotes, backslashes and non-ASCII characters included")
	FaultErrorNotJSON = fault("error-not-json", "RFC 6749 §5.2",
		"OAuth error responses (token, revocation, introspection, registration) are sent as text/plain instead of JSON", "token-error-not-json")
	FaultInvalidClient400 = fault("invalid-client-400", "RFC 6749 §5.2",
		"client authentication failures answer 400 instead of 401")
	FaultNoWWWAuthenticate = fault("no-www-authenticate", "RFC 6749 §5.2",
		"401 invalid_client responses carry no WWW-Authenticate header")

	// Revocation (RFC 7009).
	FaultRevokeNoClientAuth = fault("revoke-no-client-auth", "RFC 7009 §2.1",
		"revocation does not authenticate confidential clients")
	FaultRevokeNoTokenOK = fault("revoke-missing-token-200", "RFC 7009 §2.1",
		"a revocation request without a token answers 200 instead of invalid_request")
	FaultRevokeUnknown400 = fault("revoke-unknown-400", "RFC 7009 §2.2",
		"revoking an unknown token answers 400 instead of 200")
	FaultRevokeForeign = fault("revoke-foreign-token", "RFC 7009 §2.1",
		"a client can revoke tokens issued to another client")
	FaultRevokeNoop = fault("revoke-noop", "RFC 7009 §2.1",
		"revocation answers 200 but the token stays valid")
	FaultRevokeKeepsAccess = fault("revoke-refresh-keeps-access", "RFC 7009 §2.1",
		"revoking a refresh token leaves the access tokens of its grant valid")
	FaultRevokeHintStrict = fault("revoke-hint-strict", "RFC 7009 §2.1",
		"revocation looks only in the token type named by token_type_hint")
	FaultRevokeUnknownHintRefused = fault("revoke-unknown-hint-refused", "RFC 7009 §2.2",
		"a token_type_hint value the server does not know is answered unsupported_token_type instead of being ignored")

	// Introspection (RFC 7662).
	FaultIntrospectNoAuth = fault("introspect-no-auth", "RFC 7662 §2.1",
		"the introspection endpoint answers callers whose client authentication is missing or wrong (200 instead of 401: token scanning)",
		"introspect-bad-client-200")
	FaultIntrospectHintStrict = fault("introspect-hint-strict", "RFC 7662 §2.1",
		"introspection looks only in the token type named by token_type_hint")
	FaultIntrospectRevokedActive = fault("introspect-revoked-active", "RFC 7662 §2.2",
		"introspection reports revoked tokens as active")
	FaultIntrospectExpiredActive = fault("introspect-expired-active", "RFC 7662 §4",
		"introspection reports an access token as active after its expiry")
	FaultIntrospectActiveString = fault("introspect-active-string", "RFC 7662 §2.2",
		"introspection responses give active as the string \"true\" instead of a boolean")
	FaultIntrospectExpString = fault("introspect-exp-string", "RFC 7662 §2.2",
		"introspection responses give exp and iat as date strings instead of seconds")
	FaultIntrospectInactiveDetail = fault("introspect-inactive-details", "RFC 7662 §2.2",
		"introspection of an unknown token tells more than active=false (client_id, scope)")
	FaultIntrospectNotJSON = fault("introspect-not-json", "RFC 7662 §2.2",
		"introspection responses are served as text/plain")
	FaultIntrospectAlwaysInactive = fault("introspect-always-inactive", "RFC 7662 §2.2",
		"introspection answers active:false for every token, even one just issued to the caller")
	FaultIntrospectAlwaysActive = fault("introspect-always-active", "RFC 7662 §2.2",
		"introspection answers active:true for every token, even one that was never issued or was revoked")

	// Dynamic registration (RFC 7591).
	FaultRegisterUnknownFatal = fault("registration-unknown-metadata-fatal", "RFC 7591 §2",
		"registration rejects unknown metadata instead of ignoring it")
	FaultRegisterNoDefaults = fault("registration-no-defaults", "RFC 7591 §2",
		"registration does not apply RFC 7591 defaults to omitted metadata")
	FaultRegisterInconsistentTypes = fault("registration-inconsistent-types-accepted", "RFC 7591 §2.1",
		"registration accepts grant_types and response_types that contradict each other (RFC 7591 section 2.1)")
	FaultRegisterAuthMethodUnchecked = fault("registration-auth-method-unchecked", "RFC 7591 §3.2.2",
		"registration accepts and echoes a token_endpoint_auth_method the server does not support")
	FaultRegisterRedirectURIsOptional = fault("registration-redirect-uris-optional", "RFC 7591 §5",
		"clients may register for the authorization code grant without redirect_uris")
	FaultRegisterRelativeRedirect = fault("registration-accepts-relative-redirect", "RFC 7591 §3.2.2",
		"registration accepts relative redirect URIs")
	FaultRegisterFragment = fault("registration-accepts-fragment", "RFC 7591 §3.2.2",
		"registration accepts redirect URIs with a fragment")
	FaultRegisterHTTPRedirect = fault("registration-accepts-http-redirect", "RFC 7591 §5",
		"registration accepts http redirect URIs on non-loopback hosts")
	FaultRegisterSchemeWithoutPeriod = fault("register-private-use-scheme-without-period", "RFC 8252 §8.4",
		"registration accepts a redirect URI whose private-use scheme has no period (authspecapp:/callback)")
	FaultMCPPublicDCRRefused = fault("mcp-public-registration-refused", "MCP authorization §2.4",
		"dynamic registration refuses public clients (token_endpoint_auth_method none), which MCP clients are")
	FaultBCPClientChosenID = fault("registration-client-chooses-client-id", "RFC 9700 §4.15",
		"a registration request's client_id becomes the client's identifier, and the sub of its client_credentials tokens (the users' namespace)")
	FaultRegisterNoClientID = fault("registration-no-client-id", "RFC 7591 §3.2.1",
		"registration responses carry an empty client_id")
	FaultRegisterClientIDReused = fault("registration-client-id-reused", "RFC 7591 §3.2.1",
		"registrations with the same redirect URIs get the same client_id, replacing the earlier client")
	FaultRegisterNoSecret = fault("registration-no-client-secret", "RFC 7591 §3.2.1",
		"registration responses for confidential clients omit client_secret")
	FaultRegisterSecretForPublic = fault("registration-secret-for-public-client", "RFC 7591 §3.2.1",
		"public clients (token_endpoint_auth_method none) are issued a client_secret")
	FaultRegisterSecretReused = fault("registration-secret-reused", "RFC 7591 §3.2.1",
		"every registered client gets the same client_secret")
	FaultRegisterSecretUnusable = fault("registration-secret-unusable", "RFC 7591 §3.2.1",
		"the client_secret in the registration response is not the one the token endpoint checks")
	FaultRegisterIssuedAtMillis = fault("registration-issued-at-milliseconds", "RFC 7591 §3.2.1",
		"client_id_issued_at is given in milliseconds instead of seconds")
	FaultNoSecretExpiresAt = fault("registration-no-secret-expires-at", "RFC 7591 §3.2.1",
		"registration responses omit client_secret_expires_at")
	FaultRegisterNoEcho = fault("registration-no-echo", "RFC 7591 §3.2.1",
		"registration responses do not echo the registered metadata")
	FaultRegister200 = fault("registration-200", "RFC 7591 §3.2.1",
		"successful registration answers 200 instead of 201")
	FaultRegisterNoCacheControl = fault("registration-no-cache-control", "RFC 7591 §3.2.1",
		"registration and client configuration responses lack Cache-Control: no-store")

	// Client configuration endpoint (RFC 7592).
	FaultRegMgmtNoChallenge = fault("registration-no-bearer-challenge", "RFC 7592 §2",
		"the client configuration endpoint refuses requests without a WWW-Authenticate Bearer challenge")
	FaultRegMgmtTokenUnchecked = fault("registration-token-unchecked", "RFC 7592 §2.1",
		"the client configuration endpoint accepts any bearer token")
	FaultRegMgmtOtherClient = fault("registration-token-not-bound", "RFC 7592 §2.1",
		"a registration access token grants access to other clients' registrations")
	FaultMCPForeignTokenAccepted = fault("mcp-as-accepts-access-tokens", "MCP authorization §2.6.2",
		"the client configuration endpoint accepts an access token issued for the MCP server as a registration access token")
	FaultRegMgmtDeletedNotFound = fault("registration-deleted-404", "RFC 7592 §2.1",
		"requests for a deleted client answer 404 instead of 401")
	FaultRegMgmtReadNoToken = fault("registration-read-no-token", "RFC 7592 §3",
		"client read and update responses omit registration_access_token")
	FaultRegMgmtReadNotJSON = fault("registration-read-not-json", "RFC 7592 §2.1",
		"client read responses are served as text/plain")
	FaultRegMgmtReadOmitsMetadata = fault("registration-read-omits-metadata", "RFC 7592 §3",
		"client read responses omit the registered metadata")
	FaultRegMgmtRelativeURI = fault("registration-client-uri-relative", "RFC 7592 §3",
		"registration_client_uri is a relative path instead of a fully qualified URL")
	FaultRegMgmtClientIDChange = fault("registration-client-id-changeable", "RFC 7592 §2.2",
		"a registration update may change client_id")
	FaultRegMgmtSecretOverwrite = fault("registration-secret-overwritable", "RFC 7592 §2.2",
		"a registration update may set a client_secret chosen by the client")
	FaultRegMgmtUpdateUnvalidated = fault("registration-update-unvalidated", "RFC 7592 §2.2",
		"a registration update skips the validation of the new metadata (e.g. redirect URIs with a fragment)")
	FaultRegMgmtUpdateNotPersisted = fault("registration-update-not-persisted", "RFC 7592 §2.2",
		"a registration update answers with the new metadata but does not store it")
	FaultRegMgmtDeleteNoop = fault("registration-delete-noop", "RFC 7592 §2.3",
		"deleting a registration leaves the client usable")
	FaultRegMgmtDelete200 = fault("registration-delete-200", "RFC 7592 §2.3",
		"deleting a registration answers 200 with a body instead of 204 No Content")

	// Authorization server metadata (RFC 8414).
	FaultIssuerMismatch = fault("metadata-issuer-mismatch", "RFC 8414 §3.3",
		"metadata issuer differs from the issuer the metadata was fetched for")
	FaultMetadataNotJSON = fault("metadata-not-json", "RFC 8414 §3.2",
		"metadata is served with a non-JSON content type")
	FaultMetadataNoRespTypes = fault("metadata-missing-response-types", "RFC 8414 §2",
		"metadata omits the required response_types_supported")
	FaultMetadataNoAuthzEndpoint = fault("metadata-no-authorization-endpoint", "RFC 8414 §2",
		"metadata omits authorization_endpoint although the authorization code grant is supported")
	FaultMetadataNoTokenEndpoint = fault("metadata-no-token-endpoint", "RFC 8414 §2",
		"metadata omits token_endpoint although grants other than the implicit one are supported")
	FaultMetadataIssNotAdvertised = fault("metadata-iss-support-not-advertised", "RFC 9207 §2.3",
		"metadata omits authorization_response_iss_parameter_supported although authorization responses carry iss")
	FaultMetadataNoS256 = fault("metadata-no-code-challenge-methods", "RFC 8414 §2",
		"metadata omits code_challenge_methods_supported")
	FaultMetadataEmptyArray = fault("metadata-empty-array", "RFC 8414 §3.2",
		"metadata carries a member with an empty array (ui_locales_supported: []) instead of omitting it")
	FaultMetadataArrayAsString = fault("metadata-array-as-string", "RFC 8414 §3.2",
		"metadata gives response_modes_supported as a string instead of a JSON array")
	FaultWrongRegistrationEP = fault("metadata-wrong-registration-endpoint", "RFC 8414 §2",
		"metadata registration_endpoint points at a URL that does not register clients")
	FaultMetadataEndpointFragment = fault("metadata-endpoint-fragment", "RFC 6749 §3.1",
		"the metadata gives the authorization and token endpoints a fragment component")
	FaultMetadataRevocationFragment = fault("metadata-revocation-endpoint-fragment", "RFC 7009 §2",
		"metadata revocation_endpoint carries a fragment component")
	FaultMetadataWrongIntrospectionEP = fault("metadata-wrong-introspection-endpoint", "RFC 8414 §2",
		"metadata introspection_endpoint points at a URL that does not introspect tokens")
	FaultMetadataUnsupportedGrant = fault("metadata-advertises-unsupported-grant", "RFC 8414 §2",
		"metadata advertises the device_code grant, which the token endpoint refuses as unsupported_grant_type")
	FaultMetadataUnsupportedRespType = fault("metadata-advertises-unsupported-response-type", "RFC 8414 §2",
		"metadata advertises response type token, which the authorization endpoint refuses as unsupported_response_type")
	FaultMetadataUnsupportedScope = fault("metadata-advertises-unsupported-scope", "RFC 8414 §2",
		"metadata scopes_supported lists a scope the token endpoint refuses as invalid_scope")
	FaultMetadataUnsupportedPKCE = fault("metadata-advertises-unsupported-pkce-method", "RFC 8414 §2",
		"metadata advertises code_challenge_method plain, which the authorization endpoint refuses")
	FaultMetadataIntrospectionNone = fault("metadata-advertises-unsupported-introspection-auth", "RFC 8414 §2",
		"metadata lists none in introspection_endpoint_auth_methods_supported, but introspection refuses public clients")
	FaultMetadataIssuerQuery = fault("metadata-issuer-query", "RFC 8414 §2",
		"the metadata's issuer carries a query component")
	FaultMetadataEndpointHTTP = fault("metadata-endpoint-http", "MCP authorization §3.3",
		"metadata names the revocation endpoint with the http scheme on a host other than the local machine, as a server behind a TLS proxy that builds its URLs from the plain request does")
	FaultMetadataJWKSURIHTTP = fault("metadata-jwks-uri-http", "RFC 8414 §2",
		"metadata names a jwks_uri with the http scheme on a host other than the local machine")
	FaultMetadataSigningAlgNone = fault("metadata-signing-alg-none", "RFC 8414 §2",
		`metadata lists "none" in token_endpoint_auth_signing_alg_values_supported`)
	FaultMetadataJWTAuthNoAlgs = fault("metadata-jwt-auth-without-algs", "RFC 8414 §2",
		"metadata lists private_key_jwt in token_endpoint_auth_methods_supported but omits token_endpoint_auth_signing_alg_values_supported")
	FaultOpenIDConfigurationDiffers = fault("openid-configuration-issuer-differs", "RFC 8414 §3.3",
		"the metadata is also served at the OpenID Connect Discovery URL, with another issuer")

	// Protected resource metadata (RFC 9728).
	FaultResourceMetaPathAppended = fault("resource-metadata-path-appended", "RFC 9728 §3",
		"protected resource metadata is served at the resource URL with the well-known suffix appended, not inserted before the path")
	FaultMCPPRMNotServed = fault("mcp-prm-not-served", "MCP authorization §2.3.1",
		"the MCP server publishes no protected resource metadata (no challenge parameter, no well-known document)")
	FaultResourceMetaNotJSON = fault("resource-metadata-not-json", "RFC 9728 §3.2",
		"protected resource metadata is served with Content-Type text/plain")
	FaultResourceMetaNoResource = fault("resource-metadata-no-resource", "RFC 9728 §2",
		"protected resource metadata omits the required resource member")
	FaultResourceMetaWrongResource = fault("resource-metadata-wrong-resource", "RFC 9728 §3.3",
		"protected resource metadata names a resource other than the one it describes")
	FaultResourceMetaWrongAS = fault("resource-metadata-wrong-issuer", "RFC 9728 §2",
		"protected resource metadata names an authorization server other than this issuer")
	FaultMCPNoAuthorizationServers = fault("mcp-prm-no-authorization-servers", "MCP authorization §2.3.1",
		"the protected resource metadata lists no authorization server")
	FaultResourceMetaUnknownAS = fault("resource-metadata-unknown-authorization-server", "RFC 9728 §2",
		"protected resource metadata lists an authorization server issuer that serves no RFC 8414 metadata")
	FaultResourceMetaScopesString = fault("resource-metadata-scopes-string", "RFC 9728 §3.2",
		"protected resource metadata gives scopes_supported as a space-separated string instead of a JSON array")
	FaultResourceMetaEmptyArray = fault("resource-metadata-empty-array", "RFC 9728 §3.2",
		"protected resource metadata carries a parameter with zero values (resource_signing_alg_values_supported: [])")
	FaultResourceMetaQueryMethod = fault("resource-metadata-advertises-query", "RFC 9728 §2",
		"protected resource metadata advertises bearer method query, which the resource does not accept")
	FaultResourceMetaUnknownScope = fault("resource-metadata-advertises-unsupported-scope", "RFC 9728 §2",
		"protected resource metadata scopes_supported lists a scope the authorization server refuses as invalid_scope")
	FaultResourceMetaResourceFragment = fault("resource-metadata-resource-fragment", "RFC 9728 §2",
		"the resource identifier in the protected resource metadata carries a fragment component")
	FaultResourceMetaResourceQuery = fault("resource-metadata-resource-query", "RFC 9728 §1.2",
		"the resource identifier in the protected resource metadata carries a query component")
	FaultResourceMetaJWKSURIHTTP = fault("resource-metadata-jwks-uri-http", "RFC 9728 §2",
		"protected resource metadata names a jwks_uri with the http scheme on a host other than the local machine")
	FaultResourceMetaSigningAlgNone = fault("resource-metadata-signing-alg-none", "RFC 9728 §2",
		`protected resource metadata lists "none" in resource_signing_alg_values_supported`)
	FaultResourceMetaNoName = fault("resource-metadata-no-name", "RFC 9728 §2",
		"protected resource metadata has no resource_name")
	FaultResourceMetaTaggedNameOnly = fault("resource-metadata-name-tagged-only", "RFC 9728 §2.1",
		"protected resource metadata gives resource_name only with a language tag (resource_name#en)")

	// The protected resource (RFC 6750, RFC 9728 §5.1, MCP authorization).
	FaultBearerSchemeCaseSensitive = fault("bearer-scheme-case-sensitive", "RFC 6750 §2.1",
		"the resource accepts only \"Bearer\" spelt exactly so, not \"bearer\"")
	FaultBearerSingleSpace = fault("bearer-single-space-only", "RFC 6750 §2.1",
		"\"Bearer\" followed by more than one space is refused as malformed (RFC 6750 §2.1: 1*SP)")
	FaultMCPQueryToken = fault("mcp-query-token-accepted", "MCP authorization §2.6.1",
		"the MCP server accepts an access token in the URI query string")
	FaultMCPSessionCookie = fault("mcp-session-cookie", "MCP authorization §2.6.1",
		"the MCP server sets a session cookie on an authorized request and accepts it instead of a token")
	FaultMCPSessionIDStandsIn = fault("mcp-session-id-stands-in", "MCP authorization §2.6.1",
		"the MCP server answers an authorized initialize with an Mcp-Session-Id and serves the session's later requests (not initialize) on that header alone, without a token")
	FaultMCPPostNoChallenge = fault("mcp-post-without-challenge", "MCP authorization §2.3.1",
		"an unauthenticated JSON-RPC POST to the MCP server is answered 400 without a challenge")
	FaultBearerErrorNoCreds = fault("bearer-error-without-credentials", "RFC 6750 §3",
		"the protected resource's challenge to a request without credentials carries an error code")
	FaultMCPInvalidToken403 = fault("mcp-invalid-token-403", "MCP authorization §2.6.2",
		"the MCP server answers an unknown access token with 403 instead of 401")
	FaultMCPInactiveAccepted = fault("mcp-revoked-token-accepted", "MCP authorization §2.6.2",
		"the MCP server accepts revoked access tokens")
	FaultMCPPostTokenUnchecked = fault("mcp-post-token-unchecked", "MCP authorization §2.6.2",
		"the MCP server lets any bearer token through on POST")
	FaultAudienceUnchecked = fault("audience-unchecked", "RFC 8707 §2",
		"the protected resource accepts tokens issued for another audience")
	FaultBearerScope401 = fault("bearer-insufficient-scope-401", "RFC 6750 §3.1",
		"a token lacking the scope is answered 401 invalid_token instead of 403 insufficient_scope")
	FaultBearerMalformed401Request = fault("bearer-malformed-401-invalid-request", "RFC 6750 §3.1",
		"a malformed Authorization header is answered 401 with error=invalid_request, which RFC 6750 §3.1 says SHOULD be a 400")
	FaultBearerNoChallenge = fault("bearer-no-challenge", "RFC 6750 §3",
		"the protected resource answers 401 without a WWW-Authenticate challenge")
	FaultBearerInactiveNoChallenge = fault("bearer-no-challenge-inactive-token", "RFC 6750 §3",
		"a 401 for an expired or revoked token has no WWW-Authenticate header")
	FaultBearerScopeNoChallenge = fault("bearer-insufficient-scope-no-challenge", "RFC 6750 §3",
		"a 403 insufficient_scope has no WWW-Authenticate header")
	FaultBearerBareChallenge = fault("bearer-challenge-without-params", "RFC 6750 §3",
		"a request without credentials gets a bare \"WWW-Authenticate: Bearer\" without auth-params")
	FaultBearerTwoMethodsAccepted = fault("bearer-two-methods-accepted", "RFC 6750 §3.1",
		"the resource accepts a request that carries its token both in the Authorization header and in a form body")
	FaultBearerRevokedWrongError = fault("bearer-revoked-token-wrong-error", "RFC 6750 §3.1",
		"the 401 for an expired or revoked token names error=\"invalid_request\" instead of invalid_token")
	FaultBearerNoErrorCode = fault("bearer-invalid-token-without-error", "RFC 6750 §3.1",
		"the protected resource's challenge for an invalid token carries no error=\"invalid_token\"")
	FaultBearerRepeatedScope = fault("bearer-challenge-repeated-scope", "RFC 6750 §3",
		"the Bearer challenge repeats the scope attribute once per scope")
	FaultBearerUnsafeDescription = fault("bearer-error-description-unsafe", "RFC 6750 §3",
		"error_description in the Bearer challenge contains '\"' and non-ASCII characters")
	FaultNoResourceMetadata = fault("resource-metadata-missing", "RFC 9728 §5.1",
		"the protected resource's 401 challenge omits resource_metadata")
	FaultResourceMetaChallengeToAS = fault("resource-metadata-challenge-wrong-document", "RFC 9728 §3.3",
		"the resource's 401 challenge gives the authorization server metadata URL as resource_metadata")
	FaultMCPScopeChallengeNoMetadata = fault("mcp-insufficient-scope-without-resource-metadata", "MCP authorization, Scope Challenge Handling",
		"the MCP server's 403 insufficient_scope challenges carry no resource_metadata parameter")
	FaultMCPInvalidTokenNoMetadata = fault("mcp-invalid-token-challenge-without-resource-metadata", "MCP authorization §2.3.1",
		"the MCP server's 401 to a request with a token it does not accept carries no resource_metadata (only the 401 without a token does)")
	FaultMCPChallengeNoScope = fault("mcp-challenge-without-scope", "MCP authorization, Protected Resource Metadata Discovery",
		"the MCP server's 401 challenges carry no scope parameter")
	FaultBearerLongLived = fault("bearer-long-lived-tokens", "RFC 6750 §5.3",
		"access tokens live for 24 hours instead of the configured lifetime")

	// Resource indicators (RFC 8707).
	FaultResourceUnchecked = fault("resource-unchecked", "RFC 8707 §2",
		"invalid resource parameters are accepted instead of invalid_target")
	FaultResourceFragmentAtToken = fault("resource-fragment-ignored-at-token", "RFC 8707 §2",
		"the token endpoint drops a resource's fragment instead of refusing it")
	FaultResourceNotRepeatable = fault("resource-not-repeatable", "RFC 8707 §2",
		"an authorization request with more than one resource parameter is refused as a repeated parameter")
	FaultRefreshResourceUnchecked = fault("refresh-resource-unchecked", "RFC 8707 §2.2",
		"a refresh request's resource parameters are not validated")
	FaultMCPResourceCaseSensitive = fault("mcp-resource-case-sensitive", "MCP authorization §2.5.1",
		"resource indicators are compared case-sensitively: HTTP://HOST/mcp is refused")
	FaultMCPResourceAtTokenRefused = fault("mcp-resource-refused-at-token", "MCP authorization §2.5.1",
		"the token endpoint refuses the resource parameter of a code exchange")
	FaultMCPTokenWithoutAudience = fault("mcp-token-without-audience", "MCP authorization §2.6.2",
		"access tokens are issued without the audience the resource parameter asked for")

	// Grants and features that must not be offered (RFC 9700 §2.1.2, §2.4, §2.6).
	FaultBCPImplicitGrant = fault("implicit-grant-enabled", "RFC 9700 §2.1.2",
		"response_type=token is supported: the access token is sent in the redirect's fragment (implicit grant)")
	FaultBCPPasswordGrant = fault("password-grant-enabled", "RFC 9700 §2.4",
		"the token endpoint issues tokens for grant_type=password (resource owner password credentials)")
	FaultBCPAuthorizeCORS = fault("authorize-cors-allowed", "RFC 9700 §2.6",
		"the authorization endpoint answers CORS requests and preflights from any origin (with credentials)")

	// Transport security (RFC 7591 §5, RFC 7592 §5, RFC 7662 §4).
	FaultTLS12Unsupported = fault("tls12-unsupported", "RFC 7591 §5",
		"served over TLS (serve --tls-cert), the server completes TLS 1.3 handshakes only: a client limited to TLS 1.2 cannot register, manage its registration or introspect")

	// Client ID Metadata Documents (MCP authorization 2025-11-25).
	FaultCIMDBroken = fault("cimd-advertised-but-refused", "MCP authorization, Client ID Metadata Documents",
		"metadata advertises client_id_metadata_document_supported, documents are fetched, but every URL client_id is refused")
	FaultCIMDClientIDUnchecked = fault("cimd-client-id-unchecked", "MCP authorization, Client ID Metadata Documents",
		"a client metadata document whose client_id differs from its URL is accepted")
	FaultCIMDRedirectUnchecked = fault("cimd-redirect-uri-unchecked", "MCP authorization, Client ID Metadata Documents",
		"with a URL client_id, any redirect_uri is accepted, not only the document's redirect_uris")
	FaultCIMDFollowsRedirects = fault("cimd-follows-redirects", "MCP authorization, Client ID Metadata Documents",
		"client metadata documents are fetched following HTTP redirects")
	FaultCIMDLenientJSON = fault("cimd-lenient-json", "MCP authorization, Client ID Metadata Documents",
		"a client metadata document is read as its first JSON value: trailing data after the object is ignored instead of refused as invalid JSON")
	FaultCIMDRedirectURIsOptional = fault("cimd-redirect-uris-optional", "MCP authorization, Client ID Metadata Documents",
		"a client metadata document without redirect_uris is accepted, and the request's redirect_uri taken")
	FaultCIMDNotAdvertised = fault("cimd-not-advertised", "MCP authorization, Client ID Metadata Documents",
		"client metadata documents are fetched and their clients served, but the metadata lacks client_id_metadata_document_supported")
	FaultCIMDClientSecretAccepted = fault("cimd-client-secret-accepted", "MCP authorization, Client ID Metadata Documents",
		"a client metadata document carrying client_secret or client_secret_expires_at is accepted (the members ignored)")
	FaultCIMDURLFormUnchecked = fault("cimd-url-form-unchecked", "MCP authorization, Client ID Metadata Documents",
		"a client_id URL without a path, with dot segments, a fragment or a username and password is fetched like any other")
	FaultCIMDNoSizeLimit = fault("cimd-no-size-limit", "MCP authorization, Client ID Metadata Documents",
		"client metadata documents are read whole, whatever their size (up to 64 MiB)")
	FaultCIMDFetchFailureIgnored = fault("cimd-fetch-failure-ignored", "MCP authorization, Client ID Metadata Documents",
		"when a client metadata document cannot be fetched, the request goes on with a client made up from the client_id and the request's redirect_uri")
	FaultCIMDCachesFailures = fault("cimd-caches-failures", "MCP authorization, Client ID Metadata Documents",
		"a client metadata document that could not be fetched, or was invalid, is remembered as such for 30 seconds instead of being fetched again")
	FaultCIMDSecretMethodAllowed = fault("cimd-secret-auth-method-accepted", "MCP authorization, Client ID Metadata Documents",
		"client metadata documents declaring a client_secret_* token_endpoint_auth_method are accepted")

	VariantCIMDReadTruncated = variant("cimd-read-truncated", "MCP authorization, Client ID Metadata Documents",
		`a client metadata document is read up to 5 KiB and what was read is parsed, the rest left unread (a larger document whose JSON object ends within the limit is accepted): draft-ietf-oauth-client-id-metadata-document-00 §6.6 "Authorization servers SHOULD limit the response size when fetching the client metadata document"`)
)

// More faults of dynamic registration (RFC 7591), the client configuration
// endpoint (RFC 7592), introspection (RFC 7662), authorization server
// metadata (RFC 8414) and pushed authorization requests (RFC 9126).
var (
	FaultMetadataRegistrationHTTP = fault("metadata-registration-endpoint-http", "RFC 7591 §3",
		"metadata names the registration endpoint with the http scheme on a host other than the local machine")
	FaultMetadataPARHTTP = fault("metadata-par-endpoint-http", "RFC 9126 §2",
		"metadata names the PAR endpoint with the http scheme on a host other than the local machine")
	FaultRegisterJWKSBesideURI = fault("registration-jwks-beside-jwks-uri", "RFC 7591 §2",
		"client information responses with a jwks_uri carry a jwks member too")
	FaultRegMgmtUpdateTokenUnchecked = fault("registration-update-token-unchecked", "RFC 7592 §2.2",
		"the client configuration endpoint checks the registration access token of reads and deletes, not of updates: any bearer token updates a client")
	FaultRegMgmtDeleteTokenUnchecked = fault("registration-delete-token-unchecked", "RFC 7592 §2.3",
		"the client configuration endpoint checks the registration access token of reads and updates, not of deletes: any bearer token deletes a client")
	FaultMetadataJWKSUseMissing = fault("metadata-jwks-use-missing", "RFC 8414 §2",
		`the JWK Set at jwks_uri holds a signing and an encryption key, and the signing key has no "use"`)
	FaultMetadataSignedNoIss = fault("metadata-signed-metadata-without-iss", "RFC 8414 §2.1",
		"the metadata carries signed_metadata, a JWT whose claims have no iss")
	FaultMetadataSignedNested = fault("metadata-signed-metadata-nested", "RFC 8414 §2.1",
		"the JWT of signed_metadata carries a signed_metadata claim")
	FaultRevokePublicRefused = fault("revocation-public-clients-refused", "RFC 8414 §2",
		`the revocation endpoint refuses public clients (invalid_client) though revocation_endpoint_auth_methods_supported lists "none"`)
	FaultPARRequestURIAccepted = fault("par-request-uri-accepted", "RFC 9126 §2.1",
		"the PAR endpoint accepts a pushed request carrying a request_uri (and ignores it)")
	FaultRegisterStatementUnverified = fault("registration-software-statement-unverified", "RFC 7591 §3.2.2",
		"registration takes the claims of a software_statement without verifying its signature (even an unsigned one) over the request's metadata")
	FaultIntrospectAnyClient = fault("introspect-any-client", "RFC 7662 §4",
		"any authenticated client may introspect every token, a client registered a moment ago included")
	FaultRegMgmtDeleteKeepsTokens = fault("registration-delete-keeps-tokens", "RFC 7592 §2.3",
		"deleting a client disables its credentials and registration but leaves its access and refresh tokens valid")
	FaultRegisterNativeAppSecret = fault("registration-native-app-secret", "RFC 8252 §8.5",
		"a native app (application_type native) registering without client authentication is registered with client_secret_basic and a client secret")
	FaultConsentClientLinksHidden = fault("consent-client-links-hidden", "RFC 7591 §2",
		"the consent page shows none of the client's registered client_uri, tos_uri and policy_uri")
	FaultAccessTokenSignatureUnchecked = fault("access-token-signature-unchecked", "RFC 7662 §4",
		"access tokens are JWS-shaped (header.payload.signature) and are found by their header and payload alone: a token whose signature was altered is still active")
	FaultRequestObjectSignatureUnchecked = fault("request-object-signature-unchecked", "RFC 9126 §3",
		"the PAR endpoint takes a Request Object without verifying its signature against the client's registered keys")
	FaultRequestObjectClientIDUnchecked = fault("request-object-client-id-unchecked", "RFC 9126 §3",
		"the PAR endpoint takes a Request Object whose client_id claim names another client than the authenticated one")
	FaultPARSignedRequestObjectIgnored = fault("par-signed-request-object-not-enforced", "RFC 9126 §2.3",
		"registration keeps require_signed_request_object, but the PAR endpoint accepts plain pushed requests of such a client")
)

// The variants of the login, consent and error pages, of discovery and the
// issuer, and of the protected resource: choices the specifications permit
// that differ from the server's defaults. Every check must accept each of
// them.
var (
	// Login and consent (RFC 6749 §4.1.1, §10.2).
	VariantConsentTokenUnnamed = variant("consent-token-unnamed", "RFC 6749 §10.12",
		`the consent form's CSRF token, bound to the session, is in a field named session_code, a name that does not say it is one (as Keycloak's per-flow code): RFC 6749 §10.12 "The authorization server MUST implement CSRF protection for its authorization endpoint" says nothing of how`)
	VariantConsentNone = variant("consent-none", "RFC 6749 §4.1.1",
		`no consent page: a request is approved right after the user signs in; RFC 6749 §4.1.1: "the authorization server authenticates the resource owner and obtains an authorization decision (by asking the resource owner or by establishing approval via other means)."`)
	VariantConsentEveryTime = variant("consent-every-time", "RFC 6749 §4.1.1",
		`the consent page is shown for every request, an approval is never remembered (repeat_consent: always); RFC 6749 §4.1.1: "obtains an authorization decision (by asking the resource owner or by establishing approval via other means)."`)
	VariantLoginTwoStep = variant("login-two-step", "RFC 6749 §3.1",
		`the login asks for the username on one page and for the password on the next; RFC 6749 §3.1: "The way in which the authorization server authenticates the resource owner (e.g., username and password login, session cookies) is beyond the scope of this specification."`)

	// The page for a request that cannot be redirected (RFC 6749 §4.1.2.1).
	VariantMissingResponseTypeUnsupported = variant("missing-response-type-unsupported", "RFC 6749 §3.1.1",
		`a request without response_type is answered unsupported_response_type (as fosite does): RFC 6749 §3.1.1 "If an authorization request is missing the \"response_type\" parameter, or if the response type is not understood, the authorization server MUST return an error response as described in Section 4.1.2.1."`)
	VariantUnknownResponseTypeUnauthorized = variant("unknown-response-type-unauthorized-client", "RFC 6749 §4.1.2.1",
		`a response_type the server does not know is answered unauthorized_client, the client not being registered for it (as zitadel/oidc does): RFC 6749 §3.1.1 asks for "an error response as described in Section 4.1.2.1", and "unauthorized_client: The client is not authorized to request an authorization code using this method." fits the request as well as unsupported_response_type does`)
	VariantAuthMethodEnforced = variant("auth-method-enforced", "RFC 6749 §2.3",
		`a confidential client authenticates only with the token_endpoint_auth_method it registered (client_secret_basic when it named none), at the token, revocation, introspection and PAR endpoints; RFC 6749 §2.3: "The authorization server MAY accept any form of client authentication meeting its security requirements."`)
	VariantScopeRequired = variant("scope-required", "RFC 6749 §3.3",
		`a request without scope (authorization, client credentials) is refused with invalid_scope, there being no default scope; RFC 6749 §3.3: "If the client omits the scope parameter when requesting authorization, the authorization server MUST either process the request using a pre-defined default value or fail the request indicating an invalid scope."`)
	VariantErrorDescriptionOmitted = variant("error-description-omitted", "RFC 6749 §5.2",
		`error responses carry no error_description, at the token, revocation, introspection and registration endpoints and in error redirects, which misses the SHOULD of rfc7636-4.4.1-required-challenge-explained and rfc7636-4.4.1-unsupported-method-explained (WARN: RFC 7636 §4.4.1 asks for the explanation there); RFC 6749 §5.2: "error_description OPTIONAL. Human-readable ASCII [USASCII] text providing additional information"`)
	VariantIntrospectionMinimal = variant("introspection-minimal", "RFC 7662 §2.2",
		`introspection answers {"active": true} or {"active": false} and nothing else: no scope, client_id, exp or token_type; RFC 7662 §2.2: "active REQUIRED." and every other member "OPTIONAL"`)
	VariantStateRequired = variant("state-required", "RFC 6749 §4.1.1",
		`an authorization request without a state of at least 8 characters is refused with invalid_request, as fosite does by default; RFC 6749 §10.12: "The client MUST implement CSRF protection", and a server may insist on the state that carries it`)
	VariantScopeOnePerGrant = variant("scope-one-per-grant", "RFC 6749 §3.3",
		`a grant holds one scope, the first the request names, and the token response says so in scope; RFC 6749 §3.3: "The authorization server MAY fully or partially ignore the scope requested by the client, based on the authorization server policy or the resource owner's instructions."`)
	VariantResponsesDecorated = variant("responses-decorated", "RFC 6749 §5.1",
		`responses dressed as many servers send them: JSON as application/json;charset=UTF-8, Cache-Control "no-store, no-cache, max-age=0, must-revalidate", token responses with refresh_expires_in, not-before-policy and session_state, errors with timestamp and trace_id, authorization responses with session_state; RFC 6749 §5.1: "The client MUST ignore unrecognized value names in the response."`)
	VariantConsentRedirect302 = variant("consent-redirect-302", "RFC 9700 §4.12",
		`the consent form is answered with a 302 redirect to the client (the login form still with 303): RFC 9700 §4.12 asks for 303 for "a request that potentially contains the user's credentials", and the consent form holds none`)
	VariantRelativeLocations = variant("relative-locations", "RFC 9110 §10.2.2",
		`redirects to the server's own pages (login, consent, the authorization endpoint) carry a relative Location, a path; RFC 9110 §10.2.2: "The field value consists of a single URI-reference. When it has the form of a relative reference ([URI], Section 4.2), the final value is computed by resolving it against the target URI ([URI], Section 5)."`)
	VariantResourceSecondAS = variant("resource-second-as", "RFC 9728 §2",
		`the resource's metadata lists a second authorization server, on another origin (https://idp.authspec.invalid, which the run may not reach), after this one; RFC 9728 §2: "authorization_servers OPTIONAL. JSON array containing a list of OAuth authorization server issuer identifiers, as defined in [RFC8414], for authorization servers that can be used with this protected resource."`)
	VariantEarlierGrantsRevoked = variant("earlier-grants-revoked", "RFC 6749 §5.2",
		`a new authorization of a client by the same user revokes the client's earlier grant from that user: its unredeemed code and its tokens (Cloudflare's workers-oauth-provider does so by default); RFC 6749 leaves how many grants a user keeps per client to the server, and §5.2 names what such a grant becomes: "invalid_grant The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."`)
	VariantMCPEventStream = variant("mcp-event-stream", "MCP authorization, Streamable HTTP transport",
		`the MCP server answers every JSON-RPC POST with a text/event-stream holding the response as one event; MCP 2025-11-25, Streamable HTTP: "If the input is a JSON-RPC request, the server MUST either return Content-Type: text/event-stream, to initiate an SSE stream, or Content-Type: application/json, to return one JSON object."`)
	VariantErrorPage200 = variant("error-page-200", "RFC 6749 §4.1.2.1",
		`the page for an invalid client_id or redirect_uri (any 400 page of the authorization endpoint) is served with 200, which misses the SHOULD of oauth21-4.1.2.1-error-page-400 (WARN: OAuth 2.1 §4.1.2.1 asks for 400); RFC 6749 §4.1.2.1 only says "the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI."`)
	VariantErrorPageRedirect = variant("error-page-redirect", "RFC 6749 §4.1.2.1",
		`the page for an invalid client_id or redirect_uri is the server's own /error page, reached by a redirect and served with 200, which misses the SHOULD of oauth21-4.1.2.1-error-page-400 (WARN: OAuth 2.1 §4.1.2.1 asks for 400); RFC 6749 §4.1.2.1: "the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI."`)
	VariantErrorPageBare = variant("error-page-bare", "RFC 6749 §4.1.2.1",
		`the error pages of the authorization endpoint are plain text, no HTML and no form; RFC 6749 §4.1.2.1: "the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI."`)
	VariantFrameBustingScript = variant("frame-busting-script", "RFC 9700 §4.16",
		`login and consent pages forbid framing by frame-busting JavaScript instead of X-Frame-Options and CSP frame-ancestors, which misses the SHOULD of rfc9700-4.16-csp-frame-ancestors (WARN): RFC 9700 §4.16 "Multiple countermeasures are described in [RFC6819], including the use of the X-Frame-Options HTTP response header field and frame-busting JavaScript."`)
	VariantNoReferrerPolicy = variant("no-referrer-policy", "RFC 9700 §4.2.4",
		`pages are served without a Referrer-Policy (the pages load no third-party resource); RFC 9700 §4.2.4 lists the Referrer-Policy among the measures that "further reduce the chances of a successful attack", after the SHOULD NOT about third-party resources that the pages meet.`)

	// Discovery and the issuer (RFC 8414, MCP authorization).
	VariantOpenIDDiscoveryOnly = variant("openid-discovery-only", "MCP authorization, Overview",
		`the metadata is served only at the OpenID Connect Discovery URL (issuer + /.well-known/openid-configuration), not at /.well-known/oauth-authorization-server; MCP authorization: "MCP authorization servers MUST provide at least one of the following discovery mechanisms: OAuth 2.0 Authorization Server Metadata (RFC8414); OpenID Connect Discovery 1.0", and RFC 8414 §3 names its suffix the one used "By default". With an issuer path the document sits where OpenID Connect Discovery appends the suffix, not where RFC 8414 §3 inserts it: rfc8414-3-well-known-inserted reports that as an observation (RFC 8414 §5 has clients fall back to that location).`)
	VariantIssuerPath = variant("issuer-path", "RFC 8414 §3.1",
		`the issuer identifier has a path (/tenant-a), every endpoint lives below it and the metadata at the inserted well-known URL; RFC 8414 §2: "issuer REQUIRED. The authorization server's issuer identifier, which is a URL that uses the "https" scheme and has no query or fragment components."`)
	VariantIssuerTrailingSlash = variant("issuer-trailing-slash", "RFC 8414 §3.1",
		`the issuer identifier ends with "/", given so in the metadata, the iss parameter and the resource metadata; RFC 8414 §3.1: "If the issuer identifier value contains a path component, any terminating "/" MUST be removed before inserting "/.well-known/" and the well-known URI suffix between the host component and the path component."`)

	// The protected resource (RFC 6750, RFC 9728, MCP Streamable HTTP).
	VariantResourceGet405 = variant("resource-get-405", "RFC 6750 §3.1",
		`the demo resource answers every GET with 405 (POST only, as an MCP server without an SSE stream); RFC 6750 §3.1: "the resource server responds using the appropriate HTTP status code (typically, 400, 401, 403, or 405)", and MCP's Streamable HTTP transport: "The server MUST either return Content-Type: text/event-stream in response to this HTTP GET, or else return HTTP 405 Method Not Allowed"`)
	VariantBearerMalformed401 = variant("bearer-malformed-401", "RFC 6750 §3.1",
		`a malformed Authorization header ("Bearer" and a value that is not b64token) is answered 401 invalid_token, the value read as a malformed token: RFC 6750 §3.1 lists malformed tokens under invalid_token, "The access token provided is expired, revoked, malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP 401 (Unauthorized) status code."`)
	VariantResourceMetadataCustomURL = variant("resource-metadata-custom-url", "RFC 9728 §5.1",
		`the challenge's resource_metadata names /metadata/mcp.json, where the metadata is served too (as at the well-known URL); RFC 9728 §5.1: "resource_metadata: The URL of the protected resource metadata."`)
	VariantBearerHeaderOnly = variant("bearer-header-only", "RFC 6750 §2.2",
		`the demo resource takes the access token from the Authorization header only, not from a form-encoded body (access_token); RFC 6750 §2.2 says of the body method "Resource servers MAY support this method."`)
	VariantChallengeExtraParams = variant("challenge-extra-params", "RFC 6750 §3",
		`the Bearer challenges carry more auth-params: error_uri with each error and an extension parameter; RFC 6750 §3: "It also MAY include the "error_uri" attribute with an absolute URI identifying a human-readable web page explaining the error."`)
)

// The variants: choices the specifications permit that differ from the
// server's defaults. Every check must accept each of them.
var (
	// Token endpoint: the request (RFC 6749 §3.2, §4.1.3).
	VariantTokenJSONBody = variant("token-json-body-accepted", "RFC 6749 §4.1.3",
		`the token, revocation and introspection endpoints also accept a JSON body: the form encoding binds the client, RFC 6749 §4.1.3 "The client makes a request to the token endpoint by sending the following parameters using the "application/x-www-form-urlencoded" format"`)

	// Token endpoint: responses (RFC 6749 §5.1).
	VariantTokenTypeLowercase = variant("token-type-lowercase", "RFC 6749 §5.1",
		`token responses give token_type "bearer" in lower case: RFC 6749 §5.1 says of token_type "Value is case insensitive."`)
	VariantExpiresInOmitted = variant("expires-in-omitted", "RFC 6749 §5.1",
		`token responses carry no expires_in: RFC 6749 §5.1 makes it "RECOMMENDED. The lifetime in seconds of the access token." (rfc6749-5.1-expires-in-recommended WARNs)`)
	VariantScopeNoMemberWhenEqual = variant("scope-no-member-when-equal", "RFC 6749 §5.1",
		`token responses omit scope when the scope granted is the one requested: RFC 6749 §5.1 scope is "OPTIONAL, if identical to the scope requested by the client; otherwise, REQUIRED."`)
	VariantUnknownScopeDropped = variant("unknown-scope-dropped", "RFC 6749 §3.3",
		`scope values the server does not know are dropped from the request (the default scope when none is left) and the scope member reports what was granted: RFC 6749 §3.3 "The authorization server MAY fully or partially ignore the scope requested by the client, based on the authorization server policy or the resource owner's instructions."`)
	VariantRefreshNarrowingIgnored = variant("token-refresh-narrowing-ignored", "RFC 6749 §3.3",
		`a narrower scope asked for at refresh is ignored: the original scope is issued and the scope member says so (RFC 6749 §3.3 "The authorization server MAY fully or partially ignore the scope requested by the client")`)
	VariantCodeLifetime10Minutes = variant("code-lifetime-10-minutes", "RFC 6749 §4.1.2",
		`authorization codes live 10 minutes instead of 60 seconds: RFC 6749 §4.1.2 "A maximum authorization code lifetime of 10 minutes is RECOMMENDED."`)

	// Token endpoint: client authentication and grants (RFC 6749 §2.3, §5.2, RFC 7591 §3.2.1).
	VariantBasicOnly = variant("basic-only", "RFC 6749 §2.3.1",
		`client_secret_post is neither advertised nor accepted, only client_secret_basic (and none for public clients): RFC 6749 §2.3.1 "Alternatively, the authorization server MAY support including the client credentials in the request-body"`)
	VariantInvalidClient400Post = variant("invalid-client-400-post", "RFC 6749 §5.2",
		`invalid_client is answered 400 when the client did not use the Authorization header: RFC 6749 §5.2 "The authorization server MAY return an HTTP 401 (Unauthorized) status code to indicate which HTTP authentication schemes are supported. If the client attempted to authenticate via the "Authorization" request header field, the authorization server MUST respond with an HTTP 401"`)
	VariantClientCredentialsRestricted = variant("client-credentials-restricted", "RFC 7591 §3.2.1",
		`registration drops client_credentials from the grant types a client asks for: only clients configured by the operator use that grant (RFC 7591 §3.2.1 "The authorization server MAY reject or replace any of the client's requested metadata values submitted during the registration and substitute them with suitable values.")`)

	// Refresh tokens (RFC 6749 §5.1, §6).
	VariantRefreshTokensNever = variant("refresh-tokens-never", "RFC 6749 §5.1",
		`no refresh tokens are issued and the refresh_token grant is not offered: RFC 6749 §5.1 refresh_token is "OPTIONAL."`)
	VariantRefreshTokensAlways = variant("refresh-tokens-always", "RFC 6749 §5.1",
		`every code exchange returns a refresh token, whatever grant types the client registered, and any client holding one may use it: RFC 6749 §5.1 refresh_token is "OPTIONAL."`)
	VariantAssertionAudIssuerOnly = variant("client-assertion-aud-issuer-only", "OAuth 2.1 §2.4",
		`a private_key_jwt client_assertion must have the issuer identifier as its sole aud value, a JSON string: the token endpoint and PAR endpoint URLs are refused, as draft-ietf-oauth-rfc7523bis (which OAuth 2.1 §2.4 says clients and authorization servers MUST follow, and which updates RFC 9126) requires: "The authorization server MUST reject any JWT that does not contain its issuer identifier as its sole audience value". RFC 9126 §2 as published requires accepting those URLs at the PAR endpoint, so rfc9126-2-client-assertion-audiences reports their refusal as an observation (WARN)`)
	VariantRefreshRetryGrace = variant("refresh-retry-grace", "RFC 9700 §4.14.2",
		`a public client's rotated refresh token stays usable until its replacement is first used, so that a client whose refresh response was lost can retry (Cloudflare's workers-oauth-provider does so); a replay after the replacement has been used is detected and revokes the family. RFC 9700 §4.14.2 describes rotation as "The previous refresh token is invalidated but information about the relationship is retained by the authorization server", in a sentence without a keyword, so rfc9700-4.14.2-public-refresh-rotation reports the retry window as an observation (WARN)`)
	VariantRefreshRotateAll = variant("refresh-rotate-all", "RFC 6749 §6",
		`refresh tokens of confidential clients are rotated too: RFC 6749 §6 "The authorization server MAY issue a new refresh token, in which case the client MUST discard the old refresh token and replace it with the new refresh token."`)

	// PKCE (RFC 7636, RFC 9700 §2.1.1).
	VariantPKCEMissingVerifierInvalidRequest = variant("pkce-missing-verifier-invalid-request", "RFC 6749 §5.2",
		`a code issued with a code_challenge and redeemed without code_verifier is answered invalid_request: RFC 6749 §5.2 "invalid_request: The request is missing a required parameter"`)
	// OAuth 2.1: the rules of the draft that RFC 6749, RFC 7636 and RFC 9700
	// leave open. The defaults follow OAuth 2.1; these variants are lawful
	// OAuth 2.0 servers that do not claim it (the oauth21 checks with a
	// Claim are SKIP in their unclaimed runs, and FAIL under --claim oauth2.1).
	VariantConsentLogoHidden = variant("consent-logo-hidden", "RFC 7591 §2",
		`the consent page shows no client logo, which misses the SHOULD of rfc7591-2-logo-uri-shown (WARN): RFC 7591 §2 "logo_uri ... If present, the server SHOULD display this image to the end-user during approval."`)
	VariantConsentLogoHotlinked = variant("consent-logo-hotlinked", "MCP authorization, Client ID Metadata Documents",
		`the consent page has the browser load the client's logo from its logo_uri instead of a copy the server fetched, which misses the SHOULD of mcp-2025-11-25-cimd-logo-prefetched (WARN): "Authorization servers that wish to make use of the logo_uri property within client metadata document SHOULD prefetch the file at logo_uri and cache it for the cache duration of the client metadata document."`)
	VariantOAuth21Clients = variant("oauth21-clients", "OAuth 2.1 §10.2",
		`every client is treated as an OAuth 2.1 client: the token endpoint does not require the authorization request's redirect_uri (a redirect_uri sent is still compared). OAuth 2.1 §10.2 "The authorization server can use the client_id in the request to determine whether to enforce this behavior for the specific client"; a run against it sets oauth21_clients: true, under which oauth21-10.2-redirect-uri-not-required judges it and rfc6749-4.1.3-redirect-uri-required SKIPs`)
	VariantPKCEOptionalConfidential = variant("pkce-optional-confidential", "RFC 9700 §2.1.1",
		`confidential clients may leave out code_challenge, and redeem the code without code_verifier: RFC 9700 §2.1.1 "For confidential clients, the use of PKCE [RFC7636] is RECOMMENDED" (OAuth 2.1 §4.1.2.1 requires it: oauth21-4.1.2.1-pkce-required-confidential FAILs under the claim)`)
	VariantDPoPNotSupported = variant("dpop-not-supported", "RFC 9700 §2.2.1",
		`no sender-constrained access tokens: the metadata has no dpop_signing_alg_values_supported and the token endpoint ignores DPoP proofs (Bearer tokens), which misses the SHOULD of rfc9700-2.2.1-sender-constraining-offered (WARN): RFC 9700 §2.2.1 "Authorization and resource servers SHOULD use mechanisms for sender-constraining access tokens" (the RFC 9449 checks are SKIP)`)
	VariantConsentRememberedPublic = variant("consent-remembered-public", "RFC 8252 §8.6",
		`a public client's approval is remembered like a confidential client's, so its next request in the session gets a code without the consent page, which misses the SHOULD of rfc8252-8.6-public-consent-asked-again (WARN; OAuth 2.1 §7.3.1 repeats it): RFC 8252 §8.6 "unless the identity of the client can be proven, the request SHOULD be processed as if no previous request had been approved"`)
	VariantPKCEPlainSupported = variant("pkce-plain-supported", "RFC 7636 §4.2",
		`code_challenge_method plain is accepted and advertised besides S256: RFC 7636 §4.2 "Clients are permitted to use "plain" only if they cannot support "S256" for some technical reason and know via out-of-band configuration that the server supports "plain"."`,
		"pkce-plain-accepted")
	VariantPKCESyntaxUnchecked = variant("pkce-syntax-unchecked", "RFC 7636 §4.1",
		`the syntax of code_verifier and code_challenge (length, characters) is not enforced, only the match: RFC 7636 §4.1 binds the client, "The client first creates a code verifier, "code_verifier", for each OAuth 2.0 [RFC6749] Authorization Request"`,
		"pkce-verifier-syntax-lax", "pkce-verifier-length-unbounded", "pkce-verifier-charset-unchecked", "pkce-challenge-syntax-unchecked")

	// Resource indicators (RFC 8707).
	VariantResourceDefaultAudience = variant("resource-default-audience", "RFC 8707 §2",
		`a request without resource gets the server's only resource as audience: RFC 8707 §2 "If the client omits the resource parameter when requesting authorization, the authorization server MAY process the request with no specific resource or by using a predefined default resource value."`)
	VariantResourceNotSupported = variant("resource-not-supported", "RFC 6749 §3.1",
		`resource indicators are not implemented: the resource parameter is ignored and access tokens are not audience-restricted (RFC 6749 §3.1 "The authorization server MUST ignore unrecognized request parameters.")`)
	VariantResourceOutsideGrantIgnored = variant("resource-outside-grant-ignored", "RFC 8707 §2.2",
		`a token request (code exchange or refresh) naming a resource outside the grant is not refused: the resource is ignored and the token issued for the grant's resources: RFC 8707 §2.2 "The resource value(s) that is acceptable to an authorization server in fulfilling an access token request is at its sole discretion based on local policy or configuration."`)
	VariantResourceAnyAbsoluteURI = variant("resource-any-absolute-uri", "RFC 8707 §2.2",
		`any absolute URI without a fragment is accepted as a resource, served here or not: RFC 8707 §2.2 "The resource value(s) that is acceptable to an authorization server in fulfilling an access token request is at its sole discretion based on local policy or configuration."`,
		"resource-unknown-accepted-at-authorize", "resource-unknown-accepted-at-token")

	// Revocation (RFC 7009).
	VariantRevocationRefreshOnly = variant("revocation-refresh-only", "RFC 7009 §2",
		`access tokens cannot be revoked (unsupported_token_type), refresh tokens can: RFC 7009 §2 "Implementations MUST support the revocation of refresh tokens and SHOULD support the revocation of access tokens", and §2.2.1 defines "unsupported_token_type" for it`)
	VariantSelfContainedAccessTokens = variant("self-contained-access-tokens", "RFC 7009 §2.1",
		`access tokens are self-contained and stay valid until they expire: their revocation is answered 200 and changes nothing, and revoking a refresh token leaves them valid (RFC 7009 §2.1 "Depending on the authorization server's revocation policy, the revocation of a particular token may cause the revocation of related tokens and the underlying authorization grant."; a SHOULD not met: rfc7009-2.1-access-token-revoked may WARN)`)

	// Introspection (RFC 7662).
	VariantIntrospectionBasicOnly = variant("introspection-basic-only", "RFC 7662 §2.1",
		`the introspection endpoint accepts only client_secret_basic, and says so in the metadata: RFC 7662 §2.1 "The methods of managing and validating these authentication credentials are out of scope of this specification."`)

	// Dynamic registration (RFC 7591, RFC 7592).
	VariantRegistrationInitialAccessToken = variant("registration-initial-access-token", "RFC 7591 §3",
		`registration requires an initial access token (Config.InitialAccessToken, serve --initial-access-token): RFC 7591 §3 "The client registration endpoint MAY be an OAuth 2.0 [RFC6749] protected resource and it MAY accept an initial access token in the form of an OAuth 2.0 access token to limit registration to only previously authorized parties." (a SHOULD not met: rfc7591-3-open-registration may WARN)`)
	VariantRegistrationTokenRotated = variant("registration-token-rotated", "RFC 7592 §3",
		`every read and update of a client's configuration answers with a new registration access token and retires the one used: RFC 7592 §3 "Some values in the response, including the "client_secret" and "registration_access_token", MAY be different from those in the initial registration response."`)
	VariantSecretsExpire = variant("secrets-expire", "RFC 7591 §3.2.1",
		`client secrets expire a day after they are issued, and client_secret_expires_at says when: RFC 7591 §3.2.1 client_secret_expires_at is the "Time at which the client secret will expire or 0 if it will not expire."`)
)

// Pushed authorization requests (RFC 9126): the faults and the variants.
var (
	FaultPARNoClientAuth = fault("par-no-client-auth", "RFC 9126 §2.1",
		"the pushed authorization request endpoint takes a confidential client's client_id without its credentials")
	FaultPARRequestUnvalidated = fault("par-request-unvalidated", "RFC 9126 §2.1",
		"the pushed authorization request endpoint does not check the redirect_uri of the pushed request")
	FaultPARGetAccepted = fault("par-get-accepted", "RFC 9126 §2.3",
		"the pushed authorization request endpoint takes a request sent by GET, its parameters in the query")
	FaultPARWrongStatus = fault("par-wrong-status", "RFC 9126 §2.2",
		"the pushed authorization request endpoint answers a successful push with 200 instead of 201")
	FaultPARMissingExpiresIn = fault("par-missing-expires-in", "RFC 9126 §2.2",
		"the pushed authorization request endpoint's response has no expires_in")
	FaultPARNotBoundToClient = fault("par-request-uri-not-bound-to-client", "RFC 9126 §2.2",
		"the authorization endpoint serves a request_uri with the client_id of another client than the one that pushed it")
	FaultPARQueryParamsOverride = fault("par-query-params-override", "RFC 9126 §2.2",
		"the state of the authorization request replaces the state of the pushed request its request_uri names")
	FaultPARRequestURIReusable = fault("par-request-uri-reusable", "RFC 9126 §4",
		"a request_uri can be used at the authorization endpoint any number of times")
	FaultPARExpiredAccepted = fault("par-expired-accepted", "RFC 9126 §4",
		"a request_uri is accepted for an hour after the lifetime its expires_in gave")
	FaultPARRequestURIIgnored = fault("par-request-uri-ignored", "RFC 9126 §5",
		"the authorization endpoint ignores request_uri and reads the request as a plain one")
	FaultPARRequiredNotEnforced = fault("par-required-not-enforced", "RFC 9126 §4",
		"plain authorization requests are served although the server, or the client's registration, requires pushed authorization requests")

	VariantPARLongLived = variant("par-request-uri-long-lived", "RFC 9126 §2.2",
		`request_uri values live 600 seconds instead of 10: RFC 9126 §2.2 expires_in "The request URI lifetime is at the discretion of the authorization server but will typically be relatively short (e.g., between 5 and 600 seconds)."`)
	VariantPARReloadAllowed = variant("par-reload-allowed", "RFC 9126 §4",
		`a request_uri may be used again by the browser that used it first (its authspec_browser cookie), as a reload would: RFC 9126 §4 "Authorization servers SHOULD treat request_uri values as one-time use but MAY allow for duplicate requests due to a user reloading/refreshing their user agent."`)
	VariantPARRequired = variant("par-required", "RFC 9126 §4",
		`every client must push its authorization requests, as with Config.RequirePAR, and the metadata says so (require_pushed_authorization_requests: true): RFC 9126 §4 "Authorization server policy MAY dictate, either globally or on a per-client basis, that PAR be the only means for a client to pass authorization request data."`)
)

// The behaviours of DPoP (RFC 9449): faults, then variants.
var (
	// Checking proofs (RFC 9449 §4.3, §11).
	FaultDPoPHTMNotChecked = fault("dpop-htm-not-checked", "RFC 9449 §4.3",
		"the htm claim of a DPoP proof is not compared with the request's method")
	FaultDPoPHTUNotChecked = fault("dpop-htu-not-checked", "RFC 9449 §4.3",
		"the htu claim of a DPoP proof is not compared with the request's URI, at the token endpoint and at the resource")
	FaultDPoPTypNotChecked = fault("dpop-typ-not-checked", "RFC 9449 §4.3",
		"a DPoP proof whose typ is not dpop+jwt is accepted")
	FaultDPoPSignatureNotChecked = fault("dpop-signature-not-checked", "RFC 9449 §4.3",
		"the signature of a DPoP proof is not verified with its jwk")
	FaultDPoPPrivateJWKAccepted = fault("dpop-private-jwk-accepted", "RFC 9449 §4.3",
		"a DPoP proof whose jwk holds the private key is accepted")
	FaultDPoPAlgNoneAccepted = fault("dpop-alg-none-accepted", "RFC 9449 §11.6",
		`an unsigned DPoP proof (alg "none") is accepted`)
	FaultDPoPIATNotChecked = fault("dpop-iat-not-checked", "RFC 9449 §11.1",
		"a DPoP proof is accepted whatever its iat: proofs never grow old")
	FaultDPoPReplayAccepted = fault("dpop-replay-accepted", "RFC 9449 §11.1",
		"the jti of DPoP proofs is not tracked: a proof is accepted again and again")
	FaultDPoPWrongErrorCode = fault("dpop-invalid-proof-wrong-error", "RFC 9449 §5",
		"an invalid DPoP proof at the token endpoint is answered invalid_request instead of invalid_dpop_proof")
	FaultDPoPNonceNotCompared = fault("dpop-nonce-not-compared", "RFC 9449 §8",
		"the token endpoint asks for a DPoP nonce (use_dpop_nonce) but accepts any nonce value")
	FaultDPoPSeveralHeadersAccepted = fault("dpop-several-headers-accepted", "RFC 9449 §4.3",
		"a request with two DPoP header fields is judged by the first")
	FaultDPoPJSONSerializationAccepted = fault("dpop-json-serialization-accepted", "RFC 9449 §4.3",
		"a DPoP proof in the JWS JSON Serialization, which is not a JWT, is accepted")
	FaultDPoPAbsentClaimsAccepted = fault("dpop-absent-claims-accepted", "RFC 9449 §4.3",
		"a DPoP proof lacking jti, htm, htu or iat, or ath at the resource, is accepted: only the claims present are checked")
	FaultDPoPHTUNotNormalized = fault("dpop-htu-not-normalized", "RFC 9449 §4.3",
		"the htu claim is compared with the request's URI character for character, without RFC 3986 normalization")
	FaultDPoPHS256Accepted = fault("dpop-hs256-accepted", "RFC 9449 §11.6",
		"a DPoP proof signed HS256 with the symmetric key of its jwk is accepted")
	FaultDPoPFutureIATAccepted = fault("dpop-future-iat-accepted", "RFC 9449 §11.1",
		"a DPoP proof whose iat is in the future is accepted however far ahead: only the age of a proof is bounded")
	FaultDPoPNonceSpared = fault("dpop-nonce-spared", "RFC 9449 §11.3",
		"once a key has been sent a DPoP nonce, the token endpoint accepts its proofs without a nonce claim")
	FaultDPoPNonceHeaderTwice = fault("dpop-nonce-header-twice", "RFC 9449 §8",
		"use_dpop_nonce responses of the token endpoint carry two DPoP-Nonce header fields")

	// Binding (RFC 9449 §5, §7, §10).
	FaultDPoPTokenTypeBearer = fault("dpop-token-type-bearer", "RFC 9449 §5",
		"a DPoP-bound access token is answered with token_type Bearer")
	FaultDPoPRefreshNotBound = fault("dpop-refresh-not-bound", "RFC 9449 §5",
		"a public client's refresh token is not bound to its DPoP key: a proof of another key, or none, refreshes it")
	FaultDPoPBoundAccessTokensIgnored = fault("dpop-bound-access-tokens-ignored", "RFC 9449 §5.2",
		"a client registered with dpop_bound_access_tokens true gets tokens without a DPoP proof")
	FaultDPoPPARProofIgnored = fault("dpop-par-proof-ignored", "RFC 9449 §10.1",
		"the PAR endpoint ignores a DPoP header: the proof is not checked and the code is not bound to its key")
	FaultDPoPPARJKTIgnored = fault("dpop-par-jkt-ignored", "RFC 9449 §10.1",
		"the PAR endpoint drops the dpop_jkt of a pushed request: the code is not bound to the key")
	FaultDPoPPARJKTMismatchAccepted = fault("dpop-par-jkt-mismatch-accepted", "RFC 9449 §10.1",
		"a pushed request with dpop_jkt of one key and a DPoP proof of another is accepted, bound to dpop_jkt")
	FaultDPoPLongLivedTokens = fault("dpop-long-lived-access-tokens", "RFC 9449 §11.2",
		"DPoP-bound access tokens live 30 days, whether or not the server uses DPoP nonces")
	FaultDPoPJKTNotChecked = fault("dpop-jkt-not-checked", "RFC 9449 §10",
		"the dpop_jkt of the authorization request is not compared with the key of the DPoP proof at the token endpoint")
	FaultDPoPBoundTokenAsBearer = fault("dpop-bound-token-as-bearer-accepted", "RFC 9449 §7.2",
		"the resource accepts a DPoP-bound access token sent as a bearer token")
	FaultDPoPATHNotChecked = fault("dpop-ath-not-checked", "RFC 9449 §4.3",
		"the resource does not compare the ath claim of a DPoP proof with the hash of the access token")
	FaultDPoPResourceKeyNotChecked = fault("dpop-resource-key-not-checked", "RFC 9449 §6",
		"the resource does not compare the key of a DPoP proof with the key the access token is bound to (cnf.jkt)")
	FaultDPoPAlgsAdvertiseNone = fault("dpop-algs-advertise-none", "RFC 9449 §11.6",
		`dpop_signing_alg_values_supported lists "none"`)

	// Challenges of the resource (RFC 9449 §7.1, §7.2).
	FaultDPoPChallengeNoError = fault("dpop-challenge-no-error", "RFC 9449 §7.1",
		"the resource's DPoP challenge to a refused proof carries no error parameter")
	FaultDPoPChallengeNoAlgs = fault("dpop-challenge-no-algs", "RFC 9449 §7.1",
		"the resource's DPoP challenge carries no algs parameter")
	FaultDPoPErrorInBearerChallenge = fault("dpop-error-in-bearer-challenge", "RFC 9449 §7.2",
		"the resource answers a refused DPoP proof with a Bearer challenge carrying the error, and no DPoP challenge")
	FaultDPoPProxyAuthenticate = fault("dpop-proxy-authenticate", "RFC 9449 §7.1",
		"the resource repeats its DPoP challenge in a Proxy-Authenticate header")

	// Introspection of DPoP-bound tokens (RFC 9449 §6.1, §6.2).
	FaultDPoPIntrospectionBearer = fault("dpop-introspection-token-type-bearer", "RFC 9449 §6.2",
		"introspection of a DPoP-bound access token says token_type Bearer, without cnf")
	FaultDPoPCnfJKTHex = fault("dpop-cnf-jkt-hex", "RFC 9449 §6.1",
		"cnf.jkt in the introspection of a DPoP-bound access token is the thumbprint in hex, not base64url")

	VariantDPoPNoNonce = variant("dpop-nonce-not-required", "RFC 9449 §8",
		`the token endpoint asks for no nonce in DPoP proofs (the default asks for one with use_dpop_nonce and DPoP-Nonce): RFC 9449 §8 "An authorization server MAY supply a nonce value to be included by the client in DPoP proofs sent." (rfc9449-8-nonce-mismatch-refused, rfc9449-8-one-nonce-header and rfc9449-11.3-nonce-required-once-given are SKIP)`)
	VariantDPoPResourceNonceRequired = variant("dpop-resource-nonce-required", "RFC 9449 §9",
		`the resource requires a nonce of its own in DPoP proofs: RFC 9449 §9 "Resource servers can also choose to provide a nonce value to be included in DPoP proofs sent to them."`)
	VariantDPoPAlgsRSA = variant("dpop-algs-rsa", "RFC 9449 §4.3",
		`DPoP proofs are accepted signed with PS256 or RS256 only: RFC 9449 §4.3 the alg "is supported by the application, and is acceptable per local policy."`)
)

// RFC 6749, RFC 6750, RFC 7636, RFC 8707 and RFC 9728: the encoding of
// client secrets, the lifetime and integrity of codes and tokens, error
// texts, signed metadata.
var (
	FaultBasicPlusKept = fault("basic-plus-kept", "RFC 6749 §2.3.1",
		"the HTTP Basic password is percent-decoded only: a raw '+' stays '+' instead of becoming a space, so a wrong password authenticates")
	FaultCodeNeverExpires = fault("code-never-expires", "RFC 6749 §4.1.2",
		"authorization codes are redeemed after their lifetime has passed")
	FaultCodesCounter = fault("codes-counter", "RFC 6749 §10.10",
		"authorization codes are a counter behind a fixed prefix: 44 characters, but the next one is easy to guess")
	FaultRegistrationTokensCounter = fault("registration-tokens-counter", "RFC 7592 §5",
		"registration access tokens are a counter behind a fixed prefix: 64 characters, but the next one is easy to guess")
	FaultResourceExpiryUnchecked = fault("resource-expiry-unchecked", "RFC 6749 §7",
		"the resource accepts access tokens whose lifetime has passed (revoked ones it refuses)")
	FaultResourceCacheable = fault("resource-cacheable", "RFC 6750 §2.3",
		"the resource's 2xx answers carry no Cache-Control (a token accepted in the query, with mcp-query-token-accepted, gives an answer caches may store)")
	FaultResourceJWKSNoUse = fault("resource-jwks-no-use", "RFC 9728 §2",
		"the resource's metadata names a jwks_uri whose JWK Set holds a signing key and an encryption key, the encryption key without use")
	FaultResourceSignedMetadataNoIss = fault("resource-signed-metadata-no-iss", "RFC 9728 §2.2",
		"the resource's metadata carries signed_metadata whose claims have no iss")
	FaultResourceSignedMetadataNested = fault("resource-signed-metadata-nested", "RFC 9728 §2.2",
		"the resource's metadata carries signed_metadata whose claims hold a signed_metadata claim of their own")
	FaultImplicitRefreshToken = fault("implicit-refresh-token", "RFC 6749 §4.2.2",
		"with implicit-grant-enabled, the implicit grant's redirect carries a refresh token")
	FaultImplicitRedirectUnverified = fault("implicit-redirect-unverified", "RFC 6749 §4.2.1",
		"with implicit-grant-enabled, an implicit grant request is redirected, with its access token, to whatever redirect_uri it names")
	FaultPasswordGrantUnchecked = fault("password-grant-password-unchecked", "RFC 6749 §4.3.2",
		"with password-grant-enabled, the password grant issues tokens for a known username whatever the password")
	FaultOwnerNotAuthenticated = fault("owner-not-authenticated", "RFC 6749 §3.1",
		"the authorization endpoint issues codes for the default user at once: no login page, no session needed")
	FaultRefreshResourcesNarrowed = fault("refresh-resources-narrowed", "RFC 8707 §2.2",
		"a code redeemed for some of its resources gives a refresh token bound to those only, not to the full original grant")
	FaultAudienceAllResources = fault("audience-all-resources", "RFC 8707 §2",
		"an access token requested for one resource gets every resource the server serves as its audience")
	FaultAudienceFirstOnly = fault("audience-first-resource-only", "RFC 8707 §2.2",
		"a token requested for several resources gets the first of them alone as its audience")
	FaultResourceDownscopeUnreported = fault("resource-downscope-unreported", "RFC 8707 §2.2",
		"a token for a resource is issued with fewer scope values than requested, and the token response has no scope member to say so")
	FaultPKCEErrorUnexplained = fault("pkce-error-unexplained", "RFC 7636 §4.4.1",
		"the invalid_request errors about a missing code_challenge or an unsupported code_challenge_method carry neither error_description nor error_uri")
)
