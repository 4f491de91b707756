package rfc6749

import (
	"context"
	"net/http"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// clientCredentialsChecks covers the client credentials grant (RFC 6749 §4.4).
func clientCredentialsChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-4.4-confidential-only", Spec: suite.RFC6749, Section: "4.4", Level: suite.Must,
			Requires: []suite.Feature{suite.FeaturePublicClient, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "A public client cannot use the client credentials grant",
			Quote:    "The client credentials grant type MUST only be used by confidential clients.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Public(ctx)
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, clientCredentials(), "client_credentials as a public client")
				if err != nil {
					return err
				}
				if issuedTokens(res) {
					return expect.WithFix(expect.Fail(res, "error=unauthorized_client (or invalid_client)", "HTTP 200 with tokens",
						"a public client, which anyone can impersonate, got tokens in its own name"),
						"refuse the client_credentials grant to clients without credentials")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-4.4.2-client-authentication-required", Spec: suite.RFC6749, Section: "4.4.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "A client credentials request with client_id alone is refused",
			Quote:    "The client MUST authenticate with the authorization server as described in Section 3.2.1.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Token(ctx, t.HTTP, unauthenticated(c), clientCredentials(), "client_credentials with client_id and no secret")
				if err != nil {
					return err
				}
				return refusedUnauthenticated(res, "the client credentials grant")
			},
		},
		{
			ID: "rfc6749-4.4.3-no-refresh-token", Spec: suite.RFC6749, Section: "4.4.3", Level: suite.ShouldNot,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "A client credentials token response carries no refresh token",
			Quote:    "If the access token request is valid and authorized, the authorization server issues an access token as described in Section 5.1. A refresh token SHOULD NOT be included.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := successfulTokenResponse(ctx, t)
				if err != nil {
					return err
				}
				m, err := expect.JSONObject(res, false)
				if err != nil {
					return err
				}
				if rt, ok := m["refresh_token"]; ok && rt != nil && rt != "" {
					return expect.WithFix(expect.Fail(res, "no refresh_token", "a refresh_token",
						"the client can always get a new token with its credentials; a refresh token is one more long-lived secret to leak"),
						"issue only an access token for the client_credentials grant")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-5.2-unauthorized-client", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureDCR, suite.FeatureAuthCode, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "A client not registered for client_credentials is refused with unauthorized_client",
			Quote:    "unauthorized_client The authenticated client is not authorized to use this authorization grant type.",
			Run: func(ctx context.Context, t *suite.T) error {
				method := regclient.SecretMethod(t)
				reg, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, method, map[string]any{"grant_types": []string{"authorization_code"}}))
				if err != nil {
					return err
				}
				gts, echoed, _ := expect.StringList(reg.Info, "grant_types")
				switch {
				case !echoed:
					return suite.SkipErr("the registration response does not say which grant_types were registered (see the RFC 7591 checks)")
				case slices.Contains(gts, "client_credentials"):
					return suite.SkipErr("the server registered the client for client_credentials although it asked only for authorization_code")
				}
				if reg.Client.Secret == "" {
					return suite.SkipErr("the registration response has no client_secret")
				}
				res, err := t.Fixtures.Token(ctx, t.HTTP, reg.Client, clientCredentials(), "client_credentials by a client registered only for authorization_code")
				if err != nil {
					return err
				}
				if issuedTokens(res) {
					return expect.WithFix(expect.Evidence(expect.Fail(res, "error=unauthorized_client", "HTTP 200 with tokens",
						"the client used a grant type it is not registered for"), reg.Res.Exchange),
						"check the client's registered grant_types at the token endpoint")
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "unauthorized_client")
				return expect.WithFix(err, "answer a grant type the client may not use with 400 error=unauthorized_client")
			},
		},
	}
}
