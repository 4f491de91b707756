package rfc7009

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// responseChecks returns the checks of RFC 7009 §2.2, Revocation Response.
func responseChecks() []*suite.Check {
	return []*suite.Check{unknownToken, invalidHintIgnored}
}

var invalidHintIgnored = &suite.Check{
	ID: "rfc7009-2.2-invalid-hint-ignored", Spec: suite.RFC7009, Section: "2.2", Level: suite.Must,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A token_type_hint value the server does not know is ignored: the refresh token is revoked and the answer is 200",
	Quote: "An invalid token type hint value is ignored by the authorization server and does not influence the revocation response. — " +
		"If the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types. (§2.1)",
	Run: runInvalidHintIgnored,
}

func runInvalidHintIgnored(ctx context.Context, t *suite.T) error {
	return refreshRevoked(ctx, t, "authspec_unknown_hint", "revoke the refresh token with a token_type_hint the server does not know",
		"use the refresh token revoked under an unknown hint",
		"ignore token_type_hint values you do not know: answer as without the hint (200) and revoke the token")
}

var unknownToken = &suite.Check{
	ID: "rfc7009-2.2-invalid-token-200", Spec: suite.RFC7009, Section: "2.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Revoking an unknown token answers 200",
	Quote: "The authorization server responds with HTTP status code 200 if the token has been revoked successfully or if the client submitted an invalid token. " +
		"Note: invalid tokens do not cause an error response since the client cannot handle such an error in a reasonable way.",
	Keywordless: "RFC 7009 §2.2 states the revocation response in the indicative: the answer to a properly authenticated request with an invalid token is 200, " +
		"and the Note rules out an error response for it",
	Run: runUnknownToken,
}

func runUnknownToken(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, c, url.Values{"token": {"authspec-unknown-token-" + fixture.RandomState()}}, "revoke a token the server never issued")
	if err != nil {
		return err
	}
	if res.Status == http.StatusServiceUnavailable {
		return suite.SkipErr("the revocation endpoint answered 503 (RFC 7009 §2.2.1: temporarily unavailable); retry the run later")
	}
	return expect.WithFix(expect.Status(res, http.StatusOK), "answer 200 for tokens that are unknown, expired or already revoked (RFC 7009 §2.2)")
}
