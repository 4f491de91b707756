package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/internal/pgtest"
	"github.com/authspec/authspec/internal/testutil"
	"github.com/authspec/authspec/server"
)

func TestParseRateLimit(t *testing.T) {
	def := server.DefaultLimits
	cases := []struct {
		spec     string
		reg, tok server.Rate
		err      bool
	}{
		{spec: ""},
		{spec: "off", reg: server.NoRateLimit, tok: server.NoRateLimit},
		{spec: "register=5/s:100", reg: server.Rate{PerSecond: 5, Burst: 100}},
		{spec: "token=600/m", tok: server.Rate{PerSecond: 10, Burst: def.Token.Burst}},
		{spec: "register=36/h:2, token=off", reg: server.Rate{PerSecond: 0.01, Burst: 2}, tok: server.NoRateLimit},
		{spec: "register=5", err: true},
		{spec: "register=0/s", err: true},
		{spec: "register=-1/s", err: true},
		{spec: "register=5/d", err: true},
		{spec: "register=5/s:0", err: true},
		{spec: "register=5/s:x", err: true},
		{spec: "login=5/s", err: true},
		{spec: "register", err: true},
	}
	for _, tc := range cases {
		reg, tok, err := parseRateLimit(tc.spec)
		if tc.err {
			assert.Error(t, err, "%q", tc.spec)
			continue
		}
		require.NoError(t, err, "%q", tc.spec)
		assert.Equal(t, tc.reg, reg, "%q register", tc.spec)
		assert.Equal(t, tc.tok, tok, "%q token", tc.spec)
	}
}

func TestExposureWarnings(t *testing.T) {
	loop := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 9000}
	any4 := &net.TCPAddr{IP: net.IPv4zero, Port: 9000}
	lan := &net.TCPAddr{IP: net.ParseIP("192.168.1.5"), Port: 9000}
	assert.Empty(t, exposureWarnings(loop, server.Config{}), "loopback")
	assert.Empty(t, exposureWarnings(&net.TCPAddr{IP: net.IPv6loopback}, server.Config{}), "IPv6 loopback")
	for _, addr := range []net.Addr{any4, lan} {
		w := strings.Join(exposureWarnings(addr, server.Config{Consent: server.ConsentAuto}), "\n")
		assert.Contains(t, w, "WARNING")
		assert.Contains(t, w, "--initial-access-token")
		assert.Contains(t, w, "alice:wonderland")
		assert.Contains(t, w, "--consent auto")
	}
	safe := server.Config{InitialAccessToken: "t", Users: map[string]string{"bob": "long-password"}, Consent: server.ConsentForm}
	assert.Empty(t, exposureWarnings(lan, safe), "registration closed, own users, consent asked")
}

// startServe runs `authspec serve` with args until the returned stop is
// called; it returns the issuer and a channel with cmdServe's result.
func startServe(t *testing.T, args ...string) (issuer string, stop func(), done <-chan error, stderr *testutil.SyncBuffer) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	stderr = &testutil.SyncBuffer{}
	go func() {
		res <- cmdServe(ctx, append([]string{"--addr", "127.0.0.1:0", "--ready-file", ready}, args...), io.Discard, stderr)
	}()
	deadline := time.After(30 * time.Second) // a safety net, far above normal
	for {
		if b, err := os.ReadFile(ready); err == nil && len(b) > 0 {
			issuer = strings.TrimSpace(string(b))
			break
		}
		select {
		case err := <-res:
			t.Fatalf("serve ended before it was ready: %v\n%s", err, stderr)
		case <-deadline:
			cancel()
			t.Fatal("serve did not become ready")
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Cleanup(cancel)
	return issuer, cancel, res, stderr
}

// TestServe_SecretsFromFilesAndEnvironment: the secret-bearing flags take
// @FILE (one value per line for the repeatable ones) and an environment
// variable, so that no secret has to be on the command line (visible in ps).
func TestServe_SecretsFromFilesAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	users := write("users", "# people\nbob:builder-password\n\ncarol:another-password\n")
	clients := write("clients", "conf:conf-secret:http://127.0.0.1:1/cb\n")
	iat := write("iat", "file-initial-token\n")
	secret := write("secret", strings.Repeat("s", 40)+"\n")
	issuer, stop, done, _ := startServe(t, "--user", "@"+users, "--client", "@"+clients,
		"--initial-access-token", "@"+iat, "--secret", "@"+secret, "--consent", "auto")

	register := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, issuer+"/register", strings.NewReader(`{"redirect_uris":["https://a.example/cb"]}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	assert.Equal(t, http.StatusCreated, register("file-initial-token"), "the initial access token from the file")
	assert.Equal(t, http.StatusUnauthorized, register("@"+iat), "not the flag's text")
	req, _ := http.NewRequest(http.MethodPost, issuer+"/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("conf", "conf-secret")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the static client from the file")
	stop()
	require.NoError(t, <-done)

	// The environment, when the flags are absent.
	t.Setenv("AUTHSPEC_INITIAL_ACCESS_TOKEN", "env-initial-token")
	t.Setenv("AUTHSPEC_USERS", "dave:env-password")
	t.Setenv("AUTHSPEC_CLIENTS", "envc:envc-secret:http://127.0.0.1:1/cb")
	t.Setenv("AUTHSPEC_SERVER_SECRET", strings.Repeat("e", 32))
	issuer, stop, done, _ = startServe(t, "--consent", "auto")
	assert.Equal(t, http.StatusCreated, register("env-initial-token"))
	stop()
	require.NoError(t, <-done)

	// Mistakes are usage errors.
	for _, args := range [][]string{
		{"--user", "@" + filepath.Join(dir, "absent")},
		{"--user", "@" + write("bad-users", "no-colon\n")},
		{"--secret", "short"},
		{"--initial-access-token", "@" + write("empty", "\n")},
	} {
		err := cmdServe(context.Background(), append([]string{"--addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
		var ee *exitError
		if assert.ErrorAs(t, err, &ee, "%v", args) {
			assert.Equal(t, 2, ee.code, "%v", args)
		}
	}
}

// TestServe_SecretFileReadableByOthers: a secret file others can read is
// used, with a warning.
func TestServe_SecretFileReadableByOthers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "iat")
	require.NoError(t, os.WriteFile(p, []byte("token-token\n"), 0o644))
	_, stop, done, stderr := startServe(t, "--initial-access-token", "@"+p)
	stop()
	require.NoError(t, <-done)
	assert.Contains(t, stderr.String(), "readable by others")
}

// slowTokenRequest starts a token request whose body arrives only when
// finish is called; the response comes on the returned channel. abort
// ends the body with an error.
func slowTokenRequest(t *testing.T, issuer string) (finish, abort func(), result <-chan *http.Response) {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, issuer+"/token", pr)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("conf", "conf-secret")
	// The body is sent only once the server answers 100 Continue, which it
	// does when the handler starts reading it: once the first bytes are
	// taken from the pipe, the handler is running.
	req.Header.Set("Expect", "100-continue")
	out := make(chan *http.Response, 1)
	started := make(chan struct{})
	go func() {
		tr := &http.Transport{ExpectContinueTimeout: 30 * time.Second}
		defer tr.CloseIdleConnections()
		res, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			out <- nil
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		out <- res
	}()
	go func() {
		_, _ = pw.Write([]byte("grant_type=client_")) // the handler is now reading the body
		close(started)
	}()
	<-started
	t.Cleanup(func() { _ = pw.CloseWithError(io.ErrUnexpectedEOF) })
	return func() { _, _ = pw.Write([]byte("credentials")); _ = pw.Close() },
		func() { _ = pw.CloseWithError(io.ErrUnexpectedEOF) }, out
}

// waitRefused waits until the server no longer accepts connections: it
// has begun to shut down.
func waitRefused(t *testing.T, issuer string) {
	t.Helper()
	host := strings.TrimPrefix(issuer, "http://")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", host)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the server kept accepting connections")
}

// TestServe_DrainsInFlightRequests: on SIGTERM the server stops accepting
// connections, lets running requests finish, and only then closes the
// store; a request that outlives the shutdown timeout is cut off, and the
// server still exits cleanly.
func TestServe_DrainsInFlightRequests(t *testing.T) {
	db := filepath.Join(t.TempDir(), "auth.db")
	issuer, stop, done, stderr := startServe(t, "--store", "sqlite:"+db, "--client", "conf:conf-secret:http://127.0.0.1:1/cb")
	finish, _, result := slowTokenRequest(t, issuer)
	stop()
	waitRefused(t, issuer)
	finish()
	res := <-result
	require.NotNil(t, res, "the in-flight request got no response")
	assert.Equal(t, http.StatusOK, res.StatusCode, "the in-flight request completes with the store open\n%s", stderr)
	assert.NoError(t, <-done)

	issuer, stop, done, _ = startServe(t, "--store", "sqlite:"+db, "--client", "conf:conf-secret:http://127.0.0.1:1/cb",
		"--shutdown-timeout", "100ms")
	_, abort, _ := slowTokenRequest(t, issuer) // does not finish its body before the server has stopped
	stop()
	assert.NoError(t, <-done, "a client slower than the shutdown timeout does not fail the exit")
	abort()
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestServe_PostgresStore: --store postgres://... and AUTHSPEC_STORE open
// one database; a client registered at one server obtains tokens at the
// other, and the password of the URL is shown nowhere.
func TestServe_PostgresStore(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), "pw-not-shown") // the test server trusts loopback
	a, _, _, stderrA := startServe(t, "--store", u.String())
	t.Setenv("AUTHSPEC_STORE", u.String())
	b, _, _, stderrB := startServe(t)

	res, err := http.Post(a+"/register", "application/json", strings.NewReader(
		`{"redirect_uris":["http://127.0.0.1:1/cb"],"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}`))
	require.NoError(t, err)
	var reg struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&reg))
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)

	req, _ := http.NewRequest(http.MethodPost, b+"/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(reg.ClientID, reg.ClientSecret)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "a client registered at one server, at the other")
	for _, out := range []string{stderrA.String(), stderrB.String()} {
		assert.NotContains(t, out, "pw-not-shown")
	}
}

func TestRedactStore(t *testing.T) {
	for spec, want := range map[string]string{
		"memory":        "memory",
		"sqlite:a@b.db": "sqlite:a@b.db",
		"postgres://u:pw@h:5432/db?sslmode=disable": "postgres://u:xxxxx@h:5432/db?sslmode=disable",
		"postgresql://h/db?password=pw&user=u":      "postgresql://h/db?password=xxxxx&user=u",
		"host=h password=pw":                        "(not shown: it may hold a password)",
		"postgres://u:p%zz@h/db":                    "(not shown: it may hold a password)",
	} {
		assert.Equal(t, want, redactStore(spec), "%s", spec)
	}
}

func TestServe_StoreErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"mysql://u:pw@h/db":              "want memory, sqlite:PATH or postgres://",
		"postgres://u:pw@127.0.0.1:1/db": "127.0.0.1",
	} {
		err := cmdServe(t.Context(), []string{"--addr", "127.0.0.1:0", "--store", spec}, io.Discard, io.Discard)
		if assert.Error(t, err, spec) {
			assert.Contains(t, err.Error(), want, spec)
			assert.NotContains(t, err.Error(), "pw@", spec)
		}
	}
}

// TestServe_TLS: with --tls-cert and --tls-key the server is served over
// TLS 1.2 and 1.3 at an https issuer; with the fault tls12-unsupported a
// client limited to TLS 1.2 gets no handshake.
func TestServe_TLS(t *testing.T) {
	certPEM, keyPEM := testutil.LoopbackCert(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, certPEM, 0o600))
	require.NoError(t, os.WriteFile(keyFile, keyPEM, 0o600))
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(certPEM))
	get := func(issuer string, maxVersion uint16) error {
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots, MaxVersion: maxVersion}}}
		res, err := c.Get(issuer + "/.well-known/oauth-authorization-server")
		if err != nil {
			return err
		}
		defer res.Body.Close()
		var md map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&md))
		assert.Equal(t, issuer, md["issuer"])
		return nil
	}
	issuer, _, _, _ := startServe(t, "--tls-cert", certFile, "--tls-key", keyFile)
	require.True(t, strings.HasPrefix(issuer, "https://127.0.0.1:"), issuer)
	require.NoError(t, get(issuer, 0))
	require.NoError(t, get(issuer, tls.VersionTLS12), "TLS 1.2 is served")

	issuer, _, _, _ = startServe(t, "--tls-cert", certFile, "--tls-key", keyFile, "--fault", "tls12-unsupported")
	require.NoError(t, get(issuer, 0))
	assert.Error(t, get(issuer, tls.VersionTLS12), "the fault refuses TLS 1.2")

	err := cmdServe(context.Background(), []string{"--tls-cert", certFile}, io.Discard, io.Discard)
	assert.ErrorContains(t, err, "--tls-cert and --tls-key go together")
}
