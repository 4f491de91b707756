// Package rfc9449 holds the checks of RFC 9449, OAuth 2.0 Demonstrating
// Proof of Possession (DPoP), one file per section. The suite is the DPoP
// client (suite/dpop): it signs proofs with keys of its own, made for an
// algorithm of the server's dpop_signing_alg_values_supported.
package rfc9449

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 9449 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, checkingChecks()...)
	out = append(out, tokenRequestChecks()...)
	out = append(out, metadataChecks()...)
	out = append(out, registrationChecks()...)
	out = append(out, confirmationChecks()...)
	out = append(out, thumbprintChecks()...)
	out = append(out, introspectionChecks()...)
	out = append(out, schemeChecks()...)
	out = append(out, bearerChecks()...)
	out = append(out, nonceChecks()...)
	out = append(out, codeBindingChecks()...)
	out = append(out, parChecks()...)
	out = append(out, replayChecks()...)
	out = append(out, pregenerationChecks()...)
	out = append(out, downgradeChecks()...)
	out = append(out, algorithmChecks()...)
	return out
}
