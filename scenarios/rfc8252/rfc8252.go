// Package rfc8252 holds the checks of RFC 8252, OAuth 2.0 for Native Apps,
// one file per section.
package rfc8252

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 8252 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, initiatingChecks()...)
	out = append(out, loopbackChecks()...)
	out = append(out, protectingCodeChecks()...)
	out = append(out, registrationChecks()...)
	out = append(out, clientAuthenticationChecks()...)
	out = append(out, clientImpersonationChecks()...)
	return out
}
