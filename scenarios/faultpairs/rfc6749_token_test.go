package faultpairs_test

import "github.com/authspec/authspec/server"

// Token endpoint, client authentication, client credentials and refresh.
var _ = add(map[string]pair{
	"rfc6749-3.2-post-required":                 faults(server.FaultTokenGETAccepted),
	"rfc6749-3.2-unknown-params-ignored":        faults(server.FaultTokenUnknownParamFatal),
	"rfc6749-3.2-empty-params-omitted":          faults(server.FaultTokenEmptyParamNotOmitted),
	"rfc6749-2.3.1-credentials-not-in-uri":      faults(server.FaultTokenQueryCredentials),
	"rfc6749-2.3.1-client-secret-post":          faults(server.FaultTokenSecretPostIgnored),
	"rfc6749-3.2.1-secret-compared-exactly":     faults(server.FaultTokenSecretCaseInsensitive),
	"rfc6749-3.2.1-code-exchange-requires-auth": faults(server.FaultTokenCodeNoClientAuth),
	"rfc6749-3.2.1-public-client-id-required":   faults(server.FaultTokenPublicNoClientID),
})
