package mcp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenHandlingChecks returns the checks of the MCP authorization
// specification §2.6.2, Token Handling.
func tokenHandlingChecks() []*suite.Check {
	return []*suite.Check{
		revokedToken401, asRefusesForeignTokens, issuedTokenAccepted, audienceValidated,
		invalidToken401,
	}
}

var revokedToken401 = &suite.Check{
	ID: "mcp-2.6.2-revoked-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
	Destroys: true,
	Requires: append([]vocab.Feature{vocab.FeatureRevocation}, mcpServerCode...), Profiles: both,
	Title: "A revoked access token is answered 401 by the MCP server (when revocation reaches it at once)",
	Quote: "Invalid or expired tokens MUST receive a HTTP 401 response.",
	Run:   onMCPServer(runRevokedToken401),
}

// runRevokedToken401 revokes a token the MCP server accepted. RFC 7009 §2.1
// allows a delay before the resource server learns of it ("there could be
// a propagation delay"), so a token still accepted right after is SKIP
// unless the config says revocation reaches the resource at once.
func runRevokedToken401(ctx context.Context, t *suite.T) error {
	ts, first, err := probe.AcceptedToken(ctx, t)
	if err != nil {
		return err
	}
	rev, err := t.PostForm(ctx, t.Target.Metadata.RevocationEndpoint, ts.Client,
		url.Values{"token": {ts.AccessToken}, "token_type_hint": {"access_token"}}, "revoke the token (RFC 7009)")
	if err != nil {
		return err
	}
	if rev.Status != http.StatusOK {
		return suite.SkipErr("revocation answered HTTP %d (access-token revocation is a SHOULD of RFC 7009 §2; the RFC 7009 checks judge it)", rev.Status)
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the MCP server with the revoked token")
	if err != nil {
		return err
	}
	if probe.Accepted(res) && !t.Target.Config.SynchronousRevocation {
		return suite.SkipErr("the MCP server still accepts the token right after its revocation (HTTP %d): RFC 7009 §2.1 allows a propagation delay to the resource; "+
			"set synchronous_revocation: true if it must refuse it at once", res.Status)
	}
	return expect.Evidence(expect.WithFix(expect.Status(res, http.StatusUnauthorized),
		"check that the token is still active on every request (introspection or a revocation list), and answer 401 otherwise"), first.Exchange, rev.Exchange)
}

var issuedTokenAccepted = &suite.Check{
	ID: "mcp-2.6.2-issued-token-accepted", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
	Requires: mcpServerCode, Profiles: both,
	Title: "A token obtained with the MCP server as resource is accepted by the MCP server",
	Quote: "A protected MCP server acts as an OAuth 2.1 resource server, capable of accepting and responding to protected resource requests using access tokens. (Roles)",
	Keywordless: "the Roles sentence defines what an MCP server is: a resource server that accepts the access tokens issued for it; " +
		"a token obtained exactly as MCP prescribes (resource = the MCP server's URI, from the authorization server its metadata names) that the MCP server refuses " +
		"leaves every MCP client without access",
	Run: onMCPServer(runIssuedTokenAccepted),
}

func runIssuedTokenAccepted(ctx context.Context, t *suite.T) error {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the MCP server with a token issued for it")
	if err != nil {
		return err
	}
	if c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); res.Status == http.StatusForbidden && ok && c.Params["error"] == "insufficient_scope" {
		return suite.SkipErr("the MCP server accepts the token but needs more scope (HTTP 403 insufficient_scope%s): give the scopes it needs under scopes: in the config", scopeHint(c))
	}
	if res.Status == http.StatusForbidden {
		// "403 Forbidden: Invalid scopes or insufficient permissions": the
		// token was taken; the run's user may do less than the call asks.
		return suite.SkipErr("the MCP server answers the token with HTTP 403 (insufficient permissions, which MCP answers so): the token was authenticated, and the run's user may not do this")
	}
	if !probe.Accepted(res) {
		if aud, src, err := probe.Aud(ctx, t, ts.Client, ts.AccessToken); err == nil && len(aud) > 0 && !probe.NamesResource(aud, t.Target.Resource) {
			return suite.SkipErr("the MCP server refuses the token (HTTP %d), whose %s audience %v does not name it: the authorization server did not issue it for the MCP server "+
				"(the audience checks report that), and refusing it is right", res.Status, src, aud)
		}
		return expect.Fail(res, "a 2xx answer", fmt.Sprintf("HTTP %d", res.Status),
			"the MCP server refuses a token requested with resource=%s, its own URI", t.Target.Resource).
			WithFix("issue tokens for the resource the client named (audience = the MCP server's canonical URI), and accept them at that MCP server").
			WithEvidence(ts.Result.Exchange)
	}
	return nil
}

// scopeHint names the scope a challenge asks for, if any.
func scopeHint(c probe.Challenge) string {
	if sc := c.Params["scope"]; sc != "" {
		return ", scope=\"" + sc + "\""
	}
	return ""
}

var audienceValidated = &suite.Check{
	ID: "mcp-2.6.2-audience-validated", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
	Requires: mcpServerCode, Profiles: both,
	Title: "The MCP server refuses an access token that was issued for another audience",
	Quote: "MCP servers MUST validate that access tokens were issued specifically for them as the intended audience, according to RFC 8707 Section 2.",
	Run:   onMCPServer(runAudienceValidated),
}

func runAudienceValidated(ctx context.Context, t *suite.T) error {
	f, err := probe.ForeignToken(ctx, t)
	if err != nil {
		return err
	}
	switch {
	case !probe.Accepted(f.Answer):
		return nil
	case f.NamesResource:
		return suite.SkipErr("the token requested for another resource names this MCP server in its audience too (%s): accepting it is right here, and rfc8707-2-audience-restricted reports the authorization server", f.Proof)
	case !f.Proven:
		return suite.SkipErr("the MCP server accepts the token %s, whose audience cannot be read and which other_resource does not show to be bound to it: "+
			"a server that ignores the resource parameter gives both tokens the same audience, so accepting it may be right", f.Proof)
	}
	return expect.Fail(f.Answer, "HTTP 401: the token's audience is not this MCP server", fmt.Sprintf("HTTP %d", f.Answer.Status),
		"the MCP server accepted a token that was not issued for it (%s): token passthrough and confused-deputy risk", f.Proof).
		WithFix("accept only tokens whose audience (aud, or the resource they were issued for) is this MCP server").
		WithEvidence(f.Request.Exchange, f.Baseline.Exchange)
}

var invalidToken401 = &suite.Check{
	ID: "mcp-2.6.2-invalid-token-401", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
	Requires: mcpServer, Profiles: both,
	Title: "An invalid access token is answered 401",
	Quote: "Invalid or expired tokens MUST receive a HTTP 401 response.",
	Run:   onMCPServer(runInvalidToken401),
}

func runInvalidToken401(ctx context.Context, t *suite.T) error {
	res, err := probe.InvalidToken(ctx, t)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(res, http.StatusUnauthorized),
		"answer unknown, expired or revoked tokens with 401 and a Bearer challenge (error=\"invalid_token\"), so that the client re-authorizes")
}

var asRefusesForeignTokens = &suite.Check{
	// 2025-11-25 rewrote the sentence about MCP servers ("MCP servers
	// MUST only accept tokens that are valid for use with their own
	// resources"), which mcp-2.6.2-audience-validated judges.
	ID: "mcp-2.6.2-as-refuses-foreign-tokens", Spec: suite.MCP, Section: "2.6.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCRManagement, vocab.FeatureResource, vocab.FeatureAuthCode}, Profiles: only0618, Claim: vocab.ProfileMCP0618,
	Title: "The authorization server's own resources (client configuration endpoint) refuse an access token issued for the MCP server",
	Quote: "Authorization servers MUST only accept tokens that are valid for use with their own resources.",
	Run:   runASRefusesForeignTokens,
}

func runASRefusesForeignTokens(ctx context.Context, t *suite.T) error {
	r, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := regclient.Call(ctx, t, http.MethodGet, r.URI, ts.AccessToken, nil, "read a client's configuration with an access token issued for the MCP server")
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
