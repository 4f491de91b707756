package rfc6749

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// clientAuthenticationChecks returns the checks of RFC 6749 §2.3, Client
// Authentication.
func clientAuthenticationChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-2.3-single-auth-method", Spec: suite.RFC6749, Section: "2.3", Level: suite.MustNot,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "A request using more than one client authentication method is refused",
			Quote:    "The client MUST NOT use more than one authentication method in each request.",
			Run:      runSingleAuthMethod,
		},
	}
}

func runSingleAuthMethod(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	form := clientCredentials()
	form.Set("client_secret", c.Secret)
	res, err := t.Token(ctx, c, form, "HTTP Basic and client_secret in the body together")
	if err != nil {
		return err
	}
	_, err = expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "invalid_request", "invalid_client")
	return expect.WithFix(err, "refuse requests that carry client credentials both in the Authorization header and in the body")
}
