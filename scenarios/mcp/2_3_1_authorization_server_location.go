package mcp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// serverLocationChecks returns the checks of the MCP authorization
// specification §2.3.1, Authorization Server Location.
func serverLocationChecks() []*suite.Check {
	return []*suite.Check{
		prmPublished, prmAuthorizationServers, challengeResourceMetadata,
		invalidTokenResourceMetadata, postChallenge,
	}
}

var prmPublished = &suite.Check{
	ID: "mcp-2.3.1-prm-published", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
	Requires: mcpServer, Profiles: both,
	Title: "The MCP server publishes RFC 9728 protected resource metadata (via its 401 challenge or the well-known URI)",
	Quote: "MCP servers MUST implement the OAuth 2.0 Protected Resource Metadata (RFC9728) specification to indicate the locations of authorization servers.",
	Run:   onMCPServer(runPRMPublished),
}

func runPRMPublished(ctx context.Context, t *suite.T) error {
	m, res, err := prm(ctx, t)
	if err != nil {
		return err
	}
	if m == nil {
		return expect.Fail(res, "a protected resource metadata JSON document", fmt.Sprintf("HTTP %d", res.Status),
			"neither the 401 challenge's resource_metadata nor the well-known URI gives protected resource metadata; MCP clients cannot find the authorization server").
			WithFix("serve RFC 9728 metadata at /.well-known/oauth-protected-resource<path> and point to it from the 401 challenge")
	}
	return nil
}

var prmAuthorizationServers = &suite.Check{
	ID: "mcp-2.3.1-prm-authorization-servers", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
	Requires: mcpServer, Profiles: both,
	Title: "The protected resource metadata lists at least one authorization server",
	Quote: "The Protected Resource Metadata document returned by the MCP server MUST include the authorization_servers field containing at least one authorization server.",
	Run:   onMCPServer(runPRMAuthorizationServers),
}

func runPRMAuthorizationServers(ctx context.Context, t *suite.T) error {
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
		return expect.Fail(res, `"authorization_servers": ["https://as.example"]`,
			"authorization_servers: "+expect.Describe(m["authorization_servers"]),
			"the protected resource metadata names no authorization server, so an MCP client cannot discover where to get a token").
			WithFix("list the issuer of your authorization server in authorization_servers")
	}
	return nil
}

var challengeResourceMetadata = &suite.Check{
	// 2025-11-25 lets an MCP server use the challenge or the
	// well-known URI ("MUST implement one of the following
	// discovery mechanisms"): mcp-2.3.1-prm-published judges that.
	ID: "mcp-2.3.1-challenge-resource-metadata", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
	Requires: mcpServer, Profiles: only0618, Claim: vocab.ProfileMCP0618,
	Title: "The MCP server's 401 carries WWW-Authenticate with the resource_metadata URL",
	Quote: "MCP servers MUST use the HTTP header WWW-Authenticate when returning a 401 Unauthorized to indicate the location of the resource server metadata URL as described in RFC9728 Section 5.1 \"WWW-Authenticate Response\".",
	Run:   onMCPServer(runChallengeResourceMetadata),
}

func runChallengeResourceMetadata(ctx context.Context, t *suite.T) error {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	if res.Status != http.StatusUnauthorized {
		return suite.SkipErr("the MCP server answered HTTP %d without a token, not 401: no challenge to judge (mcp-2.3.1-post-challenge judges the status)", res.Status)
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	if !ok || c.Params["resource_metadata"] == "" {
		return expect.Fail(res, `WWW-Authenticate: Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/…"`,
			expect.HeaderLine(res, "WWW-Authenticate"), "the 401 does not say where the protected resource metadata is").
			WithFix("add resource_metadata=\"<metadata URL>\" to the Bearer challenge of every 401")
	}
	return nil
}

var invalidTokenResourceMetadata = &suite.Check{
	// The same sentence for the 401 to a token the MCP server does
	// not accept: "when returning a 401" is every 401.
	ID: "mcp-2.3.1-invalid-token-resource-metadata", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
	Requires: mcpServer, Profiles: only0618, Claim: vocab.ProfileMCP0618,
	Title: "The MCP server's 401 to an invalid access token carries WWW-Authenticate with the resource_metadata URL too",
	Quote: "MCP servers MUST use the HTTP header WWW-Authenticate when returning a 401 Unauthorized to indicate the location of the resource server metadata URL as described in RFC9728 Section 5.1 \"WWW-Authenticate Response\".",
	Run:   onMCPServer(runInvalidTokenResourceMetadata),
}

func runInvalidTokenResourceMetadata(ctx context.Context, t *suite.T) error {
	res, err := probe.InvalidToken(ctx, t)
	if err != nil {
		return err
	}
	if res.Status != http.StatusUnauthorized {
		return suite.SkipErr("the MCP server answered HTTP %d to a made-up token, not 401: no challenge to judge (mcp-2.6.2-invalid-token-401 judges the status)", res.Status)
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	if !ok || c.Params["resource_metadata"] == "" {
		return expect.Fail(res, `WWW-Authenticate: Bearer error="invalid_token", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/…"`,
			expect.HeaderLine(res, "WWW-Authenticate"), "the 401 to an invalid token does not say where the protected resource metadata is, as every 401 of an MCP server must").
			WithFix("add resource_metadata=\"<metadata URL>\" to the Bearer challenge of every 401, those for invalid, expired or revoked tokens included")
	}
	return nil
}

var postChallenge = &suite.Check{
	ID: "mcp-2.3.1-post-challenge", Spec: suite.MCP, Section: "2.3.1", Level: suite.Must,
	Requires: mcpServer, Profiles: both,
	Title: "An unauthenticated JSON-RPC POST (initialize) is answered 401 with a Bearer challenge",
	Quote: "Servers MUST return appropriate HTTP status codes for authorization errors: ... 401 Unauthorized: Authorization required or token invalid (Error Handling) ... " +
		"If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, " +
		"the resource server MUST include the HTTP \"WWW-Authenticate\" response header field. (RFC 6750 §3)",
	Run: onMCPServer(runPostChallenge),
}

// runPostChallenge judges the answer to what an MCP client sends first: the
// JSON-RPC initialize without a token (probe.Unauthenticated calls an MCP
// server so).
func runPostChallenge(ctx context.Context, t *suite.T) error {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		// Authorization is OPTIONAL in MCP, and a server may ask for a
		// token only for some methods or tools.
		return suite.SkipErr("the MCP server answers initialize without a token (HTTP %d): it needs none to start a session, so no challenge is due there", res.Status)
	}
	if err := expect.Status(res, http.StatusUnauthorized); err != nil {
		return expect.WithFix(err, "answer unauthenticated MCP requests (the JSON-RPC POST an MCP client sends first) with 401 and a Bearer challenge, so the client starts authorization")
	}
	if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
		return expect.Fail(res, "WWW-Authenticate: Bearer …", expect.HeaderLine(res, "WWW-Authenticate"), "the 401 to the MCP request has no Bearer challenge").
			WithFix("send a Bearer challenge (with resource_metadata) with every 401")
	}
	return nil
}

// prm finds the MCP server's protected resource metadata as an MCP client
// does: from the resource_metadata parameter of its 401 challenge, else at
// the RFC 9728 well-known URL, else at the root well-known URL. It returns
// the document (nil if none) and where it looked last.
func prm(ctx context.Context, t *suite.T) (map[string]any, *httpx.Result, error) {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	var urls []string
	if c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); ok && c.Params["resource_metadata"] != "" {
		urls = append(urls, c.Params["resource_metadata"])
	}
	if u, err := target.WellKnownURL(t.Target.Resource, "oauth-protected-resource"); err == nil {
		urls = append(urls, u)
	}
	// 2025-11-25 lets the metadata live at the root too ("At the root:
	// https://example.com/.well-known/oauth-protected-resource"), where
	// MCP clients look last.
	if u, err := url.Parse(t.Target.Resource); err == nil && u.Host != "" {
		if root := u.Scheme + "://" + u.Host + "/.well-known/oauth-protected-resource"; !slices.Contains(urls, root) {
			urls = append(urls, root)
		}
	}
	last := res
	for _, u := range urls {
		m, r, err := metadoc.Fetch(ctx, t, u, "fetch the protected resource metadata")
		if err != nil {
			return nil, last, err
		}
		if r != nil {
			last = r
		}
		if m != nil {
			return m, r, nil
		}
	}
	return nil, last, nil
}
