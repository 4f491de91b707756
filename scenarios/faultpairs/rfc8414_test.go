package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc8414-3.3-issuer-identical":              faults(server.FaultIssuerMismatch),
	"rfc8414-3.2-json-content-type":             faults(server.FaultMetadataNotJSON),
	"rfc8414-2-required-members":                faults(server.FaultMetadataNoRespTypes),
	"rfc8414-2-registration-endpoint-registers": faults(server.FaultWrongRegistrationEP),
	"rfc8414-2-code-challenge-methods-s256":     faults(server.FaultMetadataNoS256),
})
