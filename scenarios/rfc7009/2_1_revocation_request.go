package rfc7009

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// requestChecks returns the checks of RFC 7009 §2.1, Revocation Request.
func requestChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc7009-2.1-access-token-revoked", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
			Destroys: true,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A revoked access token is no longer accepted",
			Quote: "The authorization server responds with HTTP status code 200 if the token has been revoked successfully or if the client submitted an invalid token.",
			Run:   runAccessRevoked,
		},
		{
			ID: "rfc7009-2.1-refresh-token-revoked", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
			Destroys: true,
			Requires: append(req, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A revoked refresh token can no longer be used",
			Quote: "In the next step, the authorization server invalidates the token.",
			Run:   runRefreshRevoked,
		},
		{
			ID: "rfc7009-2.1-refresh-revokes-access", Spec: suite.RFC7009, Section: "2.1", Level: suite.Should,
			Destroys: true,
			Requires: append(req, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Revoking a refresh token also invalidates the access tokens of the same grant",
			Quote: "If the token passed to the request is a refresh token and the authorization server supports the revocation of access tokens, then the authorization server SHOULD also invalidate all access tokens based on the same authorization grant.",
			Run:   runRefreshRevokesAccess,
		},
		{
			ID: "rfc7009-2.1-client-authentication", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Revocation authenticates confidential clients",
			Quote: "The authorization server first validates the client credentials (in case of a confidential client) and then verifies whether the token was issued to the client making the revocation request.",
			Run:   runClientAuth,
		},
		{
			ID: "rfc7009-2.1-foreign-token-not-revoked", Spec: suite.RFC7009, Section: "2.1", Level: suite.MustNot,
			Destroys: true,
			Requires: append(req, vocab.FeatureDCR), Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A client cannot revoke a token issued to another client",
			Quote: "If this validation fails, the request is refused and the client is informed of the error by the authorization server as described below.",
			Run:   runForeignToken,
		},
		{
			ID: "rfc7009-2.1-hint-not-binding", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
			Destroys: true,
			Requires: append(req, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A wrong token_type_hint does not stop the revocation",
			Quote: "If the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types.",
			Run:   runHintNotBinding,
		},
		{
			ID: "rfc7009-2.1-token-required", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A revocation request without the token parameter is refused with invalid_request",
			Quote: "token REQUIRED. The token that the client wants to get revoked.",
			Run:   runTokenRequired,
		},
	}
}

func needProbe(t *suite.T) error {
	if ok, why := probe.CanProbe(t); !ok {
		return suite.SkipErr("%s", why)
	}
	return nil
}

// revoked revokes with form as c, requires 200, and asks whether the
// access token still works afterwards.
func revoked(ctx context.Context, t *suite.T, c *fixture.Client, form url.Values, accessToken, note string) (active bool, rev, after *httpx.Result, err error) {
	rev, err = revoke(ctx, t, c, form, note)
	if err != nil {
		return false, nil, nil, err
	}
	if err := expect.Status(rev, http.StatusOK); err != nil {
		return false, rev, nil, err
	}
	active, after, err = probe.AccessTokenActive(ctx, t, c, accessToken)
	return active, rev, after, err
}

func runAccessRevoked(ctx context.Context, t *suite.T) error {
	if err := needProbe(t); err != nil {
		return err
	}
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	if active, res, err := probe.AccessTokenActive(ctx, t, ts.Client, ts.AccessToken); err != nil || !active {
		if err != nil {
			return err
		}
		return suite.SkipErr("the fresh access token is not accepted before revocation (HTTP %d); cannot judge revocation", res.Status)
	}
	active, res, after, err := revoked(ctx, t, ts.Client, url.Values{"token": {ts.AccessToken}, "token_type_hint": {"access_token"}},
		ts.AccessToken, "revoke the access token")
	if err != nil || !active {
		return err
	}
	return expect.Fail(after, "the revoked access token refused", "accepted",
		"the revocation endpoint answered 200 but the access token still works").
		WithEvidence(res.Exchange).
		WithFix("invalidate the token in the store the resource servers consult (or keep access tokens short-lived and say so)")
}

// refreshRevoked revokes the refresh token of fresh tokens with hint, then
// requires the token endpoint to refuse it.
func refreshRevoked(ctx context.Context, t *suite.T, hint, note, useNote, fix string) error {
	ts, err := t.RefreshableTokens(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, ts.Client, url.Values{"token": {ts.RefreshToken}, "token_type_hint": {hint}}, note)
	if err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return err
	}
	ref, err := t.Refresh(ctx, ts.Client, ts.RefreshToken, useNote)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Evidence(expect.ErrorResponse(ref, "invalid_grant"), res.Exchange), fix)
}

func runRefreshRevoked(ctx context.Context, t *suite.T) error {
	return refreshRevoked(ctx, t, "refresh_token", "revoke the refresh token", "use the revoked refresh token",
		"refuse revoked refresh tokens with invalid_grant")
}

func runRefreshRevokesAccess(ctx context.Context, t *suite.T) error {
	if err := needProbe(t); err != nil {
		return err
	}
	ts, err := t.RefreshableTokens(ctx, nil, nil)
	if err != nil {
		return err
	}
	active, res, after, err := revoked(ctx, t, ts.Client, url.Values{"token": {ts.RefreshToken}}, ts.AccessToken, "revoke the refresh token")
	if err != nil || !active {
		return err
	}
	return expect.Fail(after, "the access token of the revoked grant refused", "accepted",
		"revoking the refresh token left the access token of the same grant valid").
		WithEvidence(res.Exchange).
		WithFix("revoke every token of the grant when its refresh token is revoked")
}

func runClientAuth(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	bad := *c
	bad.Secret = "authspec-wrong-secret"
	res, err := revoke(ctx, t, &bad, url.Values{"token": {"authspec-unknown-token"}}, "revoke with a wrong client secret")
	if err != nil {
		return err
	}
	_, err = expect.OAuthError(res, []int{http.StatusUnauthorized, http.StatusBadRequest}, "invalid_client")
	return expect.WithFix(err, "authenticate the client at the revocation endpoint as at the token endpoint")
}

func runForeignToken(ctx context.Context, t *suite.T) error {
	if err := needProbe(t); err != nil {
		return err
	}
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, ts.Client)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, other, url.Values{"token": {ts.AccessToken}}, "another client revokes the first client's access token")
	if err != nil {
		return err
	}
	active, after, err := probe.AccessTokenActive(ctx, t, ts.Client, ts.AccessToken)
	if err != nil || active {
		return err
	}
	return expect.Fail(after, "the token still valid for its owner", "revoked",
		"a client revoked a token that was issued to another client").
		WithEvidence(res.Exchange).
		WithFix("check that the token was issued to the authenticated client before revoking it")
}

func runHintNotBinding(ctx context.Context, t *suite.T) error {
	return refreshRevoked(ctx, t, "access_token", "revoke the refresh token with token_type_hint=access_token",
		"use the refresh token revoked under a wrong hint", "when the hinted token type has no match, search the other token types")
}

func runTokenRequired(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, c, url.Values{}, "revocation request without a token")
	if err != nil {
		return err
	}
	return expect.ErrorResponse(res, "invalid_request")
}
