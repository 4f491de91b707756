package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// refreshChecks returns the checks of RFC 6749 §6, Refreshing an Access
// Token.
func refreshChecks() []*suite.Check {
	rt := []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureRefresh}
	grant := []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh}
	return []*suite.Check{
		{
			ID: "rfc6749-6-scope-not-widened", Spec: suite.RFC6749, Section: "6", Level: suite.MustNot,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A refresh request cannot widen the scope of the grant",
			Quote: "The requested scope MUST NOT include any scope not originally granted by the resource owner, and if omitted is treated as equal to the scope originally granted by the resource owner.",
			Run:   runScopeNotWidened,
		},
		{
			ID: "rfc6749-6-unknown-refresh-token-invalid-grant", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
			Requires: rt, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A refresh token the server never issued is refused with invalid_grant",
			Quote: quoteInvalidGrant,
			Run:   runUnknownRefreshTokenInvalidGrant,
		},
		{
			ID: "rfc6749-6-missing-refresh-token-invalid-request", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
			Requires: rt, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A refresh request without refresh_token is refused with invalid_request",
			Quote: quoteInvalidRequest,
			Run:   runMissingRefreshTokenInvalidRequest,
		},
		{
			ID: "rfc6749-6-confidential-must-authenticate", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
			Requires: grant, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A confidential client cannot refresh with its client_id alone",
			Quote: "The authorization server MUST: ... require client authentication for confidential clients or for any client that was issued client credentials (or with other authentication requirements)",
			Run:   runConfidentialMustAuthenticate,
		},
		{
			ID: "rfc6749-6-omitted-scope-original", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
			Requires: grant, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A refresh without scope keeps the scope originally granted",
			Quote: "The requested scope MUST NOT include any scope not originally granted by the resource owner, and if omitted is treated as equal to the scope originally granted by the resource owner.",
			Run:   runOmittedScopeOriginal,
		},
		{
			ID: "rfc6749-6-narrower-scope-granted", Spec: suite.RFC6749, Section: "6", Level: suite.Should,
			Requires: grant, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A refresh asking for part of the granted scope gets that narrower scope",
			Quote: "scope OPTIONAL. The scope of the access request as described by Section 3.3. The requested scope MUST NOT include any scope not originally granted by the resource owner",
			Run:   runNarrowerScopeGranted,
		},
	}
}

func runScopeNotWidened(ctx context.Context, t *suite.T) error {
	scopes := t.Target.Metadata.ScopesSupported
	if len(scopes) < 2 {
		return suite.SkipErr("scopes_supported lists fewer than two scopes; cannot ask for more than was granted")
	}
	c, ts, err := refreshableGrant(ctx, t, scopes[0])
	if err != nil {
		return err
	}
	form := refreshForm(ts.RefreshToken)
	form.Set("scope", strings.Join(scopes[:2], " "))
	res, err := t.Token(ctx, c, form, "refresh asking for a scope that was not granted")
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return expect.Fail(res, "error=invalid_scope", "tokens", "a refresh token widened the scope of its grant to %q", strings.Join(scopes[:2], " ")).
			WithFix("refuse refresh requests whose scope is not a subset of the original grant's")
	}
	return expect.ErrorResponse(res, "invalid_scope", "invalid_grant")
}

func runUnknownRefreshTokenInvalidGrant(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, c, refreshForm("authspec-unknown-refresh-token-"+fixture.RandomState()),
		"refresh with a refresh token that was never issued")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_grant"), "answer an unknown, expired or revoked refresh token with 400 error=invalid_grant so that clients start a new authorization")
}

func runMissingRefreshTokenInvalidRequest(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, c, url.Values{"grant_type": {"refresh_token"}}, "refresh_token grant without the refresh_token parameter")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_request"), "a missing refresh_token is a missing required parameter: answer 400 error=invalid_request")
}

func runConfidentialMustAuthenticate(ctx context.Context, t *suite.T) error {
	c, ts, err := refreshableGrant(ctx, t, "")
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, unauthenticated(c), refreshForm(ts.RefreshToken), "refresh with client_id and no secret")
	if err != nil {
		return err
	}
	return refusedUnauthenticated(res, "a refresh")
}

func runOmittedScopeOriginal(ctx context.Context, t *suite.T) error {
	two, c, ts, err := twoScopeGrant(ctx, t)
	if err != nil {
		return err
	}
	original := two
	if ts.Scope != "" {
		original = strings.Fields(ts.Scope)
	}
	res, next, err := refreshOK(ctx, t, c, refreshForm(ts.RefreshToken), "refresh without scope")
	if err != nil {
		return err
	}
	if _, ok := next.Raw["scope"]; !ok {
		return nil // identical to what was requested: the original scope
	}
	if !sameScope(strings.Fields(next.Scope), original) {
		return expect.Fail(res, fmt.Sprintf("scope=%q", strings.Join(original, " ")), fmt.Sprintf("scope=%q", next.Scope),
			"a refresh without scope changed the scope of the grant").
			WithEvidence(ts.Result.Exchange).
			WithFix("when a refresh request omits scope, issue the scope of the original grant")
	}
	return nil
}

func runNarrowerScopeGranted(ctx context.Context, t *suite.T) error {
	two, c, ts, err := twoScopeGrant(ctx, t)
	if err != nil {
		return err
	}
	if ts.Scope != "" && !sameScope(strings.Fields(ts.Scope), two) {
		return suite.SkipErr("the grant has scope %q, not the %q requested", ts.Scope, strings.Join(two, " "))
	}
	form := refreshForm(ts.RefreshToken)
	form.Set("scope", two[0])
	res, err := t.Token(ctx, c, form, "refresh asking for one of the two granted scopes")
	if err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return expect.WithFix(err, "grant a refresh request whose scope is a subset of the original grant's (least privilege)")
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	granted, ok := m["scope"].(string)
	if ok && !sameScope(strings.Fields(granted), two[:1]) {
		return expect.Fail(res, fmt.Sprintf("scope=%q", two[0]), fmt.Sprintf("scope=%q", granted),
			"the client asked for less than the grant and got everything: it cannot follow least privilege").
			WithFix("issue the narrower scope requested at refresh (the refresh token keeps the original scope)")
	}
	return nil
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
}

// refreshableGrant runs the code flow for the run's confidential client
// (with scope when not empty) and SKIPs when no refresh token comes back.
func refreshableGrant(ctx context.Context, t *suite.T, scope string) (*fixture.Client, *fixture.TokenSet, error) {
	ts, err := t.RefreshableTokens(ctx, nil, func(r *fixture.AuthRequest) {
		if scope != "" {
			r.Scope = scope
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return ts.Client, ts, nil
}

// refreshOK sends a refresh request that must succeed for the check to
// judge anything; a failure is SKIP.
func refreshOK(ctx context.Context, t *suite.T, c *fixture.Client, form url.Values, note string) (*httpx.Result, *fixture.TokenSet, error) {
	res, err := t.Token(ctx, c, form, note)
	if err != nil {
		return nil, nil, err
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return res, nil, suite.SkipErr("the refresh failed: %v", err)
	}
	return res, ts, nil
}

// twoScopeGrant is a refreshable grant of two scopes (twoScopes).
func twoScopeGrant(ctx context.Context, t *suite.T) ([]string, *fixture.Client, *fixture.TokenSet, error) {
	two, err := twoScopes(t)
	if err != nil {
		return nil, nil, nil, err
	}
	c, ts, err := refreshableGrant(ctx, t, strings.Join(two, " "))
	return two, c, ts, err
}

// twoScopes picks two scopes to grant: the configured ones, else the first
// two of scopes_supported.
func twoScopes(t *suite.T) ([]string, error) {
	for _, list := range [][]string{t.Target.Config.Scopes, t.Target.Metadata.ScopesSupported} {
		if len(list) >= 2 {
			return list[:2], nil
		}
	}
	return nil, suite.SkipErr("neither the config nor scopes_supported names two scopes; cannot compare a scope with a part of it")
}

// sameScope compares scopes as sets (order does not matter, RFC 6749 §3.3).
func sameScope(a, b []string) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	for _, v := range b {
		if !slices.Contains(a, v) {
			return false
		}
	}
	return true
}
