package mcp

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// tokenRequirementChecks returns the checks of the MCP authorization
// specification §2.6.1, Token Requirements.
func tokenRequirementChecks() []*suite.Check {
	return []*suite.Check{everyRequestAuthorized, queryTokenRefused}
}

var everyRequestAuthorized = &suite.Check{
	ID: "mcp-2.6.1-every-request-authorized", Spec: suite.MCP, Section: "2.6.1", Level: suite.Must,
	Requires: mcpServerCode, Profiles: both,
	Title: "Every request needs the access token: no cookie or MCP session set by an earlier request stands in for it",
	Quote: "Note that authorization MUST be included in every HTTP request from client to server, even if they are part of the same logical session. ... " +
		"MCP servers MUST validate access tokens before processing the request, ensuring the access token is issued specifically for the MCP server, " +
		"and take all necessary steps to ensure no data is returned to unauthorized parties. (Access Token Privilege Restriction)",
	Run: onMCPServer(runEveryRequestAuthorized),
}

// runEveryRequestAuthorized repeats an accepted request without its token,
// with what the first answer handed back for a session (cookies, the
// Mcp-Session-Id of Streamable HTTP): it must not be served. A server that
// serves the request without any token (MCP makes authorization optional)
// has no token for a session to stand in for: SKIP.
func runEveryRequestAuthorized(ctx context.Context, t *suite.T) error {
	ts, first, err := probe.AcceptedToken(ctx, t)
	if err != nil {
		return err
	}
	none, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	if probe.Accepted(none) {
		return suite.SkipErr("the MCP server serves a request without any token (HTTP %d): a session standing in for the token cannot be told apart (set resource: to a URL that needs a token)", none.Status)
	}
	h := http.Header{}
	for _, c := range (&http.Response{Header: first.Header}).Cookies() {
		h.Add("Cookie", (&http.Cookie{Name: c.Name, Value: c.Value}).String())
	}
	if sid := first.Header.Get("Mcp-Session-Id"); sid != "" {
		h.Set("Mcp-Session-Id", sid)
	}
	res, err := probe.Send(ctx, t, first.Exchange.Request.Method, t.Target.Resource, "", probe.Initialize, h,
		"repeat the request without the token, with the cookies and MCP session the first answer set")
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return expect.Fail(res, "HTTP 401", fmt.Sprintf("HTTP %d", res.Status),
			"a request without the access token was served on the strength of the earlier one (a session cookie or MCP session)").
			WithFix("authorize every MCP request by its Authorization header; do not turn a token into a session").
			WithEvidence(first.Exchange)
	}
	if h.Get("Mcp-Session-Id") == "" {
		return nil
	}
	// A new initialize starts a new session: the request that rides on
	// the session is the next one of it, in the version the server chose.
	h.Set("MCP-Protocol-Version", negotiatedVersion(first.Body))
	res, err = probe.Send(ctx, t, http.MethodPost, t.Target.Resource, "", sessionPing, h,
		"send the session's next request (ping) without the token, with the Mcp-Session-Id the first answer set")
	if err != nil {
		return err
	}
	if !probe.Accepted(res) {
		// Refused: for want of the token, or not served at all? The
		// same ping with the token tells.
		with, err := probe.Send(ctx, t, http.MethodPost, t.Target.Resource, "Bearer "+ts.AccessToken, sessionPing, h,
			"send the same ping with the token (control)")
		if err != nil {
			return err
		}
		if !probe.Accepted(with) {
			t.Logf("the session's ping is not served even with the token (HTTP %d): only the repeated initialize is judged, and it was refused", with.Status)
		}
		return nil
	}
	h.Del("Mcp-Session-Id")
	bare, err := probe.Send(ctx, t, http.MethodPost, t.Target.Resource, "", sessionPing, h,
		"send the same ping without the token and without the Mcp-Session-Id (control)")
	if err != nil {
		return err
	}
	if probe.Accepted(bare) {
		return suite.SkipErr("the MCP server serves a ping without any token or session too (HTTP %d): the session ID did not stand in for the token", bare.Status)
	}
	return expect.Fail(res, "HTTP 401", fmt.Sprintf("HTTP %d", res.Status),
		"a request of the MCP session without the access token was served on the strength of its Mcp-Session-Id").
		WithFix("authorize every request of an MCP session by its Authorization header: the session ID identifies the session, it is no credential").
		WithEvidence(first.Exchange, bare.Exchange)
}

// negotiatedVersion is the protocolVersion of an initialize result (JSON or
// an SSE event), or the 2025-06-18 revision when it cannot be read.
func negotiatedVersion(body []byte) string {
	if m := protocolVersion.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return "2025-06-18"
}

var protocolVersion = regexp.MustCompile(`"protocolVersion"\s*:\s*"([0-9A-Za-z.-]{1,40})"`)

// sessionPing is a request of an MCP session after initialize.
const sessionPing = `{"jsonrpc":"2.0","id":2,"method":"ping"}`

var queryTokenRefused = &suite.Check{
	ID: "mcp-2.6.1-query-token-refused", Spec: suite.MCP, Section: "2.6.1", Level: suite.Must,
	Requires: mcpServerCode, Profiles: both,
	Title: "The MCP server ignores an access token in the URI query string",
	Quote: "Access token handling when making requests to MCP servers MUST conform to the requirements defined in OAuth 2.1 Section 5 \"Resource Requests\". ... " +
		"In particular, clients MUST NOT send the access token in a URI query parameter, and resource servers MUST ignore access tokens in a URI query parameter. " +
		"(draft-ietf-oauth-v2-1-13 §5.1)",
	Run: onMCPServer(runQueryTokenRefused),
}

// runQueryTokenRefused sends the token the resource accepts in the
// Authorization header in the query string instead: ignored, the request
// is one without a token, which the resource refuses.
func runQueryTokenRefused(ctx context.Context, t *suite.T) error {
	a, err := probe.QueryToken(ctx, t, "the MCP server")
	if err != nil {
		return err
	}
	if probe.Accepted(a.Res) {
		return expect.Fail(a.Res, fmt.Sprintf("HTTP %d, as without a token", a.None.Status), fmt.Sprintf("HTTP %d", a.Res.Status),
			"the MCP server accepted an access token from the URI query string, where it leaks into logs and Referer headers").
			WithFix("read access tokens only from the Authorization header").
			WithEvidence(a.Baseline.Exchange, a.None.Exchange)
	}
	return nil
}
