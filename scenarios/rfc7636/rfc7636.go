// Package rfc7636 holds the checks of RFC 7636, Proof Key for Code Exchange,
// one file per section. The PKCE requirements RFC 9700 adds are in
// scenarios/rfc9700.
package rfc7636

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 7636 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, verifierChecks()...)
	out = append(out, authorizationRequestChecks()...)
	out = append(out, associationChecks()...)
	out = append(out, errorChecks()...)
	out = append(out, verificationChecks()...)
	return out
}
