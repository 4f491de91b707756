package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// clientPasswordChecks covers client passwords at the token endpoint (RFC
// 6749 §2.3.1).
func clientPasswordChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-2.3.1-credentials-not-in-uri", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.MustNot,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "Client credentials in the token endpoint's URI query do not authenticate the client",
			Quote:    "The parameters can only be transmitted in the request-body and MUST NOT be included in the request URI.",
			Run:      runCredentialsNotInURI,
		},
		{
			ID: "rfc6749-2.3.1-client-secret-post", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureSecretPost, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "client_id and client_secret in the request body authenticate the client when client_secret_post is advertised",
			Quote:    "Alternatively, the authorization server MAY support including the client credentials in the request-body using the following parameters: client_id REQUIRED. ... client_secret REQUIRED.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				post := *c
				post.AuthMethod = "client_secret_post"
				res, err := t.Fixtures.Token(ctx, t.HTTP, &post, clientCredentials(), "client_credentials with client_secret_post")
				if err != nil {
					return err
				}
				return expect.WithFix(expect.Status(res, http.StatusOK),
					"accept client_id and client_secret in the form body, or stop listing client_secret_post in token_endpoint_auth_methods_supported")
			},
		},
	}
}

func runCredentialsNotInURI(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	u, err := url.Parse(t.Target.Metadata.TokenEndpoint)
	if err != nil {
		return suite.SkipErr("token_endpoint %q is not a URL: %v", t.Target.Metadata.TokenEndpoint, err)
	}
	q := u.Query()
	q.Set("client_id", c.ID)
	q.Set("client_secret", c.Secret)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(clientCredentials().Encode()))
	if err != nil {
		return fmt.Errorf("build token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := t.HTTP.Do(ctx, req, "client_credentials with client_id and client_secret in the URI query only")
	if err != nil {
		return err
	}
	if issuedTokens(res) {
		return expect.WithFix(expect.Fail(res, "error=invalid_client (or invalid_request)", "HTTP 200 with tokens",
			"the client was authenticated by a secret in the request URI, where logs and proxies record it"),
			"read client credentials only from the Authorization header or the form body, never from the query")
	}
	return nil
}

// unauthenticated is a copy of c that identifies itself with client_id
// alone, as a public client does.
func unauthenticated(c *fixture.Client) *fixture.Client {
	cp := *c
	cp.AuthMethod = "none"
	return &cp
}

// refusedUnauthenticated judges a request that a confidential client made
// without authenticating: any error passes, tokens fail.
func refusedUnauthenticated(res *httpx.Result, what string) error {
	if issuedTokens(res) {
		return expect.WithFix(expect.Fail(res, "HTTP 401 (or 400) error=invalid_client", "HTTP 200 with tokens",
			"a confidential client got tokens for %s without authenticating: anyone who knows its client_id can", what),
			"require the client's credentials (client_secret_basic, client_secret_post, ...) from every confidential client at the token endpoint")
	}
	return nil
}
