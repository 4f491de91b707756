// Package rfc7591 holds the checks of RFC 7591, OAuth 2.0 Dynamic Client
// Registration, one file per section. Every check registers its own fresh
// clients, so that what it inspects is the answer to its own request.
package rfc7591

import (
	"github.com/authspec/authspec/suite"
)

// Checks returns the RFC 7591 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, clientMetadataChecks()...)
	out = append(out, displayChecks()...)
	out = append(out, grantResponseTypeChecks()...)
	out = append(out, endpointChecks()...)
	out = append(out, responseChecks()...)
	out = append(out, errorChecks()...)
	out = append(out, securityChecks()...)
	return out
}
