package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// env is one reference server under test with a client that never follows
// redirects.
type env struct {
	t      *testing.T
	srv    *server.Server
	ts     *httptest.Server
	issuer string
	hc     *http.Client
}

// newEnv starts a reference server. cfg.Issuer is set to the test server URL.
func newEnv(t *testing.T, cfg server.Config) *env {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	if cfg.Issuer == "" {
		cfg.Issuer = ts.URL
	}
	if cfg.Consent == "" {
		cfg.Consent = server.ConsentAuto
	}
	srv, err := server.New(cfg)
	require.NoError(t, err)
	h = srv.Handler()
	e := &env{t: t, srv: srv, ts: ts, issuer: srv.Issuer(), hc: &http.Client{
		Transport:     contractTransport(t, srv, len(cfg.Faults) > 0),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	return e
}

func withFaults(f ...server.Fault) server.Config { return server.Config{Faults: f} }

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r *resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

func (r *resp) location(t *testing.T) *url.URL {
	t.Helper()
	loc := r.header.Get("Location")
	require.NotEmpty(t, loc, "no Location; status %d body %s", r.status, r.body)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	return u
}

func (e *env) do(req *http.Request) *resp {
	e.t.Helper()
	res, err := e.hc.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	return &resp{status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) get(path string, header ...string) *resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.abs(path), nil)
	require.NoError(e.t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.do(req)
}

func (e *env) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return strings.TrimSuffix(e.issuer, "/") + path
}

// postForm posts a form; basic, if non-nil, is {id, secret} sent raw as the
// Basic user and password after form-url-encoding.
func (e *env) postForm(path string, form url.Values, basic ...string) *resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.abs(path), strings.NewReader(form.Encode()))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	return e.do(req)
}

func (e *env) sendJSON(method, path string, body any, bearer string) *resp {
	e.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(e.t, err)
	req, err := http.NewRequest(method, e.abs(path), strings.NewReader(string(b)))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return e.do(req)
}

// client is a registered client.
type client struct {
	ID, Secret, RegToken, RegURI string
	Redirect                     string
	info                         map[string]any
}

const testRedirect = "http://127.0.0.1:8765/callback"

// register registers a client with metadata md merged over sensible defaults.
func (e *env) register(md map[string]any) *client {
	e.t.Helper()
	body := map[string]any{
		"redirect_uris":  []string{testRedirect},
		"grant_types":    []string{"authorization_code", "refresh_token", "client_credentials"},
		"response_types": []string{"code"},
		"client_name":    "test client",
	}
	for k, v := range md {
		if v == nil {
			delete(body, k)
			continue
		}
		body[k] = v
	}
	r := e.sendJSON(http.MethodPost, "/register", body, "")
	require.Equal(e.t, http.StatusCreated, r.status, "register: %s", r.body)
	m := r.json(e.t)
	c := &client{ID: m["client_id"].(string), RegToken: m["registration_access_token"].(string),
		RegURI: m["registration_client_uri"].(string), Redirect: testRedirect, info: m}
	if s, ok := m["client_secret"].(string); ok {
		c.Secret = s
	}
	if uris, ok := body["redirect_uris"].([]string); ok && len(uris) > 0 {
		c.Redirect = uris[0]
	}
	return c
}

func (e *env) publicClient() *client {
	return e.register(map[string]any{"token_endpoint_auth_method": "none",
		"grant_types": []string{"authorization_code", "refresh_token"}})
}

type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	v := strings.Repeat("v", 10) + base64.RawURLEncoding.EncodeToString([]byte("a fairly long verifier seed 0123456789"))
	sum := sha256.Sum256([]byte(v))
	return pkce{verifier: v, challenge: base64.RawURLEncoding.EncodeToString(sum[:])}
}

// authorizeURL builds an authorization request for c with extra parameters.
func (e *env) authorizeURL(c *client, p pkce, extra url.Values) string {
	q := url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {c.Redirect},
		"state": {"st-123"}, "code_challenge": {p.challenge}, "code_challenge_method": {"S256"}}
	for k, v := range extra {
		if len(v) == 1 && v[0] == "" {
			delete(q, k)
			continue
		}
		q[k] = v
	}
	return "/authorize?" + q.Encode()
}

// code runs an auto-consent authorization and returns the code.
func (e *env) code(c *client, p pkce, extra url.Values) string {
	e.t.Helper()
	r := e.get(e.authorizeURL(c, p, extra))
	require.Equal(e.t, http.StatusFound, r.status, "authorize: %s", r.body)
	loc := r.location(e.t)
	code := loc.Query().Get("code")
	require.NotEmpty(e.t, code, "no code in %s", loc)
	return code
}

// exchange redeems a code with client_secret_basic (or as a public client).
func (e *env) exchange(c *client, code string, p pkce, extra url.Values) *resp {
	e.t.Helper()
	f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect},
		"code_verifier": {p.verifier}}
	for k, v := range extra {
		f[k] = v
	}
	if c.Secret == "" {
		f.Set("client_id", c.ID)
		return e.postForm("/token", f)
	}
	return e.postForm("/token", f, c.ID, c.Secret)
}

// tokens runs authorize + exchange and returns the token response.
func (e *env) tokens(c *client, extra url.Values) map[string]any {
	e.t.Helper()
	p := newPKCE()
	r := e.exchange(c, e.code(c, p, extra), p, nil)
	require.Equal(e.t, http.StatusOK, r.status, "token: %s", r.body)
	return r.json(e.t)
}

// callResource calls the demo protected resource with a bearer token.
func (e *env) callResource(token string) *resp {
	e.t.Helper()
	return e.get("/mcp", "Authorization", "Bearer "+token)
}

// newEnvWithPath starts a server whose issuer has a path component.
func newEnvWithPath(t *testing.T, path string) *env {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL + path, Consent: server.ConsentAuto})
	require.NoError(t, err)
	h = srv.Handler()
	return &env{t: t, srv: srv, ts: ts, issuer: ts.URL + path, hc: &http.Client{
		Transport:     contractTransport(t, srv, false),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}
