// Package rfc9728 holds the checks of RFC 9728, OAuth 2.0 Protected
// Resource Metadata, one file per section of the RFC.
package rfc9728

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 9728 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, metadataChecks()...)
	out = append(out, retrievalChecks()...)
	out = append(out, responseChecks()...)
	out = append(out, validationChecks()...)
	out = append(out, challengeChecks()...)
	return out
}
