// Package rfc6750 holds the checks of RFC 6750, Bearer Token Usage, run
// against the protected resource named in the target config. One file per
// section.
package rfc6750

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 6750 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, headerChecks()...)
	out = append(out, queryParameterChecks()...)
	out = append(out, challengeChecks()...)
	out = append(out, errorChecks()...)
	out = append(out, securityChecks()...)
	return out
}
