// Package rfc7009 holds the checks of RFC 7009, OAuth 2.0 Token Revocation,
// one file per section.
package rfc7009

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 7009 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, revocationChecks()...)
	out = append(out, requestChecks()...)
	out = append(out, responseChecks()...)
	return out
}
