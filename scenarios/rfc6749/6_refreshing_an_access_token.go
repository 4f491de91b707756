package rfc6749

import (
	"context"
	"errors"
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
	return []*suite.Check{
		scopeNotWidened, unknownRefreshTokenInvalidGrant, missingRefreshTokenInvalidRequest,
		confidentialMustAuthenticate, omittedScopeOriginal, newRefreshTokenScope,
	}
}

var scopeNotWidened = &suite.Check{
	ID: "rfc6749-6-scope-not-widened", Spec: suite.RFC6749, Section: "6", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A refresh request cannot widen the scope of the grant",
	Quote: "The requested scope MUST NOT include any scope not originally granted by the resource owner, and if omitted is treated as equal to the scope originally granted by the resource owner.",
	Keywordless: "The MUST NOT binds the request; its server side is RFC 6749 §5.2's invalid_scope, a scope that \"exceeds the scope granted by the resource owner\": " +
		"the server refuses the request, or ignores the extra scope and reports the scope it granted (§3.3), but never grants it.",
	Run: runScopeNotWidened,
}

func runScopeNotWidened(ctx context.Context, t *suite.T) error {
	narrow, wide, ok := scopes(t)
	if !ok {
		return suite.SkipErr("the target offers fewer than two scopes (scopes_supported or the config's scopes); cannot ask for more than was granted")
	}
	extra := strings.Fields(wide)[1]
	c, ts, err := refreshableGrant(ctx, t, narrow)
	if err != nil {
		return err
	}
	if slices.Contains(strings.Fields(ts.Scope), extra) {
		return suite.SkipErr("the grant already includes %q (scope %q), so asking for it is no widening", extra, ts.Scope)
	}
	form := refreshForm(ts.RefreshToken)
	form.Set("scope", wide)
	res, err := t.Token(ctx, c, form, "refresh asking for a scope that was not granted")
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return expect.Refused(t, res, "invalid_scope", "invalid_grant")
	}
	next, err := t.ParseTokens(res)
	if err != nil {
		return err
	}
	return judgeWidened(ctx, t, c, res, next, extra)
}

// judgeWidened judges tokens issued to a refresh that asked for extra,
// a scope the grant does not hold: the scope member, else introspection,
// says what was granted; without either the tokens carry what was asked
// for (RFC 6749 §5.1).
func judgeWidened(ctx context.Context, t *suite.T, c *fixture.Client, res *httpx.Result, next *fixture.TokenSet, extra string) error {
	granted, told := next.Raw["scope"].(string)
	got := fmt.Sprintf("tokens for scope %q", granted)
	widened := expect.Fail(res, "error=invalid_scope", got, "a refresh token widened the scope of its grant to include %q", extra).
		WithFix("refuse refresh requests whose scope is not a subset of the original grant's")
	switch {
	case told && slices.Contains(strings.Fields(granted), extra):
		return widened
	case told:
		return nil // ignored the extra scope and said so (RFC 6749 §3.3)
	case t.Target.Metadata.IntrospectionEndpoint == "":
		widened.Got = "tokens without a scope member: the scope requested (RFC 6749 §5.1)"
		return widened
	}
	g, intro, err := introspectedScope(ctx, t, c, next.AccessToken)
	if err != nil {
		return err
	}
	if slices.Contains(strings.Fields(g), extra) {
		widened.Got = fmt.Sprintf("tokens without a scope member; introspection says scope %q", g)
		return widened.WithEvidence(intro.Exchange)
	}
	return expect.Fail(res, "error=invalid_scope, or tokens whose scope member says what was granted", fmt.Sprintf("tokens without a scope member, for scope %q", g),
		"the refresh asked for %q, which the grant does not hold; the server ignored it but did not tell the client, which believes it got it (RFC 6749 §3.3)", extra).
		WithEvidence(intro.Exchange).
		WithFix("refuse a refresh that asks for more than the grant with invalid_scope, or report the scope actually granted")
}

var unknownRefreshTokenInvalidGrant = &suite.Check{
	ID: "rfc6749-6-unknown-refresh-token-invalid-grant", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "A refresh token the server never issued is refused with invalid_grant",
	Quote:       quoteInvalidGrant,
	Keywordless: keywordlessErrorCode,
	Run:         runUnknownRefreshTokenInvalidGrant,
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
	if err := refreshGrantRefused(res); err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_grant"), "answer an unknown, expired or revoked refresh token with 400 error=invalid_grant so that clients start a new authorization")
}

var missingRefreshTokenInvalidRequest = &suite.Check{
	ID: "rfc6749-6-missing-refresh-token-invalid-request", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "A refresh request without refresh_token is refused with invalid_request",
	Quote:       quoteInvalidRequest,
	Keywordless: keywordlessErrorCode,
	Run:         runMissingRefreshTokenInvalidRequest,
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
	if err := refreshGrantRefused(res); err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_request"), "a missing refresh_token is a missing required parameter: answer 400 error=invalid_request")
}

// refreshGrantRefused is SKIP when the server refused the refresh_token
// grant to the client before looking at the request (unauthorized_client,
// RFC 6749 §5.2): a client may not be registered for it.
func refreshGrantRefused(res *httpx.Result) error {
	if expect.ErrorCode(res) == "unauthorized_client" {
		return suite.SkipErr("the confidential client may not use the refresh_token grant (error=unauthorized_client); configure clients.confidential with a client that may")
	}
	return nil
}

var confidentialMustAuthenticate = &suite.Check{
	ID: "rfc6749-6-confidential-must-authenticate", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A confidential client cannot refresh with its client_id alone",
	Quote: "The authorization server MUST: ... require client authentication for confidential clients or for any client that was issued client credentials (or with other authentication requirements)",
	Run:   runConfidentialMustAuthenticate,
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

var omittedScopeOriginal = &suite.Check{
	ID: "rfc6749-6-omitted-scope-original", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A refresh without scope keeps the scope originally granted",
	Quote: "The requested scope MUST NOT include any scope not originally granted by the resource owner, and if omitted is treated as equal to the scope originally granted by the resource owner.",
	Run:   runOmittedScopeOriginal,
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
	// offline_access asks for the refresh token, not for the access
	// token's scope: a server may leave it out of a refreshed token.
	got := withoutOffline(strings.Fields(next.Scope))
	original = withoutOffline(original)
	switch {
	case sameScope(got, original):
		return nil
	case subset(got, original):
		// Less than the grant, said in the response: RFC 6749 §3.3 lets
		// a server's policy narrow any token it issues.
		return expect.Fail(res, fmt.Sprintf("scope=%q", strings.Join(original, " ")), fmt.Sprintf("scope=%q", next.Scope),
			"a refresh without scope was issued less than the scope of the grant (a narrowing RFC 6749 §3.3 allows by policy, and the response says so)").
			WithEvidence(ts.Result.Exchange).
			WithFix("when a refresh request omits scope, issue the scope of the original grant").AsObservation()
	}
	return expect.Fail(res, fmt.Sprintf("scope=%q", strings.Join(original, " ")), fmt.Sprintf("scope=%q", next.Scope),
		"a refresh without scope was issued scope the resource owner did not grant").
		WithEvidence(ts.Result.Exchange).
		WithFix("when a refresh request omits scope, issue the scope of the original grant")
}

// subset reports whether every value of a is in b.
func subset(a, b []string) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

// withoutOffline is scope without the scopes that ask for a refresh token.
func withoutOffline(scope []string) []string {
	var out []string
	for _, s := range scope {
		if s != "offline_access" && s != "offline" {
			out = append(out, s)
		}
	}
	return out
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
}

// refreshableGrant runs the code flow for the run's confidential client
// (with scope when not empty) and SKIPs when no refresh token comes back,
// after asking once more with offline_access (or offline) when
// scopes_supported lists it: servers such as OpenID providers issue
// refresh tokens only for it.
func refreshableGrant(ctx context.Context, t *suite.T, scope string) (*fixture.Client, *fixture.TokenSet, error) {
	get := func(scope string) (*fixture.TokenSet, error) {
		return t.RefreshableTokens(ctx, nil, func(r *fixture.AuthRequest) {
			if scope != "" {
				r.Scope = scope
			}
		})
	}
	ts, err := get(scope)
	var skip *suite.Skipped
	if extra := offlineScope(t, scope); err != nil && errors.As(err, &skip) && extra != "" {
		base := scope
		if base == "" {
			base = strings.Join(t.Target.Config.Scopes, " ")
		}
		ts, err = get(strings.TrimSpace(base + " " + extra))
	}
	if err != nil {
		return nil, nil, err
	}
	return ts.Client, ts, nil
}

// offlineScope is the scope that asks for a refresh token on servers that
// list one (offline_access, offline), unless scope holds it already.
func offlineScope(t *suite.T, scope string) string {
	for _, s := range []string{"offline_access", "offline"} {
		if slices.Contains(t.Target.Metadata.ScopesSupported, s) && !slices.Contains(strings.Fields(scope), s) {
			return s
		}
	}
	return ""
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
func sameScope(a, b []string) bool { return subset(a, b) && subset(b, a) }

var newRefreshTokenScope = &suite.Check{
	ID: "rfc6749-6-new-refresh-token-scope", Spec: suite.RFC6749, Section: "6", Level: suite.Must,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The refresh token issued by a refresh with a narrower scope keeps the scope of the original grant",
	Quote: "If a new refresh token is issued, the refresh token scope MUST be identical to that of the refresh token included by the client in the request.",
	Run:   runNewRefreshTokenScope,
}

// runNewRefreshTokenScope narrows a refresh to one of the grant's two
// scopes and then uses the refresh token that refresh issued to ask for the
// whole original scope: a refresh token that kept the grant gets it (RFC
// 6749 §6), one narrowed with the access token is refused or grants less.
// A refresh that issues no new refresh token is outside the sentence
// (SKIP), so the grant is the public client's where there is one: refresh
// tokens of public clients rotate (RFC 9700 §4.14.2).
func runNewRefreshTokenScope(ctx context.Context, t *suite.T) error {
	two, c, ts, err := rotatingTwoScopeGrant(ctx, t)
	if err != nil {
		return err
	}
	original := two
	if ts.Scope != "" {
		original = strings.Fields(ts.Scope)
	}
	if !slices.Contains(original, two[0]) || len(original) < 2 {
		return suite.SkipErr("the grant's scope is %q, which has no narrower part holding %q to refresh to", strings.Join(original, " "), two[0])
	}
	form := refreshForm(ts.RefreshToken)
	form.Set("scope", two[0])
	narrowed, mid, err := refreshOK(ctx, t, c, form, fmt.Sprintf("refresh narrowed to scope %q", two[0]))
	if err != nil {
		return err
	}
	if mid.RefreshToken == "" || mid.RefreshToken == ts.RefreshToken {
		return suite.SkipErr("the narrowed refresh issued no new refresh token; the sentence binds only a new one")
	}
	whole := strings.Join(original, " ")
	form = refreshForm(mid.RefreshToken)
	form.Set("scope", whole)
	res, err := t.Token(ctx, c, form, fmt.Sprintf("use the new refresh token for the original scope %q", whole))
	if err != nil {
		return err
	}
	lost := func(got string) error {
		return expect.Fail(res, fmt.Sprintf("tokens for scope %q (the original grant)", whole), got,
			"the refresh token issued by a refresh narrowed to %q no longer carries the original grant", two[0]).
			WithEvidence(narrowed.Exchange).
			WithFix("give the refresh token issued by a refresh the scope of the refresh token it replaces; narrow only the access token")
	}
	if res.Status != http.StatusOK {
		if code := expect.ErrorCode(res); code == "invalid_scope" {
			return lost("error=" + code)
		}
		return suite.SkipErr("the new refresh token was refused (%s); the RFC 6749 §6 and RFC 9700 §4.14.2 checks judge refreshing", expect.Outcome(res))
	}
	next, err := t.ParseTokens(res)
	if err != nil {
		return err
	}
	if granted, told := next.Raw["scope"].(string); told && !sameScope(strings.Fields(granted), original) {
		return lost(fmt.Sprintf("tokens for scope %q", granted))
	}
	return nil // the scope asked for, or the whole grant reported
}

// rotatingTwoScopeGrant is a refreshable grant of two scopes (twoScopes),
// for the public client when the target has one, whose refresh tokens
// rotate, else for the confidential client. DPoP-bound tokens are SKIP:
// authspec does not send DPoP proofs.
func rotatingTwoScopeGrant(ctx context.Context, t *suite.T) ([]string, *fixture.Client, *fixture.TokenSet, error) {
	if ok, _ := t.Target.Has(vocab.FeaturePublicClient); !ok {
		return twoScopeGrant(ctx, t)
	}
	two, err := twoScopes(t)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := t.Public(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ts, err := t.RefreshableTokens(ctx, c, func(r *fixture.AuthRequest) { r.Scope = strings.Join(two, " ") })
	if err != nil {
		return nil, nil, nil, err
	}
	if strings.EqualFold(ts.TokenType, "DPoP") {
		return nil, nil, nil, suite.SkipErr("the public client's tokens are DPoP-bound (token_type DPoP), and authspec does not send DPoP proofs")
	}
	return two, c, ts, nil
}
