// Package rfc9207 holds the checks of RFC 9207, OAuth 2.0 Authorization
// Server Issuer Identification, one file per section.
package rfc9207

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 9207 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, issChecks()...)
	out = append(out, providingChecks()...)
	return out
}
