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
	"github.com/authspec/authspec/server/store/memory"
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

// flood sends n anonymous authorization requests for client c straight to
// the handler, as a script would, each from its own "browser".
func flood(t *testing.T, h http.Handler, issuer string, c *client, n int) {
	t.Helper()
	u := issuer + strings.TrimPrefix((&env{issuer: issuer}).authorizeURL(c, newPKCE(), nil), issuer)
	for i := range n {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if rec.Code != http.StatusFound || !strings.Contains(rec.Header().Get("Location"), "/login?") {
			t.Fatalf("anonymous request %d: %d %s", i, rec.Code, rec.Header().Get("Location"))
		}
	}
}

// TestAuthorize_PendingRequestsCannotStarveEachOther: anonymous
// authorization requests keep no state on the server, so any number of
// them leaves a person's sign-in and consent working.
func TestAuthorize_PendingRequestsCannotStarveEachOther(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm})
	c := e.register(nil)
	flood(t, e.srv.Handler(), e.issuer, c, 12000)

	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	r = b.get(r.location(t).String())
	require.Equal(t, http.StatusOK, r.status)
	f := formFields(t, r.body)
	f.Set("decision", "allow")
	r = b.postForm("/consent", f)
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.NotEmpty(t, r.location(t).Query().Get("code"))
}

// TestAuthorize_PendingRequestIsSealed: the pending request travels with
// the browser, sealed by the server's secret: altered, expired or sealed
// by another secret, it is refused; servers sharing the secret and the
// store (replicas) accept each other's, and a consent approval completes
// once across them.
func TestAuthorize_PendingRequestIsSealed(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	secret := []byte("0123456789abcdef0123456789abcdef")
	st := memory.New()
	a := newEnv(t, server.Config{Consent: server.ConsentForm, Secret: secret, Store: st, Now: clock})
	c := a.register(nil)
	b := a.browser()
	r := b.get(a.authorizeURL(c, newPKCE(), nil))
	require.Equal(t, http.StatusFound, r.status)
	login := r.location(t)
	req := login.Query().Get("request")
	require.NotEmpty(t, req)
	assert.NotContains(t, req, "st-123", "the state is not readable in the sealed request")

	for name, v := range map[string]string{
		"altered":   req[:len(req)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(req, "AA")],
		"truncated": req[:len(req)/2],
		"empty":     "",
		"garbage":   "not a sealed request",
	} {
		assert.Equal(t, http.StatusBadRequest, b.get("/login?request="+url.QueryEscape(v)).status, name)
	}

	other := newEnv(t, server.Config{Consent: server.ConsentForm, Store: st, Now: clock})
	assert.Equal(t, http.StatusBadRequest, other.browser().get(other.issuer+"/login?request="+url.QueryEscape(req)).status,
		"another secret")

	// A replica: same issuer, secret and store, its own listener.
	replicaSrv, err := server.New(server.Config{Issuer: a.issuer, Consent: server.ConsentForm, Secret: secret, Store: st, Now: clock})
	require.NoError(t, err)
	replicaTS := httptest.NewServer(replicaSrv.Handler())
	t.Cleanup(replicaTS.Close)
	r = b.login(a.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	require.Equal(t, http.StatusSeeOther, r.status)
	r = b.get(r.location(t).String())
	f := formFields(t, r.body)
	f.Set("decision", "allow")
	rb := a.browser()
	for _, ck := range b.hc.Jar.Cookies(mustParse(t, a.issuer)) {
		rb.hc.Jar.SetCookies(mustParse(t, replicaTS.URL), []*http.Cookie{ck})
	}
	r = rb.postForm(replicaTS.URL+"/consent", f)
	require.Equal(t, http.StatusSeeOther, r.status, "the replica completes the request: %s", r.body)
	assert.NotEmpty(t, r.location(t).Query().Get("code"))
	r = b.postForm("/consent", f)
	assert.Equal(t, http.StatusBadRequest, r.status, "the approval completes once, across replicas")

	// Ten minutes later the request has expired.
	r = b.get(a.authorizeURL(c, newPKCE(), url.Values{"prompt": {"consent"}}))
	consent := r.location(t)
	now = now.Add(11 * time.Minute)
	assert.Equal(t, http.StatusBadRequest, b.get(consent.String()).status, "an expired request")
}

// TestPages_SessionIsSealed: a session cookie that the server did not
// seal is no session.
func TestPages_SessionIsSealed(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm})
	c := e.register(nil)
	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	require.Equal(t, http.StatusSeeOther, r.status)
	var session *http.Cookie
	for _, ck := range b.hc.Jar.Cookies(mustParse(t, e.issuer)) {
		if strings.Contains(ck.Name, "session") {
			session = ck
		}
	}
	require.NotNil(t, session, "a session cookie")
	forged := e.browser()
	forged.hc.Jar.SetCookies(mustParse(t, e.issuer), []*http.Cookie{{Name: session.Name, Value: session.Value[:len(session.Value)-3] + "xyz"}})
	r = forged.get(e.authorizeURL(c, newPKCE(), nil))
	assert.Equal(t, "/login", r.location(t).Path, "an altered session cookie signs no one in")
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}

// TestPages_HostPrefixedCookiesOverHTTPS: with an https issuer the login
// state lives in __Host- cookies (Secure, Path=/, no Domain: bound to
// this origin); with an http issuer, on loopback, in plain cookies without
// Secure, which many HTTP clients would not send back over http.
func TestPages_HostPrefixedCookiesOverHTTPS(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentForm})
	require.NoError(t, err)
	ts.Config.Handler = srv.Handler()
	e := &env{t: t, srv: srv, ts: ts, issuer: ts.URL, hc: &http.Client{
		Transport:     contractTransportOver(t, srv, ts.Client().Transport),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	c := e.register(nil)
	b := e.browser()
	r := b.get(e.authorizeURL(c, newPKCE(), nil))
	r = b.get(r.location(t).String())
	requireCookie(t, r.header, "__Host-authspec_browser", true)
	f := formFields(t, r.body)
	f.Set("username", "alice")
	f.Set("password", "wonderland")
	r = b.postForm("/login", f)
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	requireCookie(t, r.header, "__Host-authspec_session", true)
	r = b.get(r.location(t).String())
	f = formFields(t, r.body)
	f.Set("decision", "allow")
	r = b.postForm("/consent", f)
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.NotEmpty(t, r.location(t).Query().Get("code"))

	plain := newEnv(t, server.Config{Consent: server.ConsentForm})
	pc := plain.register(nil)
	pb := plain.browser()
	r = pb.get(plain.authorizeURL(pc, newPKCE(), nil))
	r = pb.get(r.location(t).String())
	requireCookie(t, r.header, "authspec_browser", false)
}

func requireCookie(t *testing.T, h http.Header, name string, hostPrefixed bool) {
	t.Helper()
	res := http.Response{Header: h}
	for _, c := range res.Cookies() {
		if c.Name != name {
			continue
		}
		assert.Equal(t, hostPrefixed, c.Secure, "%s: Secure", name)
		assert.Equal(t, "/", c.Path, "%s: Path", name)
		assert.Empty(t, c.Domain, "%s: Domain", name)
		assert.True(t, c.HttpOnly, "%s: HttpOnly", name)
		return
	}
	t.Fatalf("no cookie %s in %v", name, h.Values("Set-Cookie"))
}
