package probe_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
)

func TestJSONRPCAnswer(t *testing.T) {
	res := func(status int, ct, body string) *httpx.Result {
		return &httpx.Result{Status: status, Header: http.Header{"Content-Type": {ct}}, Body: []byte(body)}
	}
	for name, tc := range map[string]struct {
		res  *httpx.Result
		want bool
	}{
		"json result":   {res(200, "application/json", `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18"}}`), true},
		"json error":    {res(200, "application/json", `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"x"}}`), true},
		"event stream":  {res(200, "text/event-stream", "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n"), true},
		"plain json":    {res(200, "application/json", `{"resource":"https://rs/mcp","scope":"read"}`), false},
		"other version": {res(200, "application/json", `{"jsonrpc":"1.0","id":1,"result":{}}`), false},
		"refused":       {res(401, "application/json", `{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}}`), false},
		"empty stream":  {res(200, "text/event-stream", ": keep-alive\n\n"), false},
	} {
		assert.Equal(t, tc.want, probe.JSONRPCAnswer(tc.res), name)
	}
}

// resourceEnv prepares a run against a minimal authorization server whose
// resource at /res is served by h; mcp decides mcp_server in the config.
func resourceEnv(t *testing.T, mcp bool, h http.HandlerFunc) *suite.Env {
	var base string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/res" {
			h(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": base, "token_endpoint": base + "/token"})
	}))
	t.Cleanup(ts.Close)
	base = ts.URL
	cfg := &target.Config{Resource: ts.URL + "/res", MCPServer: &mcp}
	env, err := suite.Prepare(context.Background(), ts.URL, cfg, suite.PrepareOptions{Timeout: 2 * time.Second, NoContract: true})
	require.NoError(t, err)
	return env
}

// callOnce runs probe.Call for the resource without a token as a check.
func callOnce(t *testing.T, env *suite.Env) (suite.Result, *httpx.Result) {
	var got *httpx.Result
	c := &suite.Check{ID: "x-1-probe", Spec: suite.RFC6750, Section: "1", Level: suite.Must, Title: "probe",
		Run: func(ctx context.Context, t *suite.T) error {
			res, err := probe.Call(ctx, t, t.Target.Resource, "", "probe")
			got = res
			return err
		}}
	return runner.RunOne(context.Background(), env, c, 5*time.Second), got
}

func TestCall_MethodNotServed(t *testing.T) {
	var methods []string
	env := resourceEnv(t, false, func(w http.ResponseWriter, r *http.Request) {
		methods = append(methods, r.Method)
		if r.Method == http.MethodGet {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	r, res := callOnce(t, env)
	require.Equal(t, suite.Pass, r.Status, r.Message)
	assert.Equal(t, []string{http.MethodGet, http.MethodPost}, methods, "405 to GET is not a verdict: the resource is asked again with POST")
	assert.Equal(t, http.StatusUnauthorized, res.Status)
}

func TestCall_MCPServerGetsInitialize(t *testing.T) {
	var body map[string]any
	env := resourceEnv(t, true, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, http.MethodPost, r.Method)
		assert.Contains(t, r.Header.Get("Accept"), "text/event-stream")
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.WriteHeader(http.StatusUnauthorized)
	})
	r, _ := callOnce(t, env)
	require.Equal(t, suite.Pass, r.Status, r.Message)
	assert.Equal(t, "initialize", body["method"])
}

func TestCall_NothingServed(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"404":       http.NotFound,
		"no method": func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusMethodNotAllowed) },
		"406 then 405": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				w.WriteHeader(http.StatusNotAcceptable)
				return
			}
			w.WriteHeader(http.StatusMethodNotAllowed)
		},
	} {
		r, _ := callOnce(t, resourceEnv(t, false, h))
		assert.Equal(t, suite.Skip, r.Status, "%s: %s", name, r.Message)
	}
}

func TestRequireMCP_Declared(t *testing.T) {
	for _, mcp := range []bool{true, false} {
		env := resourceEnv(t, mcp, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
		c := &suite.Check{ID: "x-1-mcp", Spec: suite.MCP, Section: "1", Level: suite.Must, Title: "mcp",
			Run: func(ctx context.Context, t *suite.T) error { return probe.RequireMCP(ctx, t) }}
		r := runner.RunOne(context.Background(), env, c, 5*time.Second)
		want := suite.Pass
		if !mcp {
			want = suite.Skip
			assert.Contains(t, r.Message, "mcp_server: false")
		}
		assert.Equal(t, want, r.Status, r.Message)
	}
}
