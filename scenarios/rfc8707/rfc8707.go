// Package rfc8707 holds the checks of RFC 8707, Resource Indicators for
// OAuth 2.0. One file per section.
package rfc8707

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 8707 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, resourceChecks()...)
	out = append(out, tokenChecks()...)
	return out
}
