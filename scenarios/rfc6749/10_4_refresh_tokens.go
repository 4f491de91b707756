package rfc6749

import (
	"context"
	"fmt"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// refreshTokenChecks returns the checks of RFC 6749 §10.4, Refresh Tokens.
func refreshTokenChecks() []*suite.Check {
	return []*suite.Check{refreshBoundToClient, publicRefreshBoundToClient}
}

var refreshBoundToClient = &suite.Check{
	ID: "rfc6749-10.4-refresh-bound-to-client", Spec: suite.RFC6749, Section: "10.4", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh, vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A refresh token cannot be used by another client",
	Quote: "The authorization server MUST verify the binding between the refresh token and client identity whenever the client identity can be authenticated.",
	Run:   runRefreshBoundToClient,
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
	if err := otherRefreshes(ctx, t, other, res); err != nil {
		return err
	}
	return expect.WithFix(expect.Refused(t, res, "invalid_grant"), "check that the refresh token was issued to the authenticated client")
}

// otherRefreshes is the control of a refusal res of another client's
// refresh token: other refreshes a token of its own, so the refusal is
// about whose token it was, not about that client (not allowed the grant,
// say). SKIP otherwise.
func otherRefreshes(ctx context.Context, t *suite.T, other *fixture.Client, res *httpx.Result) error {
	if res.Status/100 == 2 {
		return nil
	}
	own, err := t.RefreshableTokens(ctx, other, nil)
	if err != nil {
		return fmt.Errorf("the other client's own refresh token (control): %w", err)
	}
	ok, err := t.Refresh(ctx, other, own.RefreshToken, "the other client refreshes a token of its own (control)")
	if err != nil {
		return err
	}
	if ok.Status/100 != 2 {
		return suite.SkipErr("the other client cannot refresh even a token of its own (%s), so its refusal says nothing of the binding", expect.Outcome(ok))
	}
	return nil
}

var publicRefreshBoundToClient = &suite.Check{
	ID: "rfc6749-10.4-public-refresh-bound-to-client", Spec: suite.RFC6749, Section: "10.4", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode, vocab.FeatureRefresh, vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A public client's refresh token cannot be used with the client_id of another public client",
	Quote: "The authorization server MUST maintain the binding between a refresh token and the client to whom it was issued.",
	Run:   runPublicRefreshBoundToClient,
}

// runPublicRefreshBoundToClient refreshes a public client's refresh token
// with the client_id of another public client. A DPoP-bound refresh token is
// refused without the key's proof whoever sends it, which proves nothing
// about the client: rfc9449-5-public-refresh-bound judges that binding.
func runPublicRefreshBoundToClient(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, c)
	if err != nil {
		return err
	}
	ts, err := t.RefreshableTokens(ctx, c, nil)
	if err != nil {
		return err
	}
	if strings.EqualFold(ts.TokenType, "DPoP") {
		return suite.SkipErr("the refresh token is DPoP-bound (token_type DPoP), so any request without the key's proof is refused; rfc9449-5-public-refresh-bound judges that binding")
	}
	res, err := t.Refresh(ctx, other, ts.RefreshToken, "another public client uses the refresh token with its own client_id")
	if err != nil {
		return err
	}
	if err := otherRefreshes(ctx, t, other, res); err != nil {
		return err
	}
	return expect.WithFix(expect.Refused(t, res, "invalid_grant"),
		"keep the client_id a refresh token was issued to and compare it with the client_id of the refresh request, for public clients too")
}
