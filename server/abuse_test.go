package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/sqlite"
)

// countingReader counts the bytes the server reads of a request body.
type countingReader struct {
	r    *strings.Reader
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

// TestPages_BodiesAreBounded: the login and consent forms read at most
// 64 KiB of a body, like every other endpoint, and answer 413 beyond.
func TestPages_BodiesAreBounded(t *testing.T) {
	srv, err := server.New(server.Config{Issuer: "http://127.0.0.1:9000", Consent: server.ConsentForm})
	require.NoError(t, err)
	h := srv.Handler()
	for _, path := range []string{"/login", "/consent"} {
		body := &countingReader{r: strings.NewReader("request=x&username=" + strings.Repeat("a", 10<<20))}
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000"+path, body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code, "%s: %s", path, rec.Body)
		assert.LessOrEqual(t, body.read, 128<<10, "%s read %d bytes of a 10 MiB body", path, body.read)
	}
}

// TestRegister_RedirectURIAllowList: redirect URIs register only as https,
// http on a loopback host, or a private-use scheme in reverse domain name
// form (RFC 8252 §7.1); user info and fragments are refused everywhere.
func TestRegister_RedirectURIAllowList(t *testing.T) {
	e := newEnv(t, server.Config{})
	cases := []struct {
		uri string
		ok  bool
	}{
		{"https://app.example/cb", true},
		{"https://app.example:8443/cb?x=1", true},
		{"https://*.authspec.example/callback", true}, // registers; never used as a pattern
		{"http://127.0.0.1/cb", true},
		{"http://127.9.9.9:8080/cb", true},
		{"http://[::1]:3000/cb", true},
		{"http://localhost:8080/cb", true}, // RFC 8252 §8.3: NOT RECOMMENDED, allowed (no port exception)
		{"com.example.app:/oauth2redirect", true},
		{"com.example.app://callback/path", true},
		{"org.example-1.app:/cb", true},

		{"view-source:https://app.example/cb", false},
		{"feed:javascript:alert(1)", false},
		{"jar:https://app.example/x.jar!/cb", false},
		{"ws://127.0.0.1/cb", false},
		{"wss://app.example/cb", false},
		{"ftp://app.example/cb", false},
		{"ms-msdt:/id", false},
		{"chrome://settings", false},
		{"javascript:alert(1)", false},
		{"data:text/html,x", false},
		{"file:///etc/passwd", false},
		{"https://user:pass@app.example/cb", false},
		{"https://app.example@evil.example/cb", false},
		{"http://user@127.0.0.1/cb", false},
		{"com.example.app://user@host/cb", false},
		{"https://app.example/cb#frag", false},
		{"com.example.app:/cb#frag", false},
		{"http://app.example/cb", false},
		{"http://10.0.0.1/cb", false},
		{"https:///cb", false},
		{"https:app.example/cb", false},
		{"com..example:/cb", false},
		{"com.:/cb", false},
		{"com.exa_mple:/cb", false},
		{"/cb", false},
		{"cb", false},
	}
	for _, tc := range cases {
		r := e.sendJSON(http.MethodPost, "/register", map[string]any{
			"redirect_uris": []string{tc.uri}, "token_endpoint_auth_method": "none",
		}, "")
		if tc.ok {
			assert.Equal(t, http.StatusCreated, r.status, "%s: %s", tc.uri, r.body)
			continue
		}
		if assert.Equal(t, http.StatusBadRequest, r.status, "%s registered: %s", tc.uri, r.body) {
			assert.Equal(t, "invalid_redirect_uri", r.json(t)["error"], "%s", tc.uri)
		}
	}
}

// TestRedirectURIAllowList_EverywhereClientsComeFrom: static clients and
// RFC 7592 updates follow the same policy as registration.
func TestRedirectURIAllowList_EverywhereClientsComeFrom(t *testing.T) {
	_, err := server.New(server.Config{Issuer: "http://127.0.0.1:9000", Clients: []server.StaticClient{
		{ID: "bad", Metadata: store.ClientMetadata{RedirectURIs: []string{"view-source:https://a.example/cb"}}},
	}})
	assert.ErrorContains(t, err, "redirect URI")

	e := newEnv(t, server.Config{})
	c := e.register(nil)
	for _, bad := range []string{"jar:https://a.example/x!/", "https://u:p@a.example/cb"} {
		r := e.sendJSON(http.MethodPut, c.RegURI, map[string]any{"client_id": c.ID, "client_secret": c.Secret,
			"redirect_uris": []string{bad}}, c.RegToken)
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", bad, r.body)
	}
}

// TestToken_FailedRedemptionKeepsTheCode: a token request that fails the
// client binding, the redirect URI or PKCE does not consume the code, so
// the legitimate redemption still succeeds.
func TestToken_FailedRedemptionKeepsTheCode(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	other := e.register(nil)
	p := newPKCE()
	code := e.code(c, p, nil)

	for _, bad := range []struct {
		name string
		r    func() *resp
	}{
		{"no code_verifier", func() *resp {
			return e.postForm("/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect}}, c.ID, c.Secret)
		}},
		{"wrong code_verifier", func() *resp {
			return e.exchange(c, code, pkce{verifier: strings.Repeat("w", 43)}, nil)
		}},
		{"another client", func() *resp { return e.exchange(other, code, p, nil) }},
		{"another redirect_uri", func() *resp {
			return e.exchange(c, code, p, url.Values{"redirect_uri": {"http://127.0.0.1:8765/other"}})
		}},
	} {
		r := bad.r()
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", bad.name, r.body)
		assert.Equal(t, "invalid_grant", r.json(t)["error"], bad.name)
	}
	r := e.exchange(c, code, p, nil)
	require.Equal(t, http.StatusOK, r.status, "the legitimate redemption after failed attempts: %s", r.body)

	// A failed request with a used code is no replay: it revokes nothing.
	at := r.json(t)["access_token"].(string)
	r = e.exchange(other, code, p, nil)
	assert.Equal(t, "invalid_grant", r.json(t)["error"])
	tok, err := e.srv.Store().GetToken(t.Context(), store.Hash(at))
	require.NoError(t, err)
	assert.False(t, tok.Revoked, "a failed request with the used code of another client")
	// The client's own replay does.
	r = e.exchange(c, code, p, nil)
	assert.Equal(t, "invalid_grant", r.json(t)["error"])
	tok, err = e.srv.Store().GetToken(t.Context(), store.Hash(at))
	require.NoError(t, err)
	assert.True(t, tok.Revoked, "the client's replay revokes the tokens")
}

// TestToken_ConcurrentReplayRevocationSticks races redemptions of one code:
// one wins, the others are replays that revoke the grant, and whatever the
// order no token issued from the code is left active, with either store.
func TestToken_ConcurrentReplayRevocationSticks(t *testing.T) {
	const racers = 6
	for _, name := range []string{"memory", "sqlite"} {
		t.Run(name, func(t *testing.T) {
			rounds := 150
			cfg := server.Config{}
			if name == "sqlite" {
				st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "auth.db"))
				require.NoError(t, err)
				t.Cleanup(func() { _ = st.Close() })
				cfg.Store = st
				rounds = 80 // each round writes to disk
			}
			e := newEnv(t, cfg)
			c := e.register(nil)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: racers}}
			t.Cleanup(hc.CloseIdleConnections)
			survived := 0
			for round := range rounds {
				p := newPKCE()
				code := e.code(c, p, nil)
				form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect},
					"code_verifier": {p.verifier}}.Encode()
				var mu sync.Mutex
				var issued []string
				var wg sync.WaitGroup
				start := make(chan struct{})
				for range racers {
					wg.Go(func() {
						<-start
						req, _ := http.NewRequest(http.MethodPost, e.issuer+"/token", strings.NewReader(form))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						req.SetBasicAuth(c.ID, c.Secret)
						res, err := hc.Do(req)
						if !assert.NoError(t, err) {
							return
						}
						defer res.Body.Close()
						var body map[string]any
						_ = json.NewDecoder(res.Body).Decode(&body)
						if res.StatusCode == http.StatusOK {
							mu.Lock()
							issued = append(issued, body["access_token"].(string), body["refresh_token"].(string))
							mu.Unlock()
							return
						}
						assert.Equal(t, "invalid_grant", body["error"])
					})
				}
				close(start)
				wg.Wait()
				assert.LessOrEqual(t, len(issued), 2, "round %d: more than one redemption succeeded", round)
				for _, tok := range issued {
					got, err := e.srv.Store().GetToken(t.Context(), store.Hash(tok))
					require.NoError(t, err)
					if got.Active(time.Now()) {
						survived++
						break
					}
				}
			}
			assert.Zero(t, survived, "rounds of %d in which a token issued from a replayed code stayed active", rounds)
		})
	}
}
