package mcp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenRequirementChecks returns the checks of the MCP authorization
// specification §2.6.1, Token Requirements.
func tokenRequirementChecks() []*suite.Check {
	code := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "mcp-2.6.1-every-request-authorized", Spec: suite.MCP, Section: "2.6.1", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "Every request needs the access token: no cookie or session set by an earlier request stands in for it",
			Quote: "Note that authorization MUST be included in every HTTP request from client to server, even if they are part of the same logical session.",
			Run:   runEveryRequestAuthorized,
		},
		{
			ID: "mcp-2.6.1-query-token-refused", Spec: suite.MCP, Section: "2.6.1", Level: suite.MustNot,
			Requires: code, Profiles: both,
			Title: "The MCP server does not accept an access token in the URI query string",
			Quote: "Access tokens MUST NOT be included in the URI query string",
			Run:   runQueryTokenRefused,
		},
	}
}

func runEveryRequestAuthorized(ctx context.Context, t *suite.T) error {
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
		return expect.Fail(res, "HTTP 401", fmt.Sprintf("HTTP %d", res.Status),
			"a request without the access token was accepted on the strength of the earlier one (a session cookie)").
			WithFix("authorize every MCP request by its Authorization header; do not turn a token into a session").
			WithEvidence(first.Exchange)
	}
	return nil
}

func runQueryTokenRefused(ctx context.Context, t *suite.T) error {
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
		return expect.Fail(res, "HTTP 401 (no token in the Authorization header)", fmt.Sprintf("HTTP %d", res.Status),
			"the MCP server accepted an access token from the URI query string, where it leaks into logs and Referer headers").
			WithFix("read access tokens only from the Authorization header")
	}
	return nil
}
