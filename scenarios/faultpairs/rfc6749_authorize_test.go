package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc6749-4.1.2.1-missing-response-type":            faults(server.FaultAuthzMissingRTWrongError),
	"rfc6749-4.1.2.1-unknown-client-not-redirected":    faults(server.FaultAuthzUnknownClientRedirect),
	"rfc6749-3.1.2.3-redirect-uri-required-if-several": observed(server.FaultAuthzFirstRedirectDefault),
	"rfc6749-4.1.1-redirect-uri-optional-if-one":       faults(server.FaultAuthzRedirectAlwaysRequired),
	"rfc6749-3.1.2-redirect-query-retained":            faults(server.FaultAuthzRedirectQueryDropped),
	"rfc6749-3.1-authorize-unknown-params-ignored":     faults(server.FaultAuthzUnknownParamRejected),
	"rfc6749-3.1-authorize-duplicate-params-refused":   observed(server.FaultDuplicateParamsOK),
	"rfc6749-3.1-authorize-empty-params-omitted":       faults(server.FaultAuthzEmptyScopeInvalid),
	"rfc6749-4.1.2.1-unknown-scope-invalid-scope":      faults(server.FaultAuthzUnknownScopeWrongErr),
	"rfc6749-4.1.2.1-unauthorized-client":              observed(server.FaultAuthzGrantUnchecked),
})
