// Package rfc6749 holds the checks of RFC 6749, The OAuth 2.0 Authorization
// Framework, one file per section.
package rfc6749

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 6749 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, clientAuthChecks()...)
	out = append(out, tokenResponseChecks()...)
	out = append(out, errorResponseChecks()...)
	out = append(out, codeFlowChecks()...)
	out = append(out, authorizationEndpointChecks()...)
	out = append(out, refreshChecks()...)
	out = append(out, tokenEndpointChecks()...)
	out = append(out, tokenRequestChecks()...)
	out = append(out, clientPasswordChecks()...)
	out = append(out, clientAuthenticationChecks()...)
	out = append(out, accessTokenRequestChecks()...)
	out = append(out, clientCredentialsChecks()...)
	out = append(out, successfulResponseChecks()...)
	out = append(out, errorChecks()...)
	out = append(out, refreshRequestChecks()...)
	return out
}
