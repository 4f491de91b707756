// Package rfc6749 holds the checks of RFC 6749, The OAuth 2.0 Authorization
// Framework, one file per section.
package rfc6749

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 6749 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, clientAuthenticationChecks()...)
	out = append(out, clientPasswordChecks()...)
	out = append(out, authorizationEndpointChecks()...)
	out = append(out, responseTypeChecks()...)
	out = append(out, redirectionEndpointChecks()...)
	out = append(out, dynamicConfigurationChecks()...)
	out = append(out, tokenEndpointChecks()...)
	out = append(out, tokenClientAuthenticationChecks()...)
	out = append(out, accessTokenScopeChecks()...)
	out = append(out, authorizationRequestChecks()...)
	out = append(out, authorizationResponseChecks()...)
	out = append(out, authorizationErrorChecks()...)
	out = append(out, authorizationErrorValueChecks()...)
	out = append(out, accessTokenRequestChecks()...)
	out = append(out, implicitRequestChecks()...)
	out = append(out, implicitResponseChecks()...)
	out = append(out, passwordRequestChecks()...)
	out = append(out, clientCredentialsChecks()...)
	out = append(out, clientCredentialsRequestChecks()...)
	out = append(out, clientCredentialsResponseChecks()...)
	out = append(out, successfulResponseChecks()...)
	out = append(out, errorResponseChecks()...)
	out = append(out, refreshChecks()...)
	out = append(out, protectedResourceChecks()...)
	out = append(out, accessTokenTypeChecks()...)
	out = append(out, clientImpersonationChecks()...)
	out = append(out, accessTokenChecks()...)
	out = append(out, refreshTokenChecks()...)
	out = append(out, credentialsGuessingChecks()...)
	out = append(out, csrfChecks()...)
	out = append(out, inputValidationChecks()...)
	return out
}
