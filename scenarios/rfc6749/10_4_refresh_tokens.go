package rfc6749

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
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
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ts, err := t.Tokens(ctx, t.NewAuthRequest(c))
	if err != nil {
		return err
	}
	if ts.RefreshToken == "" {
		return suite.SkipErr("the token response carries no refresh_token")
	}
	other, reg, err := t.Register(ctx, fixture.DefaultMetadata(t.RedirectURI(), c.AuthMethod, t.Target.Metadata.GrantTypes()))
	if err != nil {
		return err
	}
	if other.ID == "" {
		return suite.SkipErr("could not register a second client (HTTP %d)", reg.Status)
	}
	res, err := t.Token(ctx, other, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}},
		"another client uses the refresh token")
	if err != nil {
		return err
	}
	_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_grant")
	return expect.WithFix(err, "check that the refresh token was issued to the authenticated client")
}
