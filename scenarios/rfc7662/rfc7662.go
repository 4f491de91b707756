// Package rfc7662 holds the checks of RFC 7662, OAuth 2.0 Token
// Introspection, against the introspection endpoint the metadata advertises.
// One file per section.
package rfc7662

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 7662 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, requestChecks()...)
	out = append(out, responseChecks()...)
	out = append(out, errorChecks()...)
	out = append(out, securityChecks()...)
	return out
}
