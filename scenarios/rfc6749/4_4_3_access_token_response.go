package rfc6749

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// clientCredentialsResponseChecks returns the checks of RFC 6749 §4.4.3,
// Access Token Response (client credentials).
func clientCredentialsResponseChecks() []*suite.Check {
	return []*suite.Check{noRefreshToken}
}

var noRefreshToken = &suite.Check{
	ID: "rfc6749-4.4.3-no-refresh-token", Spec: suite.RFC6749, Section: "4.4.3", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A client credentials token response carries no refresh token",
	Quote:    "If the access token request is valid and authorized, the authorization server issues an access token as described in Section 5.1. A refresh token SHOULD NOT be included.",
	Run:      runNoRefreshToken,
}

func runNoRefreshToken(ctx context.Context, t *suite.T) error {
	src, err := clientCredentialsBaseline(ctx, t)
	if err != nil {
		return err
	}
	res := src.Baseline
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	if rt, ok := m["refresh_token"]; ok && rt != nil && rt != "" {
		return expect.Fail(res, "no refresh_token", "a refresh_token",
			"the client can always get a new token with its credentials; a refresh token is one more long-lived secret to leak").
			WithFix("issue only an access token for the client_credentials grant")
	}
	return nil
}
