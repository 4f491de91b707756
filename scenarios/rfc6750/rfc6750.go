// Package rfc6750 holds the checks of RFC 6750, Bearer Token Usage, run
// against the protected resource named in the target config.
package rfc6750

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// Checks returns the RFC 6750 checks.
func Checks() []*suite.Check {
	req := []suite.Feature{suite.FeatureResource}
	return []*suite.Check{
		{
			ID: "rfc6750-3-challenge-on-401", Spec: suite.RFC6750, Section: "3", Level: suite.Must,
			Requires: req, Profiles: []string{"resource"},
			Title: "A 401 from the protected resource carries a Bearer WWW-Authenticate challenge",
			Quote: "If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP \"WWW-Authenticate\" response header field.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := callResource(ctx, t, "", "call the protected resource without a token")
				if err != nil {
					return err
				}
				if err := expect.Status(res, http.StatusUnauthorized); err != nil {
					return expect.WithFix(err, "answer requests without a token with 401 and a Bearer challenge")
				}
				if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
					return expect.WithFix(expect.Fail(res, `WWW-Authenticate: Bearer realm="..."`, headerOrNone(res),
						"the 401 has no Bearer challenge"), `add WWW-Authenticate: Bearer realm="…", resource_metadata="…" to 401 responses`)
				}
				return nil
			},
		},
		{
			ID: "rfc6750-3-no-error-without-credentials", Spec: suite.RFC6750, Section: "3", Level: suite.ShouldNot,
			Requires: req, Profiles: []string{"resource"},
			Title: "A challenge to a request without credentials carries no error code",
			Quote: "If the request lacks any authentication information (e.g., the client was unaware that authentication is necessary or attempted using an unsupported authentication method), the resource server SHOULD NOT include an error code or other error information.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := callResource(ctx, t, "", "call the protected resource without a token")
				if err != nil {
					return err
				}
				c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
				if !ok {
					return suite.SkipErr("no Bearer challenge to judge (see rfc6750-3-challenge-on-401)")
				}
				if e, has := c.Params["error"]; has {
					return expect.Fail(res, "a challenge without error", "error="+e, "the resource reports an error although the client sent no credentials")
				}
				return nil
			},
		},
		{
			ID: "rfc6750-3.1-invalid-token-error", Spec: suite.RFC6750, Section: "3.1", Level: suite.Should,
			Requires: req, Profiles: []string{"resource"},
			Title: "An unknown access token is answered 401 with error=\"invalid_token\"",
			Quote: "invalid_token: The access token provided is expired, revoked, malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP 401 (Unauthorized) status code.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := callResource(ctx, t, "authspec-not-a-token", "call the protected resource with an unknown token")
				if err != nil {
					return err
				}
				if err := expect.Status(res, http.StatusUnauthorized); err != nil {
					return err
				}
				c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
				if !ok || c.Params["error"] != "invalid_token" {
					return expect.WithFix(expect.Fail(res, `a Bearer challenge with error="invalid_token"`, headerOrNone(res),
						"the challenge does not say the token is invalid"), `send WWW-Authenticate: Bearer error="invalid_token"`)
				}
				return nil
			},
		},
	}
}

func headerOrNone(res *httpx.Result) string {
	if v := res.Header.Values("WWW-Authenticate"); len(v) > 0 {
		return "WWW-Authenticate: " + v[0]
	}
	return "no WWW-Authenticate header"
}

func callResource(ctx context.Context, t *suite.T, token, note string) (*httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Target.Resource, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return t.HTTP.Do(ctx, req, note)
}
