package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc6749-4.1.2.1-deny-access-denied": faults(server.FaultDenyNotRedirects),
	"rfc6749-4.1.2-state-after-login":    faults(server.FaultStateDropped),
	"rfc9700-4.16-no-framing":            faults(server.FaultFramingAllowed),
})

var _ = add(map[string]pair{
	"rfc6749-10.12-consent-not-by-get": faults(server.FaultConsentByGET),
	"rfc6749-10.12-consent-csrf-token": faults(server.FaultConsentNoCSRF),
})

var _ = add(map[string]pair{
	"rfc6749-10.2-consent-names-client":     faults(server.FaultConsentAnonymous),
	"rfc6749-10.2-repeat-consent-policy":    faults(server.FaultConsentForgotten),
	"rfc6749-10.2-remembered-consent-scope": faults(server.FaultConsentAnyScope),
})
