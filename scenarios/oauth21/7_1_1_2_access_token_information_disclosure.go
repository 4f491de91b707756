package oauth21

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenDisclosureChecks returns the checks of OAuth 2.1 §7.1.1.2, Access
// token information disclosure.
func tokenDisclosureChecks() []*suite.Check {
	return []*suite.Check{noTokenCookieInClear}
}

var noTokenCookieInClear = &suite.Check{
	ID: "oauth21-7.1.1.2-no-token-cookie-in-clear", Spec: suite.OAuth21, Section: "7.1.1.2", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureResource},
	Profiles: []vocab.Profile{vocab.ProfileOAuth21},
	Title:    "Neither the token response nor the resource sets a cookie holding the access or refresh token without the Secure attribute",
	Quote:    "Bearer tokens MUST NOT be stored in cookies that can be sent in the clear.",
	Run:      runNoTokenCookieInClear,
}

// runNoTokenCookieInClear gets tokens and calls the resource with the
// access token, then reads every Set-Cookie of the two answers: a cookie
// whose value holds the access or the refresh token (as sent, or
// URL-encoded) must be Secure, or the browser sends it over plain HTTP.
// Tokens the server wraps or encrypts in a cookie cannot be recognised,
// and a session cookie that refers to the grant is not a token.
func runNoTokenCookieInClear(ctx context.Context, t *suite.T) error {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the protected resource with the access token")
	if err != nil {
		return err
	}
	if !probe.Accepted(res) {
		return suite.SkipErr("the protected resource answered HTTP %d to the access token: there is no authorized answer whose cookies to judge", res.Status)
	}
	tokens := map[string]string{"access token": ts.AccessToken, "refresh token": ts.RefreshToken}
	for _, r := range []*httpx.Result{ts.Result, res} {
		if c, what := clearTokenCookie(r, tokens); c != nil {
			return expect.Fail(r, "no cookie holding a token, or one with the Secure attribute", "Set-Cookie: "+c.Name+"=… without Secure",
				"the answer sets a cookie %q that holds the %s and lacks the Secure attribute: the browser sends it over plain HTTP, where anyone on the path reads a bearer token", c.Name, what).
				WithFix("keep bearer tokens out of cookies (or, if a cookie must carry one, set Secure and HttpOnly on it)")
		}
	}
	return nil
}

// clearTokenCookie returns the first cookie set by r that holds one of
// tokens (by what it is) and lacks the Secure attribute.
func clearTokenCookie(r *httpx.Result, tokens map[string]string) (*http.Cookie, string) {
	if r == nil {
		return nil, ""
	}
	for _, line := range r.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Secure {
			continue
		}
		value := c.Value
		if u, err := url.QueryUnescape(value); err == nil {
			value += " " + u
		}
		for what, tok := range tokens {
			if tok != "" && strings.Contains(value, tok) {
				return c, what
			}
		}
	}
	return nil, ""
}
