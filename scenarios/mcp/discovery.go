package mcp

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// Authorization Server Discovery (2025-06-18 §2.3, 2025-11-25 "Authorization
// Server Discovery").
func discoveryChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "mcp-2.3.1-prm-published", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "The MCP server publishes RFC 9728 protected resource metadata (via its 401 challenge or the well-known URI)",
			Quote: "MCP servers MUST implement the OAuth 2.0 Protected Resource Metadata (RFC9728) specification to indicate the locations of authorization servers.",
			Run: func(ctx context.Context, t *suite.T) error {
				m, res, err := prm(ctx, t)
				if err != nil {
					return err
				}
				if m == nil {
					return expect.WithFix(expect.Fail(res, "a protected resource metadata JSON document", fmt.Sprintf("HTTP %d", res.Status),
						"neither the 401 challenge's resource_metadata nor the well-known URI gives protected resource metadata; MCP clients cannot find the authorization server"),
						"serve RFC 9728 metadata at /.well-known/oauth-protected-resource<path> and point to it from the 401 challenge")
				}
				return nil
			},
		},
		{
			ID: "mcp-2.3.1-prm-authorization-servers", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "The protected resource metadata lists at least one authorization server",
			Quote: "The Protected Resource Metadata document returned by the MCP server MUST include the authorization_servers field containing at least one authorization server.",
			Run: func(ctx context.Context, t *suite.T) error {
				m, res, err := prm(ctx, t)
				if err != nil {
					return err
				}
				if m == nil {
					return suite.SkipErr("no protected resource metadata (mcp-2.3.1-prm-published reports it)")
				}
				list, ok := m["authorization_servers"].([]any)
				var first string
				if ok && len(list) > 0 {
					first, _ = list[0].(string)
				}
				if first == "" {
					return expect.WithFix(expect.Fail(res, `"authorization_servers": ["https://as.example"]`,
						"authorization_servers: "+metadoc.Describe(m["authorization_servers"]),
						"the protected resource metadata names no authorization server, so an MCP client cannot discover where to get a token"),
						"list the issuer of your authorization server in authorization_servers")
				}
				return nil
			},
		},
		{
			ID: "mcp-2.3.1-challenge-resource-metadata", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
			Requires: req, Profiles: []string{p0618},
			Title: "The MCP server's 401 carries WWW-Authenticate with the resource_metadata URL",
			Quote: "MCP servers MUST use the HTTP header WWW-Authenticate when returning a 401 Unauthorized to indicate the location of the resource server metadata URL as described in RFC9728 Section 5.1 \"WWW-Authenticate Response\".",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := call(ctx, t, http.MethodGet, t.Target.Resource, "", "call the MCP server without a token")
				if err != nil {
					return err
				}
				if err := served(res); err != nil {
					return err
				}
				if res.Status != http.StatusUnauthorized {
					return suite.SkipErr("the MCP server answered HTTP %d without a token, not 401: no challenge to judge (rfc6750-3-challenge-on-401 judges it)", res.Status)
				}
				c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
				if !ok || c.Params["resource_metadata"] == "" {
					return expect.WithFix(expect.Fail(res, `WWW-Authenticate: Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/…"`,
						headerOr(res), "the 401 does not say where the protected resource metadata is"),
						"add resource_metadata=\"<metadata URL>\" to the Bearer challenge of every 401")
				}
				return nil
			},
		},
		{
			ID: "mcp-2.3.1-post-challenge", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "An unauthenticated JSON-RPC POST (initialize) is answered 401 with a Bearer challenge",
			Quote: "MCP clients MUST be able to parse WWW-Authenticate headers and respond appropriately to HTTP 401 Unauthorized responses from the MCP server.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := call(ctx, t, http.MethodPost, t.Target.Resource, "", "POST an MCP initialize request without a token")
				if err != nil {
					return err
				}
				if err := served(res); err != nil {
					return err
				}
				if res.Status == http.StatusMethodNotAllowed {
					return suite.SkipErr("the MCP server URL does not take POST (HTTP 405): not a Streamable HTTP endpoint")
				}
				if err := expect.Status(res, http.StatusUnauthorized); err != nil {
					return expect.WithFix(err, "answer unauthenticated MCP requests (the JSON-RPC POST an MCP client sends first) with 401 and a Bearer challenge, so the client starts authorization")
				}
				if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
					return expect.WithFix(expect.Fail(res, "WWW-Authenticate: Bearer …", headerOr(res), "the 401 to the POST has no Bearer challenge"),
						"send the same Bearer challenge (with resource_metadata) on POST as on GET")
				}
				return nil
			},
		},
		{
			ID: "mcp-2025-11-25-challenge-scope", Spec: suite.MCP, Section: "Protected Resource Metadata Discovery", Level: suite.Should,
			Requires: req, Profiles: []string{p1125},
			Title: "The 401 challenge tells the client which scope to request",
			Quote: "MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3 to indicate the scopes required for accessing the resource.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := call(ctx, t, http.MethodGet, t.Target.Resource, "", "call the MCP server without a token")
				if err != nil {
					return err
				}
				if err := served(res); err != nil {
					return err
				}
				c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
				if !ok {
					return suite.SkipErr("no Bearer challenge to judge (mcp-2.3.1-challenge-resource-metadata reports it)")
				}
				if c.Params["scope"] == "" {
					return expect.WithFix(expect.Fail(res, `WWW-Authenticate: Bearer …, scope="…"`, headerOr(res), "the challenge does not say which scope to request"),
						"add scope=\"<scopes the resource needs>\" to the Bearer challenge")
				}
				return nil
			},
		},
		{
			ID: "mcp-2025-11-25-pkce-advertised", Spec: suite.MCP, Section: "Authorization Code Protection", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureMetadata}, Profiles: []string{p1125},
			Title: "The authorization server metadata lists S256 in code_challenge_methods_supported (MCP clients refuse to proceed otherwise)",
			Quote: "If code_challenge_methods_supported is absent, the authorization server does not support PKCE and MCP clients MUST refuse to proceed.",
			Run: func(ctx context.Context, t *suite.T) error {
				ms := t.Target.Metadata.CodeChallengeMethodsSupported
				for _, m := range ms {
					if m == "S256" {
						return nil
					}
				}
				return expect.WithFix(expect.Fail(t.Target.MetadataResult, `"code_challenge_methods_supported": ["S256"]`,
					fmt.Sprintf("code_challenge_methods_supported: %v", ms), "MCP clients refuse an authorization server that does not advertise PKCE S256"),
					`advertise "code_challenge_methods_supported": ["S256"] in the RFC 8414 metadata`)
			},
		},
	}
}

func headerOr(res *httpx.Result) string {
	if v := res.Header.Values("WWW-Authenticate"); len(v) > 0 {
		return "WWW-Authenticate: " + v[0]
	}
	return "no WWW-Authenticate header"
}
