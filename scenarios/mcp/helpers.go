package mcp

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

var both = []vocab.Profile{vocab.ProfileMCP0618, vocab.ProfileMCP1125}

// initialize is the first JSON-RPC message of an MCP session.
const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"authspec","version":"1"}}}`

// call sends a request to the MCP server: GET, or POST with an initialize
// message, with authz as the Authorization header (none when empty).
func call(ctx context.Context, t *suite.T, method, rawURL, authz, note string) (*httpx.Result, error) {
	var body *strings.Reader
	if method == http.MethodPost {
		body = strings.NewReader(initialize)
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	return t.HTTP.Do(ctx, req, note)
}

// served turns a 404 of the MCP server URL into SKIP: a resource indicator
// need not be a served URL, and there is then no MCP server to judge.
func served(res *httpx.Result) error {
	if res.Status == http.StatusNotFound || res.Status == http.StatusGone {
		return suite.SkipErr("the MCP server URL (resource: %s) answers HTTP %d: nothing is served there", res.Exchange.Request.URL, res.Status)
	}
	return nil
}

// mcpToken gets an access token for the MCP server (the configured
// resource) with the confidential client, through the code flow.
func mcpToken(ctx context.Context, t *suite.T) (*fixture.Client, string, error) {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return nil, "", err
	}
	return ts.Client, ts.AccessToken, nil
}

// accepted calls the MCP server with token and reports whether it was
// accepted (2xx); it SKIPs when the server refuses even that.
func accepted(ctx context.Context, t *suite.T, token, note string) (*httpx.Result, error) {
	res, err := call(ctx, t, http.MethodGet, t.Target.Resource, "Bearer "+token, note)
	if err != nil {
		return nil, err
	}
	if err := served(res); err != nil {
		return nil, err
	}
	return res, nil
}

var req = []vocab.Feature{vocab.FeatureResource}
