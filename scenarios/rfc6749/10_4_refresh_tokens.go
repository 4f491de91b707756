package rfc6749

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// refreshTokenChecks returns the checks of RFC 6749 §10.4, Refresh Tokens.
func refreshTokenChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-10.4-refresh-bound-to-client", Spec: suite.RFC6749, Section: "10.4", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh, vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A refresh token cannot be used by another client",
			Quote: "The authorization server MUST verify the binding between the refresh token and client identity whenever the client identity can be authenticated.",
			Run:   runRefreshBoundToClient,
		},
	}
}

func runRefreshBoundToClient(ctx context.Context, t *suite.T) error {
	ts, err := t.RefreshableTokens(ctx, nil, nil)
	if err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, ts.Client)
	if err != nil {
		return err
	}
	res, err := t.Refresh(ctx, other, ts.RefreshToken, "another client uses the refresh token")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_grant"), "check that the refresh token was issued to the authenticated client")
}
