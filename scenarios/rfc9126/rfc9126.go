// Package rfc9126 holds the checks of RFC 9126, OAuth 2.0 Pushed
// Authorization Requests, one file per section.
package rfc9126

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 9126 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, endpointChecks()...)
	out = append(out, requestChecks()...)
	out = append(out, successChecks()...)
	out = append(out, errorChecks()...)
	out = append(out, requestObjectChecks()...)
	out = append(out, authorizationRequestChecks()...)
	out = append(out, metadataChecks()...)
	out = append(out, clientMetadataChecks()...)
	return out
}
