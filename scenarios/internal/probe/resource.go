package probe

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Initialize is the first JSON-RPC message of an MCP session (MCP
// lifecycle): what an MCP client sends first, with or without a token.
const Initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"authspec","version":"1"}}}`

// Ping is a JSON-RPC request an MCP server answers at any time.
const Ping = `{"jsonrpc":"2.0","id":2,"method":"ping"}`

// Kind is what the suite knows of the protected resource: an MCP server
// (called as an MCP client does, with a JSON-RPC POST) or a plain protected
// resource (called with GET, then POST when GET is not served).
type Kind struct {
	MCP bool
	// Why says how it was decided: the config, the profile, or the
	// resource's answer to an authorized initialize request.
	Why string
	// Answer is that answer, when the resource was probed.
	Answer *httpx.Result
}

// ResourceKind decides, once per run, whether the configured resource is an
// MCP server: the config (mcp_server) or the run's MCP profile decides it;
// otherwise the resource is sent an MCP initialize request with a token
// issued for it, and a JSON-RPC answer makes it an MCP server.
func ResourceKind(ctx context.Context, t *suite.T) (*Kind, error) {
	v, err := t.Shared(ctx, "probe.resource-kind", func(ctx context.Context, t *suite.T) (any, error) {
		return resourceKind(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Kind), nil
}

func resourceKind(ctx context.Context, t *suite.T) (*Kind, error) {
	if ok, why, decided := t.Target.Decided(vocab.FeatureMCPServer); decided {
		if ok {
			why = "declared an MCP server (mcp_server: true, or an MCP profile)"
		}
		return &Kind{MCP: ok, Why: why}, nil
	}
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		if skipped(err) {
			return &Kind{Why: fmt.Sprintf("no token to ask the resource whether it speaks MCP (%v); set mcp_server: true in the config if it is an MCP server", err)}, nil
		}
		return nil, err
	}
	res, err := Send(ctx, t, http.MethodPost, t.Target.Resource, "Bearer "+ts.AccessToken, Initialize, nil,
		"find out whether the resource is an MCP server: an MCP initialize request with a token issued for it")
	if err != nil {
		return nil, err
	}
	if JSONRPCAnswer(res) {
		return &Kind{MCP: true, Why: "answers an authorized MCP initialize request with a JSON-RPC response", Answer: res}, nil
	}
	return &Kind{Why: fmt.Sprintf("answers an authorized MCP initialize request with HTTP %d and no JSON-RPC response, so it is not an MCP server "+
		"(set mcp_server: true in the config if it is one)", res.Status), Answer: res}, nil
}

// skipped reports whether err ends a check as SKIP rather than ERROR: a
// fixture the target cannot provide (not one the origin policy refused).
func skipped(err error) bool {
	var s *suite.Skipped
	return errors.As(err, &s) || (fixture.IsUnavailable(err) && !httpx.IsRefused(err))
}

// RequireMCP is SKIP unless the resource is an MCP server: MCP's rules for
// MCP servers do not apply to a plain protected resource, which RFC 6750
// and RFC 9728 judge alone.
func RequireMCP(ctx context.Context, t *suite.T) error {
	k, err := ResourceKind(ctx, t)
	if err != nil {
		return err
	}
	if !k.MCP {
		return suite.SkipErr("the resource %s is not an MCP server: %s", t.Target.Resource, k.Why)
	}
	return nil
}

// Call sends a request to the protected resource at rawURL with authz as
// the Authorization header (none when empty), the way its kind is called:
// an MCP server gets the JSON-RPC initialize an MCP client sends first; a
// plain resource gets GET, and POST when it answers GET with 405 or 406
// (RFC 6750 §3.1 names 405 among the usual statuses, and an MCP server
// without an SSE stream answers a bare GET so): a method the resource does
// not serve is never a verdict. Nothing served at rawURL (404, 410) is SKIP.
func Call(ctx context.Context, t *suite.T, rawURL, authz, note string) (*httpx.Result, error) {
	k, err := ResourceKind(ctx, t)
	if err != nil {
		return nil, err
	}
	method := http.MethodGet
	if k.MCP {
		method = http.MethodPost
	}
	res, err := Send(ctx, t, method, rawURL, authz, Initialize, nil, note)
	if err != nil {
		return nil, err
	}
	if method == http.MethodGet && (res.Status == http.StatusMethodNotAllowed || res.Status == http.StatusNotAcceptable) {
		res, err = Send(ctx, t, http.MethodPost, rawURL, authz, Initialize, nil, note+" (POST: GET is not served)")
		if err != nil {
			return nil, err
		}
		if res.Status == http.StatusMethodNotAllowed {
			return nil, suite.SkipErr("the resource %s serves neither GET nor POST (HTTP 405): there is no request to judge", rawURL)
		}
	}
	return res, Served(res)
}

// Served turns a 404 or 410 into SKIP: a resource indicator need not be a
// served URL (RFC 8707 §2), and with nothing there, there is no resource
// server to judge.
func Served(res *httpx.Result) error {
	if res.Status == http.StatusNotFound || res.Status == http.StatusGone {
		return suite.SkipErr("the resource answers HTTP %d at %s: nothing is served there; give resource: (or scoped_resource:) the URL of a protected resource to judge it",
			res.Status, res.Exchange.Request.URL)
	}
	return nil
}

// Send sends one request to the resource: GET without a body, or POST with
// body as an MCP client posts JSON-RPC (Content-Type application/json,
// Accept application/json and text/event-stream), with authz as the
// Authorization header when not empty and the extra headers.
func Send(ctx context.Context, t *suite.T, method, rawURL, authz, body string, header http.Header, note string) (*httpx.Result, error) {
	var rd *strings.Reader
	if method == http.MethodPost {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("resource request: %w", err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	return t.HTTP.Do(ctx, req, note)
}

// Accepted reports whether res is a 2xx answer.
func Accepted(res *httpx.Result) bool { return res != nil && res.Status >= 200 && res.Status <= 299 }

// TokenRefused reports whether res refuses the access token of its
// request: 401, or a Bearer challenge with error="invalid_token" (RFC 6750
// §3.1). A 400, 405, 415 or 5xx without that challenge is about the
// request's form, not the token.
func TokenRefused(res *httpx.Result) bool {
	if res == nil {
		return false
	}
	if res.Status == http.StatusUnauthorized {
		return true
	}
	c, ok := Bearer(res.Header.Values("WWW-Authenticate"))
	return ok && c.Params["error"] == "invalid_token"
}

// JSONRPCAnswer reports whether res answers a JSON-RPC request: a 2xx with
// a JSON-RPC 2.0 response object (result or error) as an application/json
// body, or as the data of an event of a text/event-stream body (MCP
// Streamable HTTP).
func JSONRPCAnswer(res *httpx.Result) bool {
	if !Accepted(res) {
		return false
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if mt == "text/event-stream" {
		sc := bufio.NewScanner(bytes.NewReader(res.Body))
		sc.Buffer(make([]byte, 0, 64*1024), len(res.Body)+1)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data:"); ok && jsonRPCResponse([]byte(strings.TrimSpace(data))) {
				return true
			}
		}
		return false
	}
	return jsonRPCResponse(res.Body)
}

func jsonRPCResponse(b []byte) bool {
	var m struct {
		JSONRPC string          `json:"jsonrpc"`
		Result  json.RawMessage `json:"result"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &m) != nil || m.JSONRPC != "2.0" {
		return false
	}
	return len(m.Result) > 0 || len(m.Error) > 0
}
