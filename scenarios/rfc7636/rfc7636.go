// Package rfc7636 holds the checks of RFC 7636, Proof Key for Code Exchange,
// and the PKCE requirements RFC 9700 adds. One file per section.
package rfc7636

import "github.com/authspec/authspec/suite"

// Checks returns the PKCE checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, verifierChecks()...)     // §4.1
	out = append(out, challengeChecks()...)    // §4.2, §4.3
	out = append(out, associationChecks()...)  // §4.4
	out = append(out, errorChecks()...)        // §4.4.1
	out = append(out, verificationChecks()...) // §4.6
	out = append(out, bcpChecks()...)          // RFC 9700 §2.1.1
	return out
}
