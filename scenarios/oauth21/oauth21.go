// Package oauth21 holds the checks of The OAuth 2.1 Authorization
// Framework, draft-ietf-oauth-v2-1-16, one file per section: the rules in
// which OAuth 2.1 differs from RFC 6749 and its updates (RFC 6750, RFC 7636,
// RFC 8252, RFC 9700). The rules it repeats are tested by the checks of
// those specifications, which walk.yaml names requirement by requirement.
// Where OAuth 2.1 requires what those specifications leave open (PKCE of
// every client, no PKCE plain, client_secret_post, iss in every
// authorization response), a server that follows only them is lawful:
// those checks set Claim and judge only a target that claims oauth2.1.
package oauth21

import "github.com/authspec/authspec/suite"

// Checks returns the OAuth 2.1 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, valueSizeChecks()...)
	out = append(out, clientAuthenticationChecks()...)
	out = append(out, clientSecretChecks()...)
	out = append(out, tokenRequestChecks()...)
	out = append(out, authorizationRequestChecks()...)
	out = append(out, authorizationResponseChecks()...)
	out = append(out, authorizationErrorChecks()...)
	out = append(out, refreshGrantChecks()...)
	out = append(out, bearerRequestChecks()...)
	out = append(out, tokenDisclosureChecks()...)
	out = append(out, countermeasureChecks()...)
	out = append(out, codeReuseChecks()...)
	out = append(out, redirectURIParameterChecks()...)
	return out
}
