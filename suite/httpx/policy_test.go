package httpx_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/httpx"
)

func TestParseOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.example.com":      "https://api.example.com",
		"https://API.example.com:443":  "https://api.example.com",
		"http://127.0.0.1:8080":        "http://127.0.0.1:8080",
		"https://[::1]:9443":           "https://[::1]:9443",
		"https://api.example.com:8443": "https://api.example.com:8443",
	} {
		got, err := httpx.ParseOrigin(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"api.example.com", "ftp://x.example", "https://", "https://api.example.com/",
		"https://api.example.com/mcp", "https://u:p@api.example.com", "https://api.example.com?x", "https://api.example.com#f"} {
		_, err := httpx.ParseOrigin(bad)
		assert.Error(t, err, bad)
	}
}

func TestPolicy(t *testing.T) {
	u := func(s string) *url.URL { v, _ := url.Parse(s); return v }
	p, err := httpx.NewPolicy("https://auth.example.com/tenant", []string{"https://login.example.com"}, []string{"https://api.example.com/mcp", "http://insecure.example.com/x"})
	require.NoError(t, err)
	assert.True(t, p.Trusted(u("https://auth.example.com:443/token")))
	assert.True(t, p.Trusted(u("https://login.example.com/x")))
	assert.False(t, p.Trusted(u("http://auth.example.com/token")), "never in clear text under an https issuer")
	assert.False(t, p.Trusted(u("https://auth.example.com.evil.example/token")))
	assert.False(t, p.Trusted(u("https://api.example.com/mcp")))
	assert.True(t, p.Allows(u("https://api.example.com/mcp"), httpx.AccessToken), "the configured resource gets access tokens")
	assert.False(t, p.Allows(u("https://api.example.com/mcp"), httpx.Credential))
	assert.False(t, p.Allows(u("http://insecure.example.com/x"), httpx.AccessToken), "not over http")
	assert.Equal(t, []string{"https://auth.example.com", "https://login.example.com"}, p.Origins())
	assert.Contains(t, p.Why(u("https://evil.example/t")), "allowed_origins: [https://evil.example]")

	_, err = httpx.NewPolicy("https://auth.example.com", []string{"http://api.example.com"}, nil)
	assert.ErrorContains(t, err, "clear text")
	p, err = httpx.NewPolicy("https://auth.example.com", []string{"http://127.0.0.1:8080"}, nil)
	require.NoError(t, err, "loopback traffic never leaves the machine")
	assert.True(t, p.Trusted(u("http://127.0.0.1:8080/x")))
}

// TestClient_RefusesSecretsToOtherOrigins: whatever a check builds, the
// client does not send a credential or a registered secret to an origin
// the policy does not trust; the refused request is recorded, not sent.
func TestClient_RefusesSecretsToOtherOrigins(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer other.Close()
	issuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer issuer.Close()
	resource := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(100) }))
	defer resource.Close()

	tr := httpx.NewTransport(time.Minute, 0)
	p, err := httpx.NewPolicy(issuer.URL, nil, []string{resource.URL + "/mcp"})
	require.NoError(t, err)
	tr.SetPolicy(p)
	tr.AddSecret("initial-access-token-1")
	tr.AddAccessToken("access-token-12345")
	hc := tr.NewClient()
	send := func(u string, mod func(*http.Request), body string) error {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(http.MethodPost, u, rd)
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if mod != nil {
			mod(req)
		}
		_, err := hc.Do(context.Background(), req, "test")
		return err
	}
	basic := func(r *http.Request) { r.SetBasicAuth("id", "s3cret-value") }
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	for name, err := range map[string]error{
		"basic":                        send(other.URL+"/token", basic, "grant_type=client_credentials"),
		"initial access token":         send(other.URL+"/register", bearer("initial-access-token-1"), ""),
		"access token":                 send(other.URL+"/api", bearer("access-token-12345"), ""),
		"client_secret in a body":      send(other.URL+"/token", nil, "client_id=a&client_secret=anything"),
		"a secret in the URL":          send(other.URL+"/x?t=access-token-12345", nil, ""),
		"a credential to the resource": send(resource.URL+"/mcp", bearer("initial-access-token-1"), ""),
		"basic to the resource":        send(resource.URL+"/mcp", basic, ""),
	} {
		require.Error(t, err, name)
		assert.True(t, httpx.IsRefused(err), "%s: %v", name, err)
		assert.Contains(t, err.Error(), "allowed_origins", name)
	}
	assert.Zero(t, hits.Load(), "nothing was sent")
	assert.NotContains(t, hc.Exchanges()[0].Error, "s3cret-value")
	assert.Contains(t, hc.Exchanges()[0].Error, "not sent to "+other.URL+"/token")

	require.NoError(t, send(resource.URL+"/mcp", bearer("access-token-12345"), ""), "the configured resource gets access tokens")
	require.NoError(t, send(resource.URL+"/mcp", bearer("made-up-invalid-token"), ""), "and made-up ones")
	dpop := func(r *http.Request) { r.Header.Set("Authorization", "DPoP access-token-12345") }
	require.NoError(t, send(resource.URL+"/mcp", dpop, ""), "and DPoP-bound ones (RFC 9449 §7.1)")
	require.Error(t, send(other.URL+"/api", dpop, ""), "but nowhere else")
	require.NoError(t, send(other.URL+"/public", nil, ""), "requests without secrets go anywhere")
	require.NoError(t, send(issuer.URL+"/token", basic, "client_secret=x"), "the issuer's origin gets everything")
	assert.Equal(t, int32(301), hits.Load())
}

// TestClient_StaleConnectionSentAgain: a server that closes a kept-alive
// connection as the next request goes out (its idle timeout; workerd,
// for one) answers nothing; the request is sent again on a new connection,
// as browsers do, instead of ending the check as an ERROR.
func TestClient_StaleConnectionSentAgain(t *testing.T) {
	var mu sync.Mutex
	perConn := map[string]int{}
	var seen atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		mu.Lock()
		perConn[r.RemoteAddr]++
		n := perConn[r.RemoteAddr]
		mu.Unlock()
		if n == 2 { // the second request on a connection: close it unanswered
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	for i := range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/token", strings.NewReader("grant_type=x"))
		res, err := hc.Do(context.Background(), req, "post")
		require.NoError(t, err, "request %d", i+1)
		assert.Equal(t, http.StatusOK, res.Status)
	}
	assert.Equal(t, int32(3), seen.Load(), "the second request was sent twice: once on the closed connection, once on a new one")
}
