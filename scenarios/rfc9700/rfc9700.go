// Package rfc9700 holds the checks of RFC 9700, Best Current Practice for
// OAuth 2.0 Security, one file per section, including those that refine a
// base specification (PKCE downgrade, refresh token rotation) and those
// that judge the login and consent pages in a browser.
package rfc9700

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 9700 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, redirectBasedFlowChecks()...)
	out = append(out, authorizationCodeGrantChecks()...)
	out = append(out, implicitGrantChecks()...)
	out = append(out, accessTokenChecks()...)
	out = append(out, passwordGrantChecks()...)
	out = append(out, otherRecommendationChecks()...)
	out = append(out, redirectURIValidationChecks()...)
	out = append(out, refererLeakageChecks()...)
	out = append(out, asOpenRedirectorChecks()...)
	out = append(out, redirect307Checks()...)
	out = append(out, refreshTokenProtectionChecks()...)
	out = append(out, clientImpersonationChecks()...)
	out = append(out, clickjackingChecks()...)
	return out
}
