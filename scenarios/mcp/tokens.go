package mcp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// Resource parameter, token handling and error handling (2025-06-18 §2.5,
// §2.6, §2.7).
func tokenChecks() []*suite.Check {
	code := []suite.Feature{suite.FeatureResource, suite.FeatureConfidential, suite.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "mcp-2.5.1-resource-in-both-requests", Spec: suite.MCP, Section: "2.5.1", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "The authorization server takes the MCP server's URI as resource in both the authorization and the token request",
			Quote: "MCP clients MUST implement Resource Indicators for OAuth 2.0 as defined in RFC 8707 to explicitly specify the target resource for which the token is being requested. The resource parameter: MUST be included in both authorization requests and token requests.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.Resources = []string{t.Target.Resource}
				code, az, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err != nil {
					if fixture.IsUnavailable(err) && az != nil && az.Callback != nil && az.Callback.Query().Get("error") != "" {
						return expect.WithFix(expect.Fail(az.Last, "an authorization code", "error="+az.Callback.Query().Get("error"),
							"the authorization request naming the MCP server as resource was refused"), "accept resource=<MCP server URI> in authorization requests")
					}
					return err
				}
				res, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, url.Values{"resource": {t.Target.Resource}})
				if err != nil {
					return err
				}
				if err := expect.Status(res, http.StatusOK); err != nil {
					return expect.WithFix(err, "accept the resource parameter in the token request too (RFC 8707 §2.2): MCP clients send it in both")
				}
				return nil
			},
		},
		{
			ID: "mcp-2.5.1-uppercase-resource-accepted", Spec: suite.MCP, Section: "2.5.1", Level: suite.Should,
			Requires: code, Profiles: both,
			Title: "A resource with an upper-case scheme and host is accepted as the MCP server's canonical URI",
			Quote: "While the canonical form uses lowercase scheme and host components, implementations SHOULD accept uppercase scheme and host components for robustness and interoperability.",
			Run: func(ctx context.Context, t *suite.T) error {
				u, err := url.Parse(t.Target.Resource)
				if err != nil || u.Host == "" {
					return suite.SkipErr("the resource %q is not an absolute URL", t.Target.Resource)
				}
				upper := strings.ToUpper(u.Scheme) + "://" + strings.ToUpper(u.Host) + u.EscapedPath()
				if u.RawQuery != "" {
					upper += "?" + u.RawQuery
				}
				if upper == t.Target.Resource {
					return suite.SkipErr("the resource has no lower-case scheme or host letters to change")
				}
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.Resources = []string{upper}
				az, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				if az.Callback == nil {
					return suite.SkipErr("the authorization request did not come back to the client")
				}
				if e := az.Callback.Query().Get("error"); e != "" {
					return expect.WithFix(expect.Fail(az.Last, "an authorization code for resource="+upper, "error="+e,
						"the MCP server's URI with an upper-case scheme and host was refused"),
						"compare resource indicators with the scheme and host lower-cased (RFC 3986 §6.2.2.1)")
				}
				return nil
			},
		},
		{
			ID: "mcp-2.6.2-issued-token-accepted", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "A token obtained with the MCP server as resource is accepted by the MCP server",
			Quote: "The resource parameter: MUST be included in both authorization requests and token requests. MUST identify the MCP server that the client intends to use the token with.",
			Run: func(ctx context.Context, t *suite.T) error {
				_, token, err := mcpToken(ctx, t)
				if err != nil {
					return err
				}
				res, err := accepted(ctx, t, token, "call the MCP server with a token issued for it")
				if err != nil {
					return err
				}
				return expect.WithFix(expect.Status(res, http.StatusOK),
					"issue tokens for the resource the client named (audience = the MCP server's canonical URI), and accept them at that MCP server")
			},
		},
		{
			ID: "mcp-2.6.2-audience-validated", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureResource, suite.FeatureConfidential, suite.FeatureClientCredentials}, Profiles: both,
			Title: "The MCP server refuses an access token that was not issued for it",
			Quote: "MCP servers MUST validate that access tokens were issued specifically for them as the intended audience, according to RFC 8707 Section 2.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				// A token requested without resource is not for this server.
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, url.Values{"grant_type": {"client_credentials"}}, "client credentials token requested without resource")
				if err != nil {
					return err
				}
				ts, err := t.Fixtures.ParseTokens(res)
				if err != nil {
					return suite.SkipErr("no client credentials token to try: %v", err)
				}
				if ts.Raw != nil {
					if aud, ok := ts.Raw["aud"]; ok && fmt.Sprint(aud) != "" {
						t.Logf("the token response names an audience: %v", aud)
					}
				}
				got, err := accepted(ctx, t, ts.AccessToken, "call the MCP server with a token issued without resource")
				if err != nil {
					return err
				}
				if got.Status >= 200 && got.Status < 300 {
					return expect.Evidence(expect.WithFix(expect.Fail(got, "HTTP 401: the token's audience is not this MCP server", fmt.Sprintf("HTTP %d", got.Status),
						"the MCP server accepted a token that was not issued for it (token passthrough and confused-deputy risk)"),
						"accept only tokens whose audience (aud, or the resource they were issued for) is this MCP server"), res.Exchange)
				}
				return nil
			},
		},
		{
			ID: "mcp-2.6.2-invalid-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "An invalid access token is answered 401",
			Quote: "Invalid or expired tokens MUST receive a HTTP 401 response.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := accepted(ctx, t, "authspec-invalid-"+fixture.RandomState(), "call the MCP server with a made-up access token")
				if err != nil {
					return err
				}
				return expect.WithFix(expect.Status(res, http.StatusUnauthorized),
					"answer unknown, expired or revoked tokens with 401 and a Bearer challenge (error=\"invalid_token\"), so that the client re-authorizes")
			},
		},
		{
			ID: "mcp-2.7-insufficient-scope-403", Spec: suite.MCP, Section: "2.7", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "A token lacking the scope a request needs is answered 403",
			Quote: "Servers MUST return appropriate HTTP status codes for authorization errors: 401 Unauthorized: Authorization required or token invalid; 403 Forbidden: Invalid scopes or insufficient permissions; 400 Bad Request: Malformed authorization request.",
			Run: func(ctx context.Context, t *suite.T) error {
				scoped := t.Target.Config.ScopedResource
				if scoped == "" {
					return suite.SkipErr("give scoped_resource in the config: a URL of the MCP server that needs a scope the suite's tokens lack")
				}
				_, token, err := mcpToken(ctx, t)
				if err != nil {
					return err
				}
				res, err := call(ctx, t, http.MethodGet, scoped, "Bearer "+token, "call the scoped resource with a token that lacks its scope")
				if err != nil {
					return err
				}
				if res.Status >= 200 && res.Status < 300 {
					return suite.SkipErr("the token was accepted at %s: it has the scope, so nothing is insufficient", scoped)
				}
				return expect.WithFix(expect.Status(res, http.StatusForbidden),
					"answer a valid token without the needed scope with 403 and error=\"insufficient_scope\", so the client asks for more scope instead of re-authorizing")
			},
		},
		{
			ID: "mcp-2.6.1-every-request-authorized", Spec: suite.MCP, Section: "2.6.1", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "Every request needs the access token: no cookie or session set by an earlier request stands in for it",
			Quote: "Note that authorization MUST be included in every HTTP request from client to server, even if they are part of the same logical session.",
			Run: func(ctx context.Context, t *suite.T) error {
				_, token, err := mcpToken(ctx, t)
				if err != nil {
					return err
				}
				first, err := accepted(ctx, t, token, "call the MCP server with the access token")
				if err != nil {
					return err
				}
				if first.Status < 200 || first.Status > 299 {
					return suite.SkipErr("the MCP server did not accept the token (HTTP %d), so there is no session to reuse", first.Status)
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Target.Resource, nil)
				if err != nil {
					return err
				}
				for _, c := range (&http.Response{Header: first.Header}).Cookies() {
					req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
				}
				res, err := t.HTTP.Do(ctx, req, "call again with the cookies the first answer set, without the token")
				if err != nil {
					return err
				}
				if res.Status >= 200 && res.Status < 300 {
					return expect.Evidence(expect.WithFix(expect.Fail(res, "HTTP 401", fmt.Sprintf("HTTP %d", res.Status),
						"a request without the access token was accepted on the strength of the earlier one (a session cookie)"),
						"authorize every MCP request by its Authorization header; do not turn a token into a session"), first.Exchange)
				}
				return nil
			},
		},
		{
			ID: "mcp-2.6.1-query-token-refused", Spec: suite.MCP, Section: "2.6.1", Level: suite.MustNot,
			Requires: code, Profiles: both,
			Title: "The MCP server does not accept an access token in the URI query string",
			Quote: "Access tokens MUST NOT be included in the URI query string",
			Run: func(ctx context.Context, t *suite.T) error {
				_, token, err := mcpToken(ctx, t)
				if err != nil {
					return err
				}
				u, err := url.Parse(t.Target.Resource)
				if err != nil {
					return fmt.Errorf("resource URL: %w", err)
				}
				q := u.Query()
				q.Set("access_token", token)
				u.RawQuery = q.Encode()
				res, err := call(ctx, t, http.MethodGet, u.String(), "", "call the MCP server with the token in the query string")
				if err != nil {
					return err
				}
				if err := served(res); err != nil {
					return err
				}
				if res.Status >= 200 && res.Status < 300 {
					return expect.WithFix(expect.Fail(res, "HTTP 401 (no token in the Authorization header)", fmt.Sprintf("HTTP %d", res.Status),
						"the MCP server accepted an access token from the URI query string, where it leaks into logs and Referer headers"),
						"read access tokens only from the Authorization header")
				}
				return nil
			},
		},
	}
}
