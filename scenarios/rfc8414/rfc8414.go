// Package rfc8414 holds the checks of RFC 8414, OAuth 2.0 Authorization
// Server Metadata, one file per section of the RFC.
package rfc8414

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 8414 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, metadataChecks()...)
	out = append(out, signedMetadataChecks()...)
	out = append(out, obtainingChecks()...)
	out = append(out, responseChecks()...)
	out = append(out, validationChecks()...)
	return out
}
