// Package rfc9700 holds the checks of RFC 9700, Best Current Practice for
// OAuth 2.0 Security, one file per section. (Checks of RFC 9700 that belong
// with a base specification, such as PKCE downgrade, live with it; those
// that need the browser live in scenarios/browserflows.)
package rfc9700

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 9700 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, grantChecks()...)
	out = append(out, clientChecks()...)
	out = append(out, corsChecks()...)
	return out
}
