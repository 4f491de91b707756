// Package rfc8707 holds the checks of RFC 8707, Resource Indicators for
// OAuth 2.0.
package rfc8707

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// Checks returns the RFC 8707 checks.
func Checks() []*suite.Check {
	req := []suite.Feature{suite.FeatureResource, suite.FeatureConfidential, suite.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc8707-2-fragment-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []string{"resource"},
			Title: "A resource parameter with a fragment is refused with invalid_target",
			Quote: "The value of the resource parameter MUST be an absolute URI ... and MUST NOT include a fragment component.",
			Run: func(ctx context.Context, t *suite.T) error {
				return badResource(ctx, t, t.Target.Resource+"#fragment")
			},
		},
		{
			ID: "rfc8707-2-relative-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []string{"resource"},
			Title: "A relative resource parameter is refused with invalid_target",
			Quote: "The value of the resource parameter MUST be an absolute URI, as specified by Section 4.3 of [RFC3986].",
			Run: func(ctx context.Context, t *suite.T) error {
				return badResource(ctx, t, "/relative/resource")
			},
		},
		{
			ID: "rfc8707-2.2-token-resource-within-grant", Spec: suite.RFC8707, Section: "2.2", Level: suite.Should,
			Requires: req, Profiles: []string{"resource"},
			Title: "A token request cannot name a resource the authorization grant did not include",
			Quote: "invalid_target: The requested resource is invalid, missing, unknown, or malformed.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				code, _, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, map[string][]string{"resource": {"https://authspec.invalid/other-api"}})
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_target")
				return expect.WithFix(err, "refuse token requests whose resource was not part of the authorization request")
			},
		},
		{
			ID: "rfc8707-2-audience-restricted", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []string{"resource"},
			Title: "An access token issued without the resource is not accepted by the resource",
			Quote: "The authorization server SHOULD audience-restrict issued access tokens to the resource(s) indicated by the resource parameter.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				with := t.NewAuthRequest(c)
				ts, err := t.Fixtures.Tokens(ctx, t.HTTP, with)
				if err != nil {
					return err
				}
				if ok, res, err := probe.AccessTokenActive(ctx, t, c, ts.AccessToken); err != nil || !ok {
					if err != nil {
						return err
					}
					return expect.Fail(res, "the token requested for the resource accepted", "refused",
						"a token requested with resource=%s is refused by that resource", t.Target.Resource)
				}
				without := t.NewAuthRequest(c)
				without.Resources = nil
				other, err := t.Fixtures.Tokens(ctx, t.HTTP, without)
				if err != nil {
					return err
				}
				ok, res, err := probe.AccessTokenActive(ctx, t, c, other.AccessToken)
				if err != nil {
					return err
				}
				if ok {
					return expect.WithFix(expect.Fail(res, "a token not issued for this resource refused", "accepted",
						"the resource accepts a token that was not requested for it (no audience restriction)"),
						"bind access tokens to the requested resource (aud) and have the resource check it")
				}
				return nil
			},
		},
	}
}

// badResource sends an authorization request with resource v and expects an
// invalid_target error redirect.
func badResource(ctx context.Context, t *suite.T, v string) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	ar.Resources = []string{v}
	res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
	if err != nil && !fixture.IsUnavailable(err) {
		return err
	}
	if res == nil || res.Callback == nil {
		last := res.Last
		if res == nil {
			last = nil
		}
		return expect.Fail(last, "a redirect to the client with error=invalid_target", "no redirect to the client",
			"the authorization request with resource=%q did not come back to the client", v)
	}
	q := res.Callback.Query()
	if q.Get("error") != "invalid_target" {
		got := "error=" + q.Get("error")
		if q.Get("code") != "" {
			got = "an authorization code"
		}
		return expect.WithFix(expect.Fail(res.Last, "error=invalid_target", got, "the invalid resource %q was not refused", v),
			"validate resource parameters: absolute URI, no fragment, a resource this server issues tokens for")
	}
	return nil
}
