package mcp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenHandlingChecks returns the checks of the MCP authorization
// specification §2.6.2, Token Handling.
func tokenHandlingChecks() []*suite.Check {
	code := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "mcp-2.6.2-revoked-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Destroys: true,
			Requires: append([]vocab.Feature{vocab.FeatureRevocation}, code...), Profiles: both,
			Title: "A revoked access token is answered 401 by the MCP server",
			Quote: "Invalid or expired tokens MUST receive a HTTP 401 response.",
			Run:   runRevokedToken401,
		},
		{
			ID: "mcp-2.6.2-post-invalid-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "An invalid access token on a JSON-RPC POST is answered 401, as on GET",
			Quote: "MCP servers, acting in their role as an OAuth 2.1 resource server, MUST validate access tokens as described in OAuth 2.1 Section 5.2.",
			Run:   runPostInvalidToken401,
		},
		{
			ID: "mcp-2.6.2-as-refuses-foreign-tokens", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureDCRManagement, vocab.FeatureResource, vocab.FeatureAuthCode}, Profiles: both,
			Title: "The authorization server's own resources (client configuration endpoint) refuse an access token issued for the MCP server",
			Quote: "Authorization servers MUST only accept tokens that are valid for use with their own resources.",
			Run:   runASRefusesForeignTokens,
		},
		{
			ID: "mcp-2.6.2-issued-token-accepted", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "A token obtained with the MCP server as resource is accepted by the MCP server",
			Quote: "The resource parameter: MUST be included in both authorization requests and token requests. MUST identify the MCP server that the client intends to use the token with.",
			Run:   runIssuedTokenAccepted,
		},
		{
			ID: "mcp-2.6.2-audience-validated", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureClientCredentials}, Profiles: both,
			Title: "The MCP server refuses an access token that was not issued for it",
			Quote: "MCP servers MUST validate that access tokens were issued specifically for them as the intended audience, according to RFC 8707 Section 2.",
			Run:   runAudienceValidated,
		},
		{
			ID: "mcp-2.6.2-invalid-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
			Requires: req, Profiles: both,
			Title: "An invalid access token is answered 401",
			Quote: "Invalid or expired tokens MUST receive a HTTP 401 response.",
			Run:   runInvalidToken401,
		},
	}
}

func runRevokedToken401(ctx context.Context, t *suite.T) error {
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
	rev, err := t.PostForm(ctx, t.Target.Metadata.RevocationEndpoint, c, url.Values{"token": {token}}, "revoke the token (RFC 7009)")
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
}

func runPostInvalidToken401(ctx context.Context, t *suite.T) error {
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
}

func runIssuedTokenAccepted(ctx context.Context, t *suite.T) error {
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
}

func runAudienceValidated(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	// A token requested without resource is not for this server.
	res, err := t.Token(ctx, c, url.Values{"grant_type": {"client_credentials"}}, "client credentials token requested without resource")
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(res)
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
		return expect.Fail(got, "HTTP 401: the token's audience is not this MCP server", fmt.Sprintf("HTTP %d", got.Status),
			"the MCP server accepted a token that was not issued for it (token passthrough and confused-deputy risk)").
			WithFix("accept only tokens whose audience (aud, or the resource they were issued for) is this MCP server").
			WithEvidence(res.Exchange)
	}
	return nil
}

func runInvalidToken401(ctx context.Context, t *suite.T) error {
	res, err := accepted(ctx, t, "authspec-invalid-"+fixture.RandomState(), "call the MCP server with a made-up access token")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(res, http.StatusUnauthorized),
		"answer unknown, expired or revoked tokens with 401 and a Bearer challenge (error=\"invalid_token\"), so that the client re-authorizes")
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
		return expect.Fail(res, "HTTP 401: an access token for the MCP server is not a registration access token", fmt.Sprintf("HTTP %d", res.Status),
			"the client configuration endpoint accepted an access token issued for another resource").
			WithFix("accept only the client's registration access token at its configuration endpoint")
	}
	return nil
}
