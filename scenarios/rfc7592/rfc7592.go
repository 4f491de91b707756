// Package rfc7592 holds the checks of RFC 7592, OAuth 2.0 Dynamic Client
// Registration Management, one file per section. Every check registers its
// own client, and is SKIP when the registration response offers no client
// configuration endpoint (registration_client_uri and
// registration_access_token): RFC 7592 is optional to RFC 7591 servers.
package rfc7592

import (
	"github.com/authspec/authspec/suite"
)

// Checks returns the RFC 7592 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, endpointChecks()...)
	out = append(out, readChecks()...)
	out = append(out, updateChecks()...)
	out = append(out, deleteChecks()...)
	out = append(out, responseChecks()...)
	out = append(out, securityChecks()...)
	return out
}
