// Package rfc6750 holds the checks of RFC 6750, Bearer Token Usage, run
// against the protected resource named in the target config. One file per
// section.
package rfc6750

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 6750 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, headerChecks()...)    // §2.1
	out = append(out, challengeChecks()...) // §3
	out = append(out, errorChecks()...)     // §3.1
	out = append(out, securityChecks()...)  // §5.3
	return out
}
