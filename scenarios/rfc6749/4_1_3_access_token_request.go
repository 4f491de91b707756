package rfc6749

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// quoteInvalidRequest and quoteInvalidGrant are the RFC 6749 §5.2
// definitions of the two error codes.
const (
	quoteInvalidRequest = "invalid_request The request is missing a required parameter, includes an unsupported parameter value (other than grant type), repeats a parameter, includes multiple credentials, utilizes more than one mechanism for authenticating the client, or is otherwise malformed."
	quoteInvalidGrant   = "invalid_grant The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
)

// accessTokenRequestChecks covers the code exchange (RFC 6749 §4.1.3).
func accessTokenRequestChecks() []*suite.Check {
	conf := []suite.Feature{suite.FeatureConfidential, suite.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc6749-4.1.3-missing-code-invalid-request", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "A code exchange without code is refused with invalid_request",
			Quote: quoteInvalidRequest,
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {c.RedirectURI}}
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "authorization_code grant without the code parameter")
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_request")
				return expect.WithFix(err, "answer a token request that lacks a required parameter with 400 error=invalid_request")
			},
		},
		{
			ID: "rfc6749-4.1.3-unknown-code-invalid-grant", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "An authorization code the server never issued is refused with invalid_grant",
			Quote: quoteInvalidGrant,
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {c.RedirectURI},
					"code": {"authspec-unknown-code-" + fixture.RandomState()}}
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "redeem an authorization code that was never issued")
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_grant")
				return expect.WithFix(err, "answer an unknown, expired or used code with 400 error=invalid_grant so that clients restart the authorization")
			},
		},
		{
			ID: "rfc6749-4.1.3-client-authentication-required", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "A confidential client cannot redeem a code with its client_id alone",
			Quote: "The authorization server MUST: ... require client authentication for confidential clients or for any client that was issued client credentials (or with other authentication requirements)",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				code, _, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				anon := *ar
				anon.Client = unauthenticated(c)
				res, err := t.Fixtures.Exchange(ctx, t.HTTP, &anon, code, nil)
				if err != nil {
					return err
				}
				return refusedUnauthenticated(res, "an authorization code")
			},
		},
		{
			ID: "rfc6749-4.1.3-redirect-uri-required", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "A code exchange that omits the redirect_uri of the authorization request is refused",
			Quote: "ensure that the \"redirect_uri\" parameter is present if the \"redirect_uri\" parameter was included in the initial authorization request as described in Section 4.1.1, and if included ensure that their values are identical.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				code, _, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, url.Values{"redirect_uri": {""}})
				if err != nil {
					return err
				}
				if issuedTokens(res) {
					return expect.WithFix(expect.Fail(res, "error=invalid_grant (or invalid_request)", "HTTP 200 with tokens",
						"the code was redeemed without the redirect_uri its authorization request carried"),
						"store the redirect_uri of the authorization request with the code and require the same value at redemption")
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_grant", "invalid_request")
				return err
			},
		},
	}
}
