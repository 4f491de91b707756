package rfc6749

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

func errorResponseChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-5.2-invalid-client-401", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureSecretBasic, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "A failed HTTP Basic client authentication answers 401 invalid_client with WWW-Authenticate",
			Quote:    "If the client attempted to authenticate via the \"Authorization\" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the \"WWW-Authenticate\" response header field matching the authentication scheme used by the client.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := basicClient(ctx, t)
				if err != nil {
					return err
				}
				c.Secret = "authspec-wrong-secret"
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, clientCredentials(), "HTTP Basic with a wrong secret")
				if err != nil {
					return err
				}
				if _, err := expect.OAuthError(res, []int{http.StatusUnauthorized}, "invalid_client"); err != nil {
					return expect.WithFix(err, "answer a failed client authentication with 401 and error=invalid_client")
				}
				_, err = expect.Header(res, "WWW-Authenticate")
				return expect.WithFix(err, `add WWW-Authenticate: Basic realm="..." to 401 invalid_client responses`)
			},
		},
		{
			ID: "rfc6749-5.2-unsupported-grant-type", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential},
			Profiles: []string{"core"},
			Title:    "An unknown grant_type yields unsupported_grant_type",
			Quote:    "unsupported_grant_type: The authorization grant type is not supported by the authorization server.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := clientCredentials()
				form.Set("grant_type", "urn:authspec:unknown-grant")
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "token request with an unknown grant_type")
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "unsupported_grant_type")
				return err
			},
		},
	}
}
