package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite/target"
	"gopkg.in/yaml.v3"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func refServer(t *testing.T, faults ...server.Fault) string {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentAuto, Faults: faults, PARLifetime: testPARLifetime})
	require.NoError(t, err)
	h = srv.Handler()
	return ts.URL
}

func writeConfig(t *testing.T, issuer string) string {
	p := filepath.Join(t.TempDir(), "target.yaml")
	require.NoError(t, os.WriteFile(p, []byte("issuer: "+issuer+"\nresource: "+issuer+"/mcp\n"), 0o600))
	return p
}

func TestRun_ExitCodes(t *testing.T) {
	out := t.TempDir()
	t.Run("reference server passes", func(t *testing.T) {
		issuer := refServer(t)
		code, stdout, stderr := runCLI(t, "run", "--config", writeConfig(t, issuer), "--out", out, "--quiet")
		assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
		b, err := os.ReadFile(filepath.Join(out, "report.json"))
		require.NoError(t, err)
		var rep map[string]any
		require.NoError(t, json.Unmarshal(b, &rep))
		assert.Equal(t, "authspec", rep["tool"])
		assert.FileExists(t, filepath.Join(out, "junit.xml"))
		assert.FileExists(t, filepath.Join(out, "report.md"))
	})
	t.Run("a fault exits 1 and names the check", func(t *testing.T) {
		issuer := refServer(t, server.FaultNoWWWAuthenticate)
		code, stdout, stderr := runCLI(t, "run", "--config", writeConfig(t, issuer), "--out", t.TempDir(), "--quiet")
		assert.Equal(t, 1, code)
		assert.Contains(t, stdout+stderr, "rfc6749-5.2-invalid-client-401")
	})
	t.Run("unreachable target exits 2", func(t *testing.T) {
		ts := httptest.NewServer(http.NotFoundHandler())
		url := ts.URL
		ts.Close()
		code, _, stderr := runCLI(t, "run", "--target", url, "--out", t.TempDir())
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "unreachable")
	})
	t.Run("non-OAuth target exits 2", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>a blog</html>"))
		}))
		defer ts.Close()
		code, _, stderr := runCLI(t, "run", "--target", ts.URL, "--out", t.TempDir())
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "not a JSON object")
	})
	t.Run("bad flags exit 2", func(t *testing.T) {
		code, _, _ := runCLI(t, "run")
		assert.Equal(t, 2, code)
		code, _, _ = runCLI(t, "run", "--target", "http://x", "--fail-on", "may")
		assert.Equal(t, 2, code)
		code, _, stderr := runCLI(t, "run", "--target", "http://127.0.0.1:1", "--profile", "nope")
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "unknown profile")
		code, _, stderr = runCLI(t, "run", "--target", "http://127.0.0.1:1", "--claim", "oauth21")
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, `unknown claim "oauth21"`)
	})
	t.Run("bad config exits 2", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "t.yaml")
		require.NoError(t, os.WriteFile(p, []byte("isuer: http://x\n"), 0o600))
		code, _, stderr := runCLI(t, "run", "--config", p)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, `unknown key "isuer"`)
	})
}

func TestList(t *testing.T) {
	code, stdout, _ := runCLI(t, "list", "--json")
	require.Equal(t, 0, code)
	var entries []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &entries))
	assert.NotEmpty(t, entries)
}

func TestServe_ListFaults(t *testing.T) {
	code, stdout, _ := runCLI(t, "serve", "--list-faults")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	assert.Len(t, lines, len(server.Faults()), "one line per fault, former names on their fault's line")
	assert.Contains(t, stdout, string(server.FaultCodeReuse))
	assert.Regexp(t, `(?m)^error-not-json +RFC 6749 §5\.2 +.*\(formerly token-error-not-json\)$`, stdout)
}

func TestServe_UnknownBehaviour(t *testing.T) {
	code, _, stderr := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--fault", "code-resue")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `--fault: unknown fault "code-resue"; did you mean code-reuse?`)
	code, _, stderr = runCLI(t, "serve", "--addr", "127.0.0.1:0", "--variant", "code-reuse")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `--variant: "code-reuse" is a fault, not a variant (use --fault code-reuse)`)
}

func TestBrowserInspect_ReferenceServer(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil && os.Getenv("CI") == "" {
		t.Skip("browser inspect needs Chromium")
	}
	ins := inspectReference(t)
	code, stdout, stderr := ins.code, ins.stdout, ins.stderr
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "page login: ")
	assert.Contains(t, stderr, "page consent: ")
	var doc struct {
		Browser target.BrowserConfig `yaml:"browser"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(stdout), &doc), stdout)
	assert.Equal(t, []target.Step{{Fill: "#username", Value: "${env:AUTHSPEC_USERNAME}"}, {Fill: "#password", Value: "${env:AUTHSPEC_PASSWORD}"}, {Click: "#login"}}, doc.Browser.Login)
	assert.Equal(t, []target.Step{{Click: "#allow"}}, doc.Browser.Consent)
	assert.Equal(t, []target.Step{{Click: "#deny"}}, doc.Browser.Deny)

	t.Setenv("AUTHSPEC_PASSWORD", "")
	code, _, stderr = runCLI(t, "browser", "inspect", "--target", ins.issuer, "--username", "alice")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "AUTHSPEC_PASSWORD")
}

func TestBaseline_CLI(t *testing.T) {
	issuer := refServer(t, server.FaultNoWWWAuthenticate)
	cfg := writeConfig(t, issuer)
	out := t.TempDir()
	code, _, _ := runCLI(t, "run", "--config", cfg, "--out", out, "--quiet", "--only", "rfc6749-5.*", "--skip", "rfc6749-5.2-unknown-client-*")
	require.Equal(t, 1, code)

	bl := filepath.Join(t.TempDir(), "baseline.yaml")
	code, stdout, stderr := runCLI(t, "baseline", "write", "--in", filepath.Join(out, "report.json"), "--out", bl, "--reason", "known: gateway adds the challenge")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "1 known failure(s)")
	code, _, stderr = runCLI(t, "baseline", "write", "--in", filepath.Join(out, "report.json"), "--out", bl)
	assert.Equal(t, 2, code, "an existing baseline is not overwritten without --force")
	assert.Contains(t, stderr, "--force")

	code, stdout, _ = runCLI(t, "run", "--config", cfg, "--out", t.TempDir(), "--quiet", "--only", "rfc6749-5.*", "--skip", "rfc6749-5.2-unknown-client-*", "--baseline", bl)
	assert.Equal(t, 0, code, stdout)
	assert.Contains(t, stdout, "accepted by the baseline")

	// Fixed on the server: the entry is stale and the run fails until it is removed.
	clean := writeConfig(t, refServer(t))
	code, stdout, stderr = runCLI(t, "run", "--config", clean, "--out", t.TempDir(), "--quiet", "--only", "rfc6749-5.*", "--skip", "rfc6749-5.2-unknown-client-*", "--baseline", bl)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "STALE rfc6749-5.2-invalid-client-401")
	assert.Contains(t, stderr, "stale baseline entry")

	// A baseline naming an unknown check is a usage error.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("version: 1\nknown_failures: [{id: rfc6749-9.9-typo, reason: x}]\n"), 0o600))
	code, _, stderr = runCLI(t, "run", "--config", clean, "--out", t.TempDir(), "--quiet", "--baseline", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "rfc6749-9.9-typo")
}

// TestRun_ConsoleShowsNoSecret: against a server that echoes every request
// (the Authorization header, the body) into its answers and hands tokens
// to anyone, what `authspec run` prints (progress, summary, errors) holds
// no form of the client secret, the initial access token, or an issued
// token.
func TestRun_ConsoleShowsNoSecret(t *testing.T) {
	const id, secret, iat = "cli client", `Zq7Secret+/=?&<>"x`, `Iat9Token+/<&>x`
	var mu sync.Mutex
	var issued []string
	mint := func() string {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		v := "tok-" + base64.RawURLEncoding.EncodeToString(b)
		mu.Lock()
		issued = append(issued, v)
		mu.Unlock()
		return v
	}
	var issuer string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/.well-known/") {
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": issuer, "authorization_endpoint": issuer + "/authorize",
				"token_endpoint": issuer + "/token", "registration_endpoint": issuer + "/register", "revocation_endpoint": issuer + "/revoke",
				"introspection_endpoint": issuer + "/introspect", "response_types_supported": []string{"code"},
				"grant_types_supported": []string{"authorization_code", "client_credentials", "refresh_token"}})
			return
		}
		body, _ := io.ReadAll(r.Body)
		echo := r.Header.Get("Authorization") + " " + string(body)
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		if ru := r.URL.Query().Get("redirect_uri"); r.URL.Path == "/authorize" && ru != "" {
			http.Redirect(w, r, ru+"?code="+mint()+"&state="+url.QueryEscape(r.URL.Query().Get("state")), http.StatusFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"error_description": echo, "access_token": mint(), "refresh_token": mint(),
			"client_id": "cid-" + r.URL.Path, "client_secret": mint(), "registration_access_token": mint(), "token_type": "Bearer"})
	}))
	defer ts.Close()
	issuer = ts.URL
	t.Setenv("CLI_SECRET", secret)
	t.Setenv("CLI_IAT", iat)
	cfg := filepath.Join(t.TempDir(), "target.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`issuer: `+issuer+`
resource: `+issuer+`/mcp
clients:
  confidential: { client_id: "`+id+`", client_secret: "${env:CLI_SECRET}", redirect_uri: "http://127.0.0.1:8976/callback" }
registration: { initial_access_token: "${env:CLI_IAT}" }
`), 0o600))
	code, stdout, stderr := runCLI(t, "run", "--config", cfg, "--out", t.TempDir(), "--browser", "off", "--timeout", "2s")
	assert.Equal(t, 1, code, "the careless server fails checks")
	console := stdout + stderr
	require.Contains(t, console, "FAIL")
	forbidden := []string{"Zq7Secret", "Iat9Token", url.QueryEscape(secret), url.QueryEscape(iat)}
	for _, p := range []string{id + ":" + secret, url.QueryEscape(id) + ":" + url.QueryEscape(secret)} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			forbidden = append(forbidden, enc.EncodeToString([]byte(p)))
		}
	}
	mu.Lock()
	forbidden = append(forbidden, issued...)
	mu.Unlock()
	for _, f := range forbidden {
		if i := strings.Index(console, f); i >= 0 {
			t.Errorf("the console shows %q: …%s…", f, console[max(0, i-100):min(len(console), i+len(f)+20)])
		}
	}
}

// TestInspectionURL_Scopes: the authorization request that inspect opens
// carries the config's scopes and resource, as a run's requests do.
func TestInspectionURL_Scopes(t *testing.T) {
	issuer := refServer(t)
	cfg := &target.Config{Scopes: []string{"read", "write"}, Resource: issuer + "/mcp"}
	ctx := context.Background()
	in, err := inspectionURL(ctx, issuer, cfg, nil, 0)
	require.NoError(t, err)
	u, err := in.url(ctx)
	require.NoError(t, err)
	redirect := in.redirectURI
	assert.Equal(t, "public", in.kind, "a public client where the target registers one: the skeleton needs no secret")
	repeat, err := in.url(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, u, repeat, "a second request of the same client, with its own state")
	pu, err := url.Parse(u)
	require.NoError(t, err)
	assert.Equal(t, "read write", pu.Query().Get("scope"))
	assert.Equal(t, issuer+"/mcp", pu.Query().Get("resource"))
	assert.Equal(t, redirect, pu.Query().Get("redirect_uri"))
	assert.Equal(t, "https://x/cb?code=%E2%80%A6&error=access_denied&state=%E2%80%A6",
		shownRedirect(&url.URL{Scheme: "https", Host: "x", Path: "/cb", RawQuery: "code=secret&state=s&error=access_denied"}))
}

// testPARLifetime is the lifetime of the request_uri values of the
// reference servers that answer without login pages in the tests that
// run the whole plan with its waits: rfc9126-4-expired-refused still
// waits for one to expire, three seconds rather than the default ten,
// and a request_uri is used within milliseconds of its push.
const testPARLifetime = 3 * time.Second

// TestInspectionURL_Pushed: against a server that requires pushed
// authorization requests, the requests inspect opens are pushed: the URL
// carries client_id and a request_uri only.
func TestInspectionURL_Pushed(t *testing.T) {
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentAuto, Variants: []server.Variant{server.VariantPARRequired}})
	require.NoError(t, err)
	h = srv.Handler()
	ctx := context.Background()
	in, err := inspectionURL(ctx, ts.URL, &target.Config{}, nil, 0)
	require.NoError(t, err)
	u, err := in.url(ctx)
	require.NoError(t, err)
	pu, err := url.Parse(u)
	require.NoError(t, err)
	assert.Equal(t, in.client.ID, pu.Query().Get("client_id"))
	assert.Contains(t, pu.Query().Get("request_uri"), "urn:ietf:params:oauth:request_uri:")
	assert.Len(t, pu.Query(), 2)
}
