package rfc6749

import (
	"context"
	"net/http"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

func tokenEndpointChecks() []*suite.Check {
	req := []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials}
	return []*suite.Check{
		{
			ID: "rfc6749-3.2-form-encoded-body", Spec: suite.RFC6749, Section: "3.2", Level: suite.Should,
			Requires: req, Profiles: []string{"core"},
			Title: "The token endpoint does not take a JSON body in place of form encoding",
			Quote: "The client makes a request to the token endpoint by sending the following parameters using the \"application/x-www-form-urlencoded\" format",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := basicClient(ctx, t)
				if err != nil {
					return err
				}
				r, err := http.NewRequestWithContext(ctx, http.MethodPost, t.Target.Metadata.TokenEndpoint, strings.NewReader(`{"grant_type":"client_credentials"}`))
				if err != nil {
					return err
				}
				r.Header.Set("Content-Type", "application/json")
				r.SetBasicAuth(c.ID, c.Secret)
				res, err := t.HTTP.Do(ctx, r, "client_credentials as a JSON body")
				if err != nil {
					return err
				}
				if res.Status == http.StatusOK {
					return expect.WithFix(expect.Fail(res, "error=invalid_request", "tokens",
						"the token endpoint accepts JSON; clients built against it break on compliant servers"),
						"read token requests only as application/x-www-form-urlencoded")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-3.1-duplicate-parameters", Spec: suite.RFC6749, Section: "3.1", Level: suite.Should,
			Requires: req, Profiles: []string{"core"},
			Title: "A token request with a parameter sent twice is refused",
			Quote: "Request and response parameters MUST NOT be included more than once.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := clientCredentials()
				form.Add("grant_type", "client_credentials")
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "grant_type sent twice")
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_request")
				return expect.WithFix(err, "refuse requests in which a parameter appears more than once")
			},
		},
	}
}
