package rfc6749

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

func refreshChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-6-scope-not-widened", Spec: suite.RFC6749, Section: "6", Level: suite.MustNot,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureAuthCode, suite.FeatureRefresh}, Profiles: []string{"core"},
			Title: "A refresh request cannot widen the scope of the grant",
			Quote: "The requested scope MUST NOT include any scope not originally granted by the resource owner, and if omitted is treated as equal to the scope originally granted by the resource owner.",
			Run: func(ctx context.Context, t *suite.T) error {
				scopes := t.Target.Metadata.ScopesSupported
				if len(scopes) < 2 {
					return suite.SkipErr("scopes_supported lists fewer than two scopes; cannot ask for more than was granted")
				}
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.Scope = scopes[0]
				ts, err := t.Fixtures.Tokens(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				if ts.RefreshToken == "" {
					return suite.SkipErr("the token response carries no refresh_token")
				}
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken},
					"scope": {strings.Join(scopes[:2], " ")}}, "refresh asking for a scope that was not granted")
				if err != nil {
					return err
				}
				if res.Status == http.StatusOK {
					return expect.WithFix(expect.Fail(res, "error=invalid_scope", "tokens", "a refresh token widened the scope of its grant to %q", strings.Join(scopes[:2], " ")),
						"refuse refresh requests whose scope is not a subset of the original grant's")
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_scope", "invalid_grant")
				return err
			},
		},
		{
			ID: "rfc6749-10.4-refresh-bound-to-client", Spec: suite.RFC6749, Section: "10.4", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureAuthCode, suite.FeatureRefresh, suite.FeatureDCR}, Profiles: []string{"core"},
			Title: "A refresh token cannot be used by another client",
			Quote: "The authorization server MUST verify the binding between the refresh token and client identity whenever the client identity can be authenticated.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ts, err := t.Fixtures.Tokens(ctx, t.HTTP, t.NewAuthRequest(c))
				if err != nil {
					return err
				}
				if ts.RefreshToken == "" {
					return suite.SkipErr("the token response carries no refresh_token")
				}
				other, reg, err := t.Fixtures.Register(ctx, t.HTTP, fixture.DefaultMetadata(t.Fixtures.RedirectURI, c.AuthMethod, t.Target.Metadata.GrantTypes()))
				if err != nil {
					return err
				}
				if other.ID == "" {
					return suite.SkipErr("could not register a second client (HTTP %d)", reg.Status)
				}
				res, err := t.Fixtures.Token(ctx, t.HTTP, other, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}},
					"another client uses the refresh token")
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_grant")
				return expect.WithFix(err, "check that the refresh token was issued to the authenticated client")
			},
		},
		{
			ID: "rfc9700-4.14.2-public-refresh-rotation", Spec: suite.RFC9700, Section: "4.14.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeaturePublicClient, suite.FeatureAuthCode, suite.FeatureRefresh}, Profiles: []string{"oauth2.1"},
			Title: "Refresh tokens of public clients rotate: a used one stops working",
			Quote: "Refresh tokens for public clients MUST be sender-constrained or use refresh token rotation as described in this section.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, ts, next, err := rotate(ctx, t)
				if err != nil {
					return err
				}
				if next.RefreshToken == "" || next.RefreshToken == ts.RefreshToken {
					return expect.WithFix(expect.Fail(next.Result, "a new refresh_token", "the same or none",
						"the public client's refresh token is not rotated"), "issue a new refresh token at every refresh of a public client and invalidate the old one")
				}
				old, err := t.Fixtures.Token(ctx, t.HTTP, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}}, "reuse the rotated refresh token")
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(old, []int{http.StatusBadRequest}, "invalid_grant")
				return expect.WithFix(err, "invalidate a refresh token once it has been exchanged")
			},
		},
		{
			ID: "rfc9700-4.14.2-replay-revokes-family", Spec: suite.RFC9700, Section: "4.14.2", Level: suite.Should,
			Requires: []suite.Feature{suite.FeaturePublicClient, suite.FeatureAuthCode, suite.FeatureRefresh}, Profiles: []string{"oauth2.1"},
			Title: "Replaying a rotated refresh token revokes the active one",
			Quote: "The authorization server cannot determine which party submitted the invalid refresh token, but it will revoke the active refresh token.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, ts, next, err := rotate(ctx, t)
				if err != nil {
					return err
				}
				if next.RefreshToken == "" || next.RefreshToken == ts.RefreshToken {
					return suite.SkipErr("refresh tokens are not rotated (see rfc9700-4.14.2-public-refresh-rotation)")
				}
				replay, err := t.Fixtures.Token(ctx, t.HTTP, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}}, "replay the rotated refresh token")
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next.RefreshToken}}, "use the newest refresh token after the replay")
				if err != nil {
					return err
				}
				if res.Status == http.StatusOK {
					return expect.WithFix(expect.Evidence(expect.Fail(res, "error=invalid_grant (family revoked)", "tokens",
						"after a replay of a rotated refresh token, the newest one still works"), replay.Exchange),
						"on a replayed rotated refresh token, revoke the whole token family")
				}
				return nil
			},
		},
		{
			ID: "rfc9700-2.1.1-pkce-required-public", Spec: suite.RFC9700, Section: "2.1.1", Level: suite.Should,
			Requires: []suite.Feature{suite.FeaturePublicClient, suite.FeatureAuthCode}, Profiles: []string{"pkce", "oauth2.1"},
			Title: "A public client's authorization request without PKCE is refused",
			Quote: "Public clients MUST use PKCE [RFC7636] to this end, as motivated in Section 4.5.3.1.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Public(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.PKCE = nil
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res != nil && res.Callback != nil && res.Callback.Query().Get("code") != "" {
					return expect.WithFix(expect.Fail(res.Last, "error=invalid_request", "an authorization code",
						"a public client got a code without PKCE: a stolen code is redeemable by anyone"),
						"require code_challenge (S256) from public clients")
				}
				return nil
			},
		},
	}
}

// rotate gets tokens for the public client and refreshes once.
func rotate(ctx context.Context, t *suite.T) (*fixture.Client, *fixture.TokenSet, *fixture.TokenSet, error) {
	c, err := t.Public(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ts, err := t.Fixtures.Tokens(ctx, t.HTTP, t.NewAuthRequest(c))
	if err != nil {
		return nil, nil, nil, err
	}
	if ts.RefreshToken == "" {
		return nil, nil, nil, suite.SkipErr("the public client got no refresh_token")
	}
	res, err := t.Fixtures.Token(ctx, t.HTTP, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}}, "refresh as the public client")
	if err != nil {
		return nil, nil, nil, err
	}
	next, err := t.Fixtures.ParseTokens(res)
	if err != nil {
		return nil, nil, nil, expect.Fail(res, "HTTP 200 with tokens", "HTTP "+http.StatusText(res.Status), "the public client's refresh failed: %v", err)
	}
	return c, ts, next, nil
}
