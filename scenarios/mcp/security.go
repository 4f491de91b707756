package mcp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// Token validation at the MCP server, registration, consent and the
// authorization server's own resources (2025-06-18 §2.4, §2.6, §2.7 and the
// security best practices).
func securityChecks() []*suite.Check {
	code := []suite.Feature{suite.FeatureResource, suite.FeatureConfidential, suite.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "mcp-2.6.2-revoked-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: append([]suite.Feature{suite.FeatureRevocation}, code...), Profiles: both,
			Title: "A revoked access token is answered 401 by the MCP server",
			Quote: "Invalid or expired tokens MUST receive a HTTP 401 response.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, token, err := mcpToken(ctx, t)
				if err != nil {
					return err
				}
				first, err := accepted(ctx, t, token, "call the MCP server with a fresh token")
				if err != nil {
					return err
				}
				if first.Status < 200 || first.Status > 299 {
					return suite.SkipErr("the MCP server did not accept the fresh token (HTTP %d)", first.Status)
				}
				rev, err := t.Fixtures.PostForm(ctx, t.HTTP, t.Target.Metadata.RevocationEndpoint, c, url.Values{"token": {token}}, "revoke the token (RFC 7009)")
				if err != nil {
					return err
				}
				if rev.Status != http.StatusOK {
					return suite.SkipErr("revocation answered HTTP %d (the RFC 7009 checks judge it)", rev.Status)
				}
				res, err := accepted(ctx, t, token, "call the MCP server with the revoked token")
				if err != nil {
					return err
				}
				return expect.Evidence(expect.WithFix(expect.Status(res, http.StatusUnauthorized),
					"check that the token is still active on every request (introspection or a revocation list), and answer 401 otherwise"), rev.Exchange)
			},
		},
		{
			ID: "mcp-2.6.2-post-invalid-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "An invalid access token on a JSON-RPC POST is answered 401, as on GET",
			Quote: "MCP servers, acting in their role as an OAuth 2.1 resource server, MUST validate access tokens as described in OAuth 2.1 Section 5.2.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := call(ctx, t, http.MethodPost, t.Target.Resource, "Bearer authspec-invalid-"+fixture.RandomState(), "POST an MCP initialize request with a made-up token")
				if err != nil {
					return err
				}
				if err := served(res); err != nil {
					return err
				}
				if res.Status == http.StatusMethodNotAllowed {
					return suite.SkipErr("the MCP server URL does not take POST (HTTP 405)")
				}
				return expect.WithFix(expect.Status(res, http.StatusUnauthorized),
					"validate the access token on every request, whatever its method")
			},
		},
		{
			ID: "mcp-2.7-malformed-request-400", Spec: suite.MCP, Section: "2.7", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "A malformed Authorization header is answered 400",
			Quote: "Servers MUST return appropriate HTTP status codes for authorization errors: 401 Unauthorized: Authorization required or token invalid; 403 Forbidden: Invalid scopes or insufficient permissions; 400 Bad Request: Malformed authorization request.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := call(ctx, t, http.MethodGet, t.Target.Resource, "Bearer two tokens", "call the MCP server with a malformed Authorization header")
				if err != nil {
					return err
				}
				if err := served(res); err != nil {
					return err
				}
				return expect.WithFix(expect.Status(res, http.StatusBadRequest),
					"answer a malformed Authorization header with 400 and error=\"invalid_request\" (RFC 6750 §3.1)")
			},
		},
		{
			ID: "mcp-2.4-public-client-registration", Spec: suite.MCP, Section: "2.4", Level: suite.Should,
			Requires: []suite.Feature{suite.FeatureDCR}, Profiles: both,
			Title: "Dynamic registration accepts an MCP client: a public client with a loopback redirect URI",
			Quote: "MCP clients and authorization servers SHOULD support the OAuth 2.0 Dynamic Client Registration Protocol RFC7591 to allow MCP clients to obtain OAuth client IDs without user interaction.",
			Run: func(ctx context.Context, t *suite.T) error {
				if ms := t.Target.Metadata.AuthMethods(); !slices.Contains(ms, "none") {
					return suite.SkipErr("the metadata does not advertise token_endpoint_auth_method none (public clients): MCP clients would have to be confidential")
				}
				md := regclient.Metadata(t, "none", map[string]any{"client_name": "authspec MCP client", "grant_types": []string{"authorization_code", "refresh_token"}})
				r, err := regclient.Register(ctx, t, md)
				if err != nil {
					return err
				}
				if !r.OK() || r.Client.ID == "" {
					return expect.WithFix(expect.Fail(r.Res, "HTTP 201 with a client_id", fmt.Sprintf("HTTP %d", r.Res.Status),
						"an MCP client (public, loopback redirect URI, authorization_code and refresh_token) cannot register"),
						"register public clients (token_endpoint_auth_method none) with loopback redirect URIs: MCP clients are native apps")
				}
				return nil
			},
		},
		{
			ID: "mcp-security-consent-per-client", Spec: suite.MCP, Section: "Security Best Practices: Confused Deputy", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureBrowser, suite.FeatureDCR, suite.FeatureAuthCode}, Profiles: both,
			Title: "A newly registered client is not approved on the strength of the user's approval of another client",
			Quote: "MCP proxy servers using static client IDs MUST obtain user consent for each dynamically registered client before forwarding to third-party authorization servers (which may require additional consent).",
			Run:   runConsentPerClient,
		},
		{
			ID: "mcp-2.6.2-as-refuses-foreign-tokens", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureDCRManagement, suite.FeatureResource, suite.FeatureAuthCode}, Profiles: both,
			Title: "The authorization server's own resources (client configuration endpoint) refuse an access token issued for the MCP server",
			Quote: "Authorization servers MUST only accept tokens that are valid for use with their own resources.",
			Run:   runASRefusesForeignTokens,
		},
	}
}

func runConsentPerClient(ctx context.Context, t *suite.T) error {
	// The person approves one client...
	first, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_name": "authspec first client"}))
	if err != nil {
		return err
	}
	// prompt=consent shows the consent page even where the person's
	// approvals of earlier clients in this run would be carried over.
	far := t.NewAuthRequest(first.Client)
	far.Extra = url.Values{"prompt": {"consent"}}
	_, res, err := t.Fixtures.Code(ctx, t.HTTP, far)
	if err != nil {
		return fmt.Errorf("first client's authorization: %w", err)
	}
	if res == nil || !res.Interactive {
		return suite.SkipErr("the target approved the first client without a page: no person consented to anything, so nothing can be carried over")
	}
	// ...then a new client asks: the person must be asked again.
	second, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_name": "authspec second client"}))
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(second.Client)
	ar.Flow = fixture.FlowInspect
	az, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
	if err != nil {
		return err
	}
	if az.Consent != nil {
		return nil
	}
	if az.Callback != nil && az.Callback.Query().Get("code") != "" {
		return expect.Evidence(expect.WithFix(expect.Fail(az.Last, "the consent page for the new client", "a code at once",
			"a client registered a moment ago got a code without the person being asked: any dynamically registered client can ride on an earlier approval (confused deputy)"),
			"remember approvals per user and client; ask again for every client the person has not approved"), second.Res.Exchange)
	}
	return nil
}

func runASRefusesForeignTokens(ctx context.Context, t *suite.T) error {
	r, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	_, token, err := mcpToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := regclient.Call(ctx, t, http.MethodGet, r.URI, token, nil, "read a client's configuration with an access token issued for the MCP server")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		return expect.WithFix(expect.Fail(res, "HTTP 401: an access token for the MCP server is not a registration access token", fmt.Sprintf("HTTP %d", res.Status),
			"the client configuration endpoint accepted an access token issued for another resource"),
			"accept only the client's registration access token at its configuration endpoint")
	}
	return nil
}
