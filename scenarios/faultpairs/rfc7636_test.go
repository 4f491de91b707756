package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc7636-4.6-wrong-verifier-refused":   faults(server.FaultPKCEVerifierIgnore),
	"rfc7636-4.6-missing-verifier-refused": faults(server.FaultPKCEVerifierOptional),
	// Where every client must send a code_challenge, no code exists to
	// downgrade: the fault shows where confidential clients may leave PKCE out.
	"rfc9700-2.1.1-pkce-downgrade":               {faults: []server.Fault{server.FaultPKCEDowngrade}, variants: []server.Variant{server.VariantPKCEOptionalConfidential}},
	"rfc7636-4.4.1-required-challenge-explained": faults(server.FaultPKCEErrorUnexplained),
	"rfc7636-4.4.1-unsupported-method-explained": faults(server.FaultPKCEErrorUnexplained),
})
