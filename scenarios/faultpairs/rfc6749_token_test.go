package faultpairs_test

import "github.com/authspec/authspec/server"

// Token endpoint, client authentication, client credentials and refresh.
var _ = add(map[string]pair{
	"rfc6749-3.2-post-required":                       faults(server.FaultTokenGETAccepted),
	"rfc6749-3.2-unknown-params-ignored":              faults(server.FaultTokenUnknownParamFatal),
	"rfc6749-3.2-empty-params-omitted":                faults(server.FaultTokenEmptyParamNotOmitted),
	"rfc6749-2.3.1-credentials-not-in-uri":            faults(server.FaultTokenQueryCredentials),
	"rfc6749-3.2.1-secret-compared-exactly":           faults(server.FaultTokenSecretCaseInsensitive),
	"rfc6749-4.1.3-client-authentication-required":    faults(server.FaultTokenCodeNoClientAuth),
	"rfc6749-3.2.1-public-client-id-required":         faults(server.FaultTokenPublicNoClientID),
	"rfc6749-4.1.3-missing-code-invalid-request":      faults(server.FaultTokenMissingCodeWrongErr),
	"rfc6749-4.1.3-unknown-code-invalid-grant":        faults(server.FaultTokenUnknownCodeWrongErr),
	"rfc6749-4.1.3-redirect-uri-required":             faults(server.FaultTokenRedirectURIOptional),
	"rfc6749-4.4-confidential-only":                   faults(server.FaultTokenCCPublic),
	"rfc6749-4.4.2-client-authentication-required":    faults(server.FaultTokenCCNoClientAuth),
	"rfc6749-4.4.3-no-refresh-token":                  faults(server.FaultTokenCCRefreshToken),
	"rfc6749-5.2-unauthorized-client":                 observed(server.FaultTokenGrantUnrestricted),
	"rfc6749-5.1-expires-in-seconds":                  faults(server.FaultTokenExpiresInString),
	"rfc6749-5.1-pragma-no-cache":                     faults(server.FaultTokenNoPragma),
	"rfc6749-3.3-default-scope-reported":              faults(server.FaultTokenScopeOmitted),
	"rfc6749-5.2-error-json":                          faults(server.FaultErrorNotJSON),
	"rfc6749-5.2-missing-grant-type-invalid-request":  faults(server.FaultTokenMissingGrantTypeErr),
	"rfc6749-5.2-unknown-scope-invalid-scope":         faults(server.FaultTokenInvalidScopeErr),
	"rfc6749-6-unknown-refresh-token-invalid-grant":   faults(server.FaultTokenRefreshUnknownErr),
	"rfc6749-6-missing-refresh-token-invalid-request": faults(server.FaultTokenRefreshMissingErr),
	"rfc6749-6-confidential-must-authenticate":        faults(server.FaultTokenRefreshNoClientAuth),
	"rfc6749-6-omitted-scope-original":                observed(server.FaultTokenRefreshDefaultScope),
})
