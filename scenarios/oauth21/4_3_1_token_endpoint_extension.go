package oauth21

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// refreshGrantChecks returns the checks of OAuth 2.1 §4.3.1, the refresh
// token grant at the token endpoint.
func refreshGrantChecks() []*suite.Check {
	return []*suite.Check{refreshBoundToClientID}
}

var refreshBoundToClientID = &suite.Check{
	ID: "oauth21-4.3.1-refresh-bound-to-client-id", Spec: suite.OAuth21, Section: "4.3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode, vocab.FeatureRefresh, vocab.FeatureDCR},
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A public client's refresh token cannot be used with the client_id of another public client",
	Quote: "In addition to the processing rules in Section 3.2.2, the authorization server MUST: ... " +
		"OR if a client_id is included in the request, ensure the refresh token was issued to the matching client",
	Run: runRefreshBoundToClientID,
}

// runRefreshBoundToClientID refreshes a public client's tokens once as
// that client (the control, which also gives the current refresh token of a
// server that rotates them), then sends the current refresh token with the
// client_id of a second public client. RFC 6749 §6 binds refresh tokens to
// authenticated clients only (rfc6749-10.4-refresh-bound-to-client);
// OAuth 2.1 binds them to the client_id of a public client too.
func runRefreshBoundToClientID(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	ts, err := t.RefreshableTokens(ctx, c, nil)
	if err != nil {
		return err
	}
	ctl, err := t.Refresh(ctx, c, ts.RefreshToken, "control: the public client refreshes its own refresh token")
	if err != nil {
		return err
	}
	next, err := t.ParseTokens(ctl)
	if err != nil {
		return suite.SkipErr("the public client could not refresh its own refresh token (%v), so a refusal to another client would prove nothing; the RFC 6749 §6 checks judge refreshing", err)
	}
	current := ts.RefreshToken
	if next.RefreshToken != "" {
		current = next.RefreshToken
	}
	other, err := t.OtherClient(ctx, c)
	if err != nil {
		return err
	}
	res, err := t.Refresh(ctx, other, current, "another public client sends the refresh token with its own client_id")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Evidence(expect.Refused(t, res, "invalid_grant"), ctl.Exchange),
		"store the client_id with each refresh token and refuse a refresh request whose client_id differs, for public clients too")
}
