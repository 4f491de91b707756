package conformance_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/internal/testutil"
	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// hostile is an authorization server whose RFC 8414 metadata is valid (so
// that the run starts) and whose every other answer is broken in one way.
type hostile struct {
	mode   string
	issuer string
	hits   atomic.Int64
}

func (h *hostile) metadata(w http.ResponseWriter) {
	e := func(p string) string { return h.issuer + p }
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": h.issuer, "authorization_endpoint": e("/authorize"), "token_endpoint": e("/token"),
		"registration_endpoint": e("/register"), "revocation_endpoint": e("/revoke"), "introspection_endpoint": e("/introspect"),
		"response_types_supported": []string{"code"}, "grant_types_supported": []string{"authorization_code", "client_credentials", "refresh_token"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"scopes_supported":                      []string{"read", "write"},
	})
}

func (h *hostile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/.well-known/oauth-authorization-server") {
		h.metadata(w)
		return
	}
	h.hits.Add(1)
	switch h.mode {
	case "hang": // never answers (until the client gives up, or 30 s)
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	case "endless-body": // 200 JSON that never ends
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		chunk := []byte(`{"access_token":"` + strings.Repeat("A", 64<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case "huge-header":
		w.Header().Set("X-Junk", strings.Repeat("j", 1<<20))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	case "bad-json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"access_token":"abc","token_type":"Bearer","client_id":`))
	case "html":
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<html><body><h1>It works!</h1><form><input name=x></form><script>for(;;);</script>`))
	case "wrong-type":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(`{"access_token":"abc","token_type":"Bearer","client_id":"c","client_secret":"s","client_secret_expires_at":0}`))
	case "redirect-loop":
		http.Redirect(w, r, r.URL.String(), http.StatusFound)
	case "redirect-elsewhere": // another host (still loopback: no traffic leaves the machine)
		http.Redirect(w, r, "http://127.0.0.2:9/elsewhere", http.StatusFound)
	case "reset":
		hj, ok := w.(http.Hijacker)
		if !ok {
			return
		}
		c, _, err := hj.Hijack()
		if err != nil {
			return
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // RST instead of FIN
		}
		_ = c.Close()
	case "drip": // one byte every 200 ms, forever
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		f, _ := w.(http.Flusher)
		for r.Context().Err() == nil {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			if f != nil {
				f.Flush()
			}
			time.Sleep(200 * time.Millisecond)
		}
	case "status-garbage":
		w.WriteHeader(299)
		_, _ = w.Write([]byte("\x00\xff\xfe garbage"))
	}
}

// TestHostileTargets runs the whole plan against servers that answer
// garbage: every run completes, within the request timeout per request,
// each check ends in FAIL, ERROR or SKIP with a message, and none of the
// checks that depend on the broken endpoints passes.
func TestHostileTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("whole runs against hostile servers")
	}
	t.Parallel() // the endless body takes long: the other long tests run beside it
	modes := []string{"hang", "endless-body", "huge-header", "bad-json", "html", "wrong-type",
		"redirect-loop", "redirect-elsewhere", "reset", "drip", "status-garbage"}
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := &hostile{mode: mode}
			ts := httptest.NewServer(h)
			defer ts.Close()
			h.issuer = ts.URL
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			rep, err := conformance.Run(context.Background(), conformance.Options{
				// Most requests wait out the timeout (hang, drip): many
				// at once.
				Target: ts.URL, Browser: conformance.BrowserOff, Parallel: 32,
				Timeout: 2 * time.Second, CheckTimeout: time.Minute,
			})
			require.NoError(t, err, "the run must complete and report the server's faults")
			require.NotEmpty(t, rep.Results)
			assert.Empty(t, rep.Aborted, "the metadata still answers: the target has not stopped answering")
			var passed []string
			for _, r := range rep.Results {
				assert.Contains(t, []suite.Status{suite.Pass, suite.Fail, suite.Warn, suite.Skip, suite.Error}, r.Status, r.ID)
				if r.Status != suite.Pass {
					assert.NotEmpty(t, r.Message, "%s %s says why", r.Status, r.ID)
				}
				for _, ex := range r.Exchanges {
					if ex.Response != nil {
						assert.LessOrEqual(t, len(ex.Response.Body), 1<<20+64, "%s: bodies are capped", r.ID)
					}
				}
				if r.Status == suite.Pass && !judgesMetadataOnly(r) {
					passed = append(passed, r.ID)
				}
			}
			// Checks judge the server's answers: a server that answers
			// nothing sensible conforms to nothing (its metadata is fine).
			if mode != "wrong-type" {
				assert.Empty(t, passed, "checks passed against a server that answers garbage (%s)", mode)
			}
			assert.Positive(t, h.hits.Load(), "the checks did reach the server")
			t.Logf("%s: %d checks, %d requests, %+v", mode, len(rep.Results), h.hits.Load(), rep.Summary)
		})
	}
}

// judgesMetadataOnly: the hostile servers' metadata is valid, so checks of
// the metadata alone pass rightly.
func judgesMetadataOnly(r suite.Result) bool {
	return r.Spec == suite.RFC8414 && r.ID != "rfc8414-2-registration-endpoint-registers" ||
		r.ID == "openapi-metadata-responses" || r.ID == "mcp-2025-11-25-pkce-advertised" || r.ID == "rfc7009-2-endpoint-url" ||
		r.ID == "mcp-3.3-endpoints-https" || r.ID == "mcp-2025-11-25-cimd-supported" || r.ID == "mcp-2025-11-25-cimd-advertised" ||
		r.ID == "rfc6749-3.1-endpoint-url" || r.ID == "rfc6749-3.2-endpoint-url" ||
		metadataEndpointChecks[r.ID]
}

// metadataEndpointChecks judge the URL of an endpoint the metadata names.
var metadataEndpointChecks = map[string]bool{
	"rfc7591-3-endpoint-https": true,
	"rfc9126-2-endpoint-https": true,
}

// TestHostileMetadata: a discovery document that hangs, never ends or is
// not JSON stops the run with an error (exit 2 in the CLI), quickly.
func TestHostileMetadata(t *testing.T) {
	for name, handler := range map[string]http.HandlerFunc{
		"hang": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
		},
		"endless": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for r.Context().Err() == nil {
				if _, err := fmt.Fprint(w, strings.Repeat(`{"a":`, 1000)); err != nil {
					return
				}
			}
		},
		"html":  func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>login</html>")) },
		"array": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`[1,2,3]`)) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(handler)
			defer ts.Close()
			_, err := conformance.Run(context.Background(), conformance.Options{Target: ts.URL, Browser: conformance.BrowserOff, Timeout: 500 * time.Millisecond})
			require.Error(t, err)
			var ue *conformance.UsageError
			assert.NotErrorAs(t, err, &ue, "not the user's mistake: the server's")
			assert.NotEmpty(t, err.Error())
		})
	}
}

// TestHostileTLS: a server whose certificate is not trusted stops the run
// with the TLS error, quickly; nothing is sent in clear instead.
func TestHostileTLS(t *testing.T) {
	var plain atomic.Int32
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { plain.Add(1) }))
	defer ts.Close()
	// The request timeout is a safety net: the handshake fails at once,
	// with the TLS error, not with a timeout.
	_, err := conformance.Run(context.Background(), conformance.Options{Target: ts.URL, Browser: conformance.BrowserOff, Timeout: time.Minute})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	var ne net.Error
	assert.False(t, errors.As(err, &ne) && ne.Timeout(), "not a timeout: %v", err)
	assert.Zero(t, plain.Load(), "no request got through the failed handshake")
}

// The secrets a hostile-origin test hands the suite: every character that
// an encoding rewrites, around distinctive words that any encoding but
// base64 leaves visible.
const (
	hostileClientID = "hostile client/1"
	hostileSecret   = `Zq7Secret+/=?&<>"\ é x%`
	hostileIAT      = `Iat9Token+/=<&>"x`
	hostileUser     = "hostile-user"
	hostilePassword = `Pw5Password+/<&>"x`
)

func hostileConfig() *target.Config {
	cfg := &target.Config{}
	cfg.Clients.Confidential = &target.ClientConfig{ClientID: hostileClientID, ClientSecret: hostileSecret,
		RedirectURI: "http://127.0.0.1:8976/callback", AuthMethod: "client_secret_basic"}
	cfg.Registration.InitialAccessToken = hostileIAT
	return cfg
}

// collector is a second loopback origin: it records every request that
// reaches it. With redirect set, it redirects every request there; with
// a login page, it serves one at /login.
type collector struct {
	srv      *httptest.Server
	redirect string
	mu       sync.Mutex
	seen     []string
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		c.mu.Lock()
		c.seen = append(c.seen, fmt.Sprintf("%s %s\n%v\n%s", r.Method, r.URL, r.Header, body))
		c.mu.Unlock()
		switch {
		case c.redirect != "":
			http.Redirect(w, r, c.redirect, http.StatusFound)
		case r.URL.Path == "/login" && r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, `<!doctype html><title>Sign in</title><form method=post action=/login>
<input id=username name=username><input id=password name=password type=password><button id=login>Sign in</button></form>`)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_request"}`)
		}
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *collector) URL() string { return c.srv.URL }

func (c *collector) all() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.seen, "\n----\n")
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

// divertingTarget is an authorization server whose metadata names the
// origin at (the issuer's when empty) for every endpoint that receives
// credentials but the authorization endpoint, which redirects to
// authorizeTo when set.
func divertingTarget(t *testing.T, at, authorizeTo string) string {
	var issuer string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/.well-known/oauth-authorization-server"):
			ep := at
			if ep == "" {
				ep = issuer
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": ep + "/token",
				"registration_endpoint": ep + "/register", "revocation_endpoint": ep + "/revoke",
				"introspection_endpoint": ep + "/introspect", "response_types_supported": []string{"code"},
				"grant_types_supported":                 []string{"authorization_code", "client_credentials", "refresh_token"},
				"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
				"code_challenge_methods_supported":      []string{"S256"},
			})
		case r.URL.Path == "/authorize" && authorizeTo != "":
			http.Redirect(w, r, authorizeTo, http.StatusFound)
		default:
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		}
	}))
	t.Cleanup(ts.Close)
	issuer = ts.URL
	return issuer
}

// TestHostileOrigins_MetadataNamesAnotherOrigin: a metadata document that
// names another origin for the token, registration, revocation and
// introspection endpoints stops the run in the preflight, naming each of
// them and the config line that would allow it; the other origin receives
// nothing. Listed under allowed_origins, it receives the credentials.
func TestHostileOrigins_MetadataNamesAnotherOrigin(t *testing.T) {
	c := newCollector(t)
	issuer := divertingTarget(t, c.URL(), "")
	_, err := conformance.Run(context.Background(), conformance.Options{Target: issuer, Config: hostileConfig(),
		Browser: conformance.BrowserOff, Timeout: time.Minute})
	require.Error(t, err)
	var pe *target.PreflightError
	require.ErrorAs(t, err, &pe, "the run stops in the preflight (exit 2)")
	for _, ep := range []string{"token", "registration", "revocation", "introspection"} {
		path := map[string]string{"registration": "/register", "revocation": "/revoke", "introspection": "/introspect"}[ep]
		if path == "" {
			path = "/" + ep
		}
		assert.Contains(t, err.Error(), ep+"_endpoint "+c.URL()+path)
	}
	assert.Contains(t, err.Error(), "allowed_origins: ["+c.URL()+"]")
	assert.Zero(t, c.count(), "nothing reached the other origin:\n%s", c.all())

	cfg := hostileConfig()
	cfg.AllowedOrigins = []string{c.URL()}
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: issuer, Config: cfg,
		Browser: conformance.BrowserOff, Timeout: time.Minute, Only: []string{"rfc6749-*", "rfc7591-*"}})
	require.NoError(t, err, "allowed_origins lists the other origin")
	require.NotEmpty(t, rep.Results)
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(hostileClientID) + ":" + url.QueryEscape(hostileSecret)))
	assert.Contains(t, c.all(), "Basic "+basic, "the client secret went where the user allowed it")
	assert.Contains(t, c.all(), "Bearer "+hostileIAT, "so did the initial access token")
}

// TestHostileOrigins_RegistrationClientURIElsewhere: a registration
// response whose registration_client_uri is on another origin does not get
// the registration access token; the RFC 7592 checks that need it are
// ERROR and say which config line would allow it.
func TestHostileOrigins_RegistrationClientURIElsewhere(t *testing.T) {
	c := newCollector(t)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/register" {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var info map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &info) == nil {
			if u, ok := info["registration_client_uri"].(string); ok {
				p, _ := url.Parse(u)
				info["registration_client_uri"] = c.URL() + p.Path
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(info)
	}))
	defer ts.Close()
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentAuto})
	require.NoError(t, err)
	h = srv.Handler()
	run := func(allowed ...string) map[string]suite.Result {
		rep, err := conformance.Run(context.Background(), conformance.Options{Target: ts.URL,
			Config: &target.Config{Resource: srv.ResourceURL(), AllowedOrigins: allowed}, Browser: conformance.BrowserOff,
			Only: []string{"rfc7592-*"}})
		require.NoError(t, err)
		out := map[string]suite.Result{}
		for _, r := range rep.Results {
			out[r.ID] = r
		}
		return out
	}
	byID := run()
	assert.NotContains(t, c.all(), "Authorization", "no registration access token reached the other origin")
	r := byID["rfc7592-2.1-read-200"]
	assert.Equal(t, suite.Error, r.Status, r.Message)
	assert.Contains(t, r.Message, "allowed_origins: ["+c.URL()+"]")

	run(c.URL())
	assert.Contains(t, c.all(), "Authorization:[Bearer ", "listed under allowed_origins, the origin gets the token")
}

// TestHostileRedirects_ThirdOrigin: the authorization flow is followed to
// the origins the config allows and no further: a redirect chain from the
// issuer to an allowed login origin and on to a third origin (a cloud
// metadata address, say) never reaches the third.
func TestHostileRedirects_ThirdOrigin(t *testing.T) {
	third := newCollector(t)
	login := newCollector(t)
	login.redirect = third.URL() + "/latest/meta-data/iam/security-credentials/"
	issuer := divertingTarget(t, "", login.URL()+"/login")
	cfg := hostileConfig()
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: issuer, Config: cfg,
		Browser: conformance.BrowserOff, Timeout: time.Minute, Only: []string{"rfc6749-4.1.2-*"}})
	require.NoError(t, err)
	assert.Zero(t, login.count()+third.count(), "a redirect to an origin the config does not list is not followed")
	requireRefused(t, rep.Results, login.URL())

	cfg.AllowedOrigins = []string{login.URL()}
	rep, err = conformance.Run(context.Background(), conformance.Options{Target: issuer, Config: cfg,
		Browser: conformance.BrowserOff, Timeout: time.Minute, Only: []string{"rfc6749-4.1.2-*"}})
	require.NoError(t, err)
	assert.Positive(t, login.count(), "the allowed login origin was followed to")
	assert.Zero(t, third.count(), "the third origin was never contacted")
	requireRefused(t, rep.Results, third.URL())
}

// requireRefused: the checks that needed a code are ERROR and say which
// redirect was refused and the config line that would allow it.
func requireRefused(t *testing.T, results []suite.Result, origin string) {
	t.Helper()
	refused := 0
	for _, r := range results {
		if strings.Contains(r.Message, "redirected") {
			refused++
			assert.Equal(t, suite.Error, r.Status, "%s: %s", r.ID, r.Message)
			assert.Contains(t, r.Message, "allowed_origins: ["+origin+"]")
		}
	}
	assert.Positive(t, refused, "checks that needed a code say why they could not get one")
}

// echoServer is a careless authorization server: it hands out codes,
// tokens and client secrets to anyone, and echoes every request header and
// body back into error_description, into JSON members, into response
// headers and into its redirects.
type echoServer struct {
	issuer string
	mu     sync.Mutex
	issued []string
}

func (e *echoServer) mint(prefix string) string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	v := prefix + base64.RawURLEncoding.EncodeToString(b)
	e.mu.Lock()
	e.issued = append(e.issued, v)
	e.mu.Unlock()
	return v
}

func (e *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/.well-known/oauth-authorization-server") {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": e.issuer, "authorization_endpoint": e.issuer + "/authorize", "token_endpoint": e.issuer + "/token",
			"registration_endpoint": e.issuer + "/register", "revocation_endpoint": e.issuer + "/revoke",
			"introspection_endpoint": e.issuer + "/introspect", "response_types_supported": []string{"code"},
			"grant_types_supported":                 []string{"authorization_code", "client_credentials", "refresh_token"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
			"code_challenge_methods_supported":      []string{"S256"},
		})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var dump strings.Builder
	for k, vs := range r.Header {
		fmt.Fprintf(&dump, "%s: %s; ", k, strings.Join(vs, ", "))
	}
	fmt.Fprintf(&dump, "body: %s", body)
	echo := dump.String()
	w.Header().Set("X-Echo", strings.NewReplacer("\r", " ", "\n", " ").Replace(echo))
	w.Header().Set("X-Echo-Authorization", r.Header.Get("Authorization"))
	quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(r.Header.Get("Authorization")) // RFC 9110 quoted-pair
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+quoted+`"`)
	out := map[string]any{"error_description": echo, "echo_headers": r.Header, "echo_body": string(body)}
	switch r.URL.Path {
	case "/authorize":
		q := r.URL.Query()
		if ru := q.Get("redirect_uri"); ru != "" {
			loc := ru + "?code=" + e.mint("code-") + "&state=" + url.QueryEscape(q.Get("state")) + "&echo=" + url.QueryEscape(echo)
			http.Redirect(w, r, loc, http.StatusFound)
			return
		}
	case "/token":
		out["access_token"], out["refresh_token"], out["token_type"], out["expires_in"] = e.mint("at-"), e.mint("rt-"), "Bearer", 3600
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
		return
	case "/register":
		out["client_id"], out["client_secret"], out["registration_access_token"] = e.mint("cid-"), e.mint("cs-"), e.mint("rat-")
		out["registration_client_uri"] = e.issuer + "/register/" + e.mint("path-")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(out)
		return
	}
	out["error"] = "invalid_request"
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(out)
}

// secretForms are the forms in which s travels (raw, escaped for a URL or
// a form, JSON, Go-quoted), and, with an id, the forms of HTTP Basic
// credentials (base64 of id:secret, raw and form-urlencoded, both
// alphabets, with and without padding); each also as HTML and XML escape
// it, for the reports that escape.
func secretForms(id, s string) []string {
	var forms []string
	jsonOf := func(v string) string { b, _ := json.Marshal(v); return string(b[1 : len(b)-1]) }
	for _, f := range []string{s, url.QueryEscape(s), url.PathEscape(s), url.QueryEscape(url.QueryEscape(s)), jsonOf(s),
		strings.ReplaceAll(jsonOf(s), "/", `\/`), jsonOf(url.QueryEscape(s)), strings.Trim(strconv.Quote(s), `"`)} {
		forms = append(forms, f)
	}
	if id != "" {
		for _, p := range []string{id + ":" + s, url.QueryEscape(id) + ":" + url.QueryEscape(s)} {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
				b := enc.EncodeToString([]byte(p))
				forms = append(forms, b, url.QueryEscape(b), jsonOf(b))
			}
		}
	}
	n := len(forms)
	for _, f := range forms[:n] {
		forms = append(forms, html.EscapeString(f))
	}
	return forms
}

// TestHostileEcho_NoSecretInAnyReport: a run against a server that echoes
// every request header and body into error_description, JSON members,
// headers and redirects, and hands out codes and tokens to anyone, writes
// reports (JSON, JUnit, Markdown, HTML) and explanations (what
// conformance.Test prints) that hold no form of any secret: the configured
// client secret, the initial access token, the recipe's password, nor any
// code, token or client secret the server issued.
func TestHostileEcho_NoSecretInAnyReport(t *testing.T) {
	e := &echoServer{}
	ts := httptest.NewServer(e)
	defer ts.Close()
	e.issuer = ts.URL
	cfg := hostileConfig()
	cfg.Resource = ts.URL + "/mcp"
	cfg.Clients.Public = &target.ClientConfig{ClientID: "public-client", RedirectURI: "http://127.0.0.1:8976/callback", AuthMethod: "none"}
	cfg.Browser.Login = []target.Step{{Fill: "#username", Value: hostileUser}, {Fill: "#password", Value: hostilePassword}, {Click: "#login"}}
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: ts.URL, Config: cfg,
		Browser: conformance.BrowserOff, Parallel: 8, Timeout: time.Minute})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Results)

	dir := t.TempDir()
	files, err := reports.Write(dir, reports.AllFormats(), rep)
	require.NoError(t, err)
	require.Len(t, files, 4)
	outputs := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		outputs[filepath.Base(f)] = string(b)
	}
	var explained strings.Builder
	failing := 0
	for _, r := range rep.Results {
		explained.WriteString(reports.Explain(r))
		if r.Status == suite.Fail || r.Status == suite.Error {
			failing++
		}
	}
	outputs["explanations"] = explained.String()
	assert.Greater(t, failing, 20, "the careless server fails many checks, each with its evidence")

	forbidden := map[string][]string{
		"client secret":        secretForms(hostileClientID, hostileSecret),
		"initial access token": secretForms("", hostileIAT),
		"password":             secretForms("", hostilePassword),
	}
	e.mu.Lock()
	issued := append([]string(nil), e.issued...)
	e.mu.Unlock()
	require.NotEmpty(t, issued)
	for _, v := range issued {
		if !strings.HasPrefix(v, "cid-") && !strings.HasPrefix(v, "path-") { // client_ids and paths are not secrets
			forbidden["issued "+v[:strings.IndexByte(v, '-')]] = append(forbidden["issued "+v[:strings.IndexByte(v, '-')]], v)
		}
	}
	for out, text := range outputs {
		for what, forms := range forbidden {
			for _, f := range forms {
				if i := strings.Index(text, f); i >= 0 {
					t.Errorf("%s holds the %s as %q: …%s…", out, what, f, text[max(0, i-80):min(len(text), i+len(f)+20)])
				}
			}
		}
		for _, word := range []string{"Zq7Secret", "Iat9Token", "Pw5Password"} {
			if i := strings.Index(text, word); i >= 0 {
				t.Errorf("%s holds %q: …%s…", out, word, text[max(0, i-120):min(len(text), i+60)])
			}
		}
	}
	assert.Contains(t, outputs["report.json"], "[REDACTED]")
}

// TestHostileOrigins_LoginPageElsewhere: an authorization endpoint that
// redirects the browser to a login page on another origin does not get the
// recipe's password: Chromium follows the redirect (Playwright cannot stop
// it) but types nothing there; the checks that needed a code say why.
// Listed under allowed_origins, the login page gets the password.
func TestHostileOrigins_LoginPageElsewhere(t *testing.T) {
	t.Parallel()
	testutil.Chromium(t)
	c := newCollector(t)
	issuer := divertingTarget(t, "", c.URL()+"/login")
	cfg := hostileConfig()
	cfg.Browser.Login = []target.Step{{Fill: "#username", Value: hostileUser}, {Fill: "#password", Value: hostilePassword}, {Click: "#login"}}
	var notices []string
	run := func() *reports.Report {
		rep, err := conformance.Run(context.Background(), conformance.Options{Target: issuer, Config: cfg,
			Browser: conformance.BrowserOn, Timeout: time.Minute, Only: []string{"rfc6749-4.1.2-state-echoed"},
			Chromium: os.Getenv("AUTHSPEC_CHROMIUM"), PlaywrightDriver: os.Getenv("PLAYWRIGHT_DRIVER_PATH"),
			OnNotice: func(s string) { notices = append(notices, s) }})
		require.NoError(t, err)
		require.Len(t, rep.Results, 1)
		return rep
	}
	r := run().Results[0]
	assert.NotContains(t, c.all(), "POST", "nothing was submitted to the other origin")
	for _, f := range secretForms("", hostilePassword) {
		assert.NotContains(t, c.all(), f, "the password did not reach the other origin")
	}
	assert.Equal(t, suite.Error, r.Status, r.Message)
	assert.Contains(t, r.Message, "allowed_origins: ["+c.URL()+"]")

	cfg.AllowedOrigins = []string{c.URL()}
	run()
	assert.Contains(t, c.all(), "password="+url.QueryEscape(hostilePassword), "listed under allowed_origins, the login page gets the password")
	if os.Geteuid() == 0 {
		assert.Contains(t, strings.Join(notices, "\n"), "without its sandbox", "running as root is said")
	}
}
