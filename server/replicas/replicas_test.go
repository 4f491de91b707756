// Package replicas_test runs the reference server as two replicas on one
// PostgreSQL database, sharing the secret and the issuer, as behind a load
// balancer: what one replica registers, issues, consumes or revokes, the
// other sees, and the sealed login state (pending authorization requests,
// sessions, CSRF tokens) that one hands out, the other accepts. A loopback
// reverse proxy in front of them sends each request to the next replica in
// turn, and the conformance suite passes against it.
package replicas_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/internal/pgtest"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/postgres"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// cluster is two replicas and a round-robin proxy in front of them.
type cluster struct {
	t        *testing.T
	issuer   string   // the proxy's URL, every replica's issuer
	replicas []string // each replica's own URL
	srv      *server.Server
	// served counts the requests the proxy sent to each replica.
	served []atomic.Int64
	// consumed counts the codes the replicas' stores consumed.
	consumed atomic.Int64
}

// countingStore counts the codes consumed through it.
type countingStore struct {
	*postgres.Store
	consumed *atomic.Int64
}

func (s countingStore) ConsumeCode(ctx context.Context, hash []byte) (*store.Code, error) {
	c, err := s.Store.ConsumeCode(ctx, hash)
	if err == nil {
		s.consumed.Add(1)
	}
	return c, err
}

func newCluster(t *testing.T, consent server.ConsentMode, adjust ...func(*server.Config)) *cluster {
	t.Helper()
	db := pgtest.URL(t)
	secret := []byte(strings.Repeat("s", 32)) // shared, as --secret is
	c := &cluster{t: t, served: make([]atomic.Int64, 2)}
	var targets []*url.URL
	var next atomic.Uint64
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		i := int(next.Add(1)-1) % len(targets)
		c.served[i].Add(1)
		pr.SetURL(targets[i])
		pr.Out.Host = pr.In.Host
	}})
	t.Cleanup(proxy.Close)
	c.issuer = proxy.URL
	for range 2 {
		st, err := postgres.Open(t.Context(), db)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		cfg := server.Config{Issuer: c.issuer, Store: countingStore{st, &c.consumed}, Secret: secret, Consent: consent,
			CIMD: server.CIMDLoopback,
			// A second resource (other_resource), for the checks that
			// need one.
			Resources: []string{c.issuer + "/mcp", c.issuer + otherResourcePath},
			Limits:    server.Limits{Registration: server.NoRateLimit, Token: server.NoRateLimit},
			// The whole run waits for a request_uri to expire: three
			// seconds rather than ten (one is used within milliseconds of
			// its push).
			PARLifetime: 3 * time.Second}
		for _, a := range adjust {
			a(&cfg)
		}
		srv, err := server.New(cfg)
		require.NoError(t, err)
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		u, _ := url.Parse(ts.URL)
		targets = append(targets, u)
		c.replicas = append(c.replicas, ts.URL)
		c.srv = srv
	}
	return c
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request and returns the status and body.
func do(t *testing.T, hc *http.Client, req *http.Request) (int, []byte, http.Header) {
	t.Helper()
	res, err := hc.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, b, res.Header
}

type client struct{ id, secret string }

const redirect = "http://127.0.0.1:1/cb"

// register registers a confidential client at the replica at.
func (c *cluster) register(at string) client { return c.registerAs(at, "client_secret_basic") }

// registerAs registers a client with the authentication method auth
// ("none": a public client, whose refresh tokens rotate).
func (c *cluster) registerAs(at, auth string) client {
	c.t.Helper()
	grants := `"authorization_code","refresh_token","client_credentials"`
	if auth == "none" {
		grants = `"authorization_code","refresh_token"`
	}
	req, _ := http.NewRequest(http.MethodPost, at+"/register", strings.NewReader(`{"redirect_uris":["`+redirect+`"],
		"grant_types":[`+grants+`],"response_types":["code"],
		"token_endpoint_auth_method":"`+auth+`","scope":"read write"}`))
	req.Header.Set("Content-Type", "application/json")
	status, body, _ := do(c.t, noRedirects, req)
	require.Equal(c.t, http.StatusCreated, status, "%s", body)
	var reg struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	require.NoError(c.t, json.Unmarshal(body, &reg))
	return client{reg.ID, reg.Secret}
}

// token posts a token request for cl at the replica at.
func (c *cluster) token(at string, cl client, form url.Values) (int, map[string]any) {
	c.t.Helper()
	if cl.secret == "" {
		form = maps.Clone(form)
		form.Set("client_id", cl.id)
	}
	req, _ := http.NewRequest(http.MethodPost, at+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cl.secret != "" {
		req.SetBasicAuth(cl.id, cl.secret)
	}
	status, body, _ := do(c.t, noRedirects, req)
	var m map[string]any
	require.NoError(c.t, json.Unmarshal(body, &m), "%s", body)
	return status, m
}

// pkce returns a verifier and the authorization request's parameters.
func pkce(cl client) (string, url.Values) {
	verifier := strings.Repeat("v", 50)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, url.Values{"response_type": {"code"}, "client_id": {cl.id}, "redirect_uri": {redirect},
		"state": {"st"}, "scope": {"read"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}}
}

// code obtains a code from the replica at (consent auto).
func (c *cluster) code(at string, cl client) (code, verifier string) {
	c.t.Helper()
	verifier, q := pkce(cl)
	q.Set("resource", c.srv.ResourceURL())
	req, _ := http.NewRequest(http.MethodGet, at+"/authorize?"+q.Encode(), nil)
	status, body, h := do(c.t, noRedirects, req)
	require.Equal(c.t, http.StatusFound, status, "%s", body)
	loc, err := url.Parse(h.Get("Location"))
	require.NoError(c.t, err)
	require.NotEmpty(c.t, loc.Query().Get("code"), "%s", loc)
	return loc.Query().Get("code"), verifier
}

func redeem(code, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
}

// TestClientRegisteredAtOneUsedAtTheOther: registration, the token
// endpoint and the authorization endpoint on different replicas.
func TestClientRegisteredAtOneUsedAtTheOther(t *testing.T) {
	c := newCluster(t, server.ConsentAuto)
	cl := c.register(c.replicas[0])
	status, body := c.token(c.replicas[1], cl, url.Values{"grant_type": {"client_credentials"}})
	assert.Equal(t, http.StatusOK, status, "%v", body)
	code, verifier := c.code(c.replicas[1], cl)
	status, body = c.token(c.replicas[0], cl, redeem(code, verifier))
	assert.Equal(t, http.StatusOK, status, "a code issued by one replica, redeemed at the other: %v", body)
}

// TestCodeRedeemedOnceAcrossReplicas: concurrent redemptions of one code,
// half at each replica: the stores consume it exactly once, at most one
// request obtains tokens, and the replays revoke whatever it obtained, as
// either replica sees it. (The winner may be answered invalid_grant too: a
// replay that revokes the grant before the winner has saved its tokens
// makes the store refuse them.)
func TestCodeRedeemedOnceAcrossReplicas(t *testing.T) {
	c := newCluster(t, server.ConsentAuto)
	cl := c.register(c.replicas[0])
	const racers = 16
	for round := range 5 {
		code, verifier := c.code(c.replicas[round%2], cl)
		consumed := c.consumed.Load()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var wins []map[string]any
		start := make(chan struct{})
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				status, body := c.token(c.replicas[i%2], cl, redeem(code, verifier))
				mu.Lock()
				defer mu.Unlock()
				if status == http.StatusOK {
					wins = append(wins, body)
				} else {
					assert.Equal(t, "invalid_grant", body["error"], "round %d: a losing redemption: %v", round, body)
				}
			}()
		}
		close(start)
		wg.Wait()
		assert.EqualValues(t, 1, c.consumed.Load()-consumed, "round %d: the code is consumed once across both replicas", round)
		require.LessOrEqual(t, len(wins), 1, "round %d: redemptions that obtained tokens", round)
		for _, win := range wins {
			rt, _ := win["refresh_token"].(string)
			require.NotEmpty(t, rt, "round %d: %v", round, win)
			for _, at := range c.replicas {
				status, body := c.token(at, cl, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
				assert.Equal(t, http.StatusBadRequest, status, "round %d: the replayed code's refresh token at %s: %v", round, at, body)
			}
		}
	}
}

// TestRefreshReplayRevokesAtTheOther: a refresh token replayed at one
// replica revokes the grant, and the other replica refuses its newest
// refresh token and its access token.
func TestRefreshReplayRevokesAtTheOther(t *testing.T) {
	c := newCluster(t, server.ConsentAuto)
	a, b := c.replicas[0], c.replicas[1]
	cl := c.registerAs(a, "none")
	code, verifier := c.code(a, cl)
	status, first := c.token(b, cl, redeem(code, verifier))
	require.Equal(t, http.StatusOK, status, "%v", first)
	rt1, _ := first["refresh_token"].(string)
	require.NotEmpty(t, rt1, "%v", first)
	status, second := c.token(a, cl, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt1}})
	require.Equal(t, http.StatusOK, status, "%v", second)
	rt2, _ := second["refresh_token"].(string)
	at2, _ := second["access_token"].(string)
	require.NotEmpty(t, rt2, "the refresh token of a public client rotates: %v", second)
	require.NotEqual(t, rt1, rt2, "the refresh token rotates")
	assert.NotEqual(t, http.StatusUnauthorized, c.resource(b, at2), "the new access token at the other replica's resource")

	status, body := c.token(a, cl, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt1}})
	require.Equal(t, http.StatusBadRequest, status, "the replay: %v", body)
	status, body = c.token(b, cl, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt2}})
	assert.Equal(t, http.StatusBadRequest, status, "the newest refresh token after the replay, at the other replica: %v", body)
	assert.Equal(t, http.StatusUnauthorized, c.resource(b, at2), "the access token after the replay, at the other replica")
}

// resource presents token to the demo protected resource of the replica
// at, and returns the status.
func (c *cluster) resource(at, token string) int {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, at+"/mcp", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	status, _, _ := do(c.t, noRedirects, req)
	return status
}

var hidden = regexp.MustCompile(`name="(request|csrf_token)" value="([^"]*)"`)

func formOf(body []byte) url.Values {
	f := url.Values{}
	for _, m := range hidden.FindAllSubmatch(body, -1) {
		f.Set(string(m[1]), string(m[2]))
	}
	return f
}

// TestLoginAndConsentAcrossReplicas: a person's browser goes through the
// proxy, so each step of the authorization (the request, the login page,
// the login, the consent page, the consent) is served by the other replica
// than the step before: the sealed pending request, session and CSRF
// tokens of one are accepted by the other. The state is stateless; only
// the completion of the request (single use) is in the store.
func TestLoginAndConsentAcrossReplicas(t *testing.T) {
	c := newCluster(t, server.ConsentForm)
	cl := c.register(c.issuer)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar, CheckRedirect: noRedirects.CheckRedirect}
	get := func(u string) (int, []byte, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		return do(t, browser, req)
	}
	post := func(u string, f url.Values) (int, []byte, http.Header) {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, browser, req)
	}
	before := [2]int64{c.served[0].Load(), c.served[1].Load()}
	verifier, q := pkce(cl)
	status, body, h := get(c.issuer + "/authorize?" + q.Encode())
	require.Equal(t, http.StatusFound, status, "%s", body)
	status, body, _ = get(h.Get("Location"))
	require.Equal(t, http.StatusOK, status, "login page: %s", body)
	f := formOf(body)
	f.Set("username", "alice")
	f.Set("password", "wonderland")
	status, body, h = post(c.issuer+"/login", f)
	require.Equal(t, http.StatusSeeOther, status, "login: %s", body)
	status, body, _ = get(h.Get("Location"))
	require.Equal(t, http.StatusOK, status, "consent page: %s", body)
	f = formOf(body)
	f.Set("decision", "allow")
	status, body, h = post(c.issuer+"/consent", f)
	require.Equal(t, http.StatusSeeOther, status, "consent: %s", body)
	loc, err := url.Parse(h.Get("Location"))
	require.NoError(t, err)
	code := loc.Query().Get("code")
	require.NotEmpty(t, code, "%s", loc)
	for i := range c.served {
		assert.GreaterOrEqual(t, c.served[i].Load()-before[i], int64(2), "replica %d served steps of the flow", i)
	}

	status, tok := c.token(c.issuer, cl, redeem(code, verifier))
	assert.Equal(t, http.StatusOK, status, "%v", tok)
	// The consent, once given, completes once: posting it again at the
	// other replica is refused.
	status, body, h = post(c.issuer+"/consent", f)
	loc, _ = url.Parse(h.Get("Location"))
	assert.False(t, status == http.StatusSeeOther && loc != nil && loc.Query().Get("code") != "",
		"a consent replayed at the other replica issues no second code: %d %s %s", status, h.Get("Location"), body)
}

// otherResourcePath is the second resource of the cluster's servers.
const otherResourcePath = "/other-api"

// TestConformanceRoundRobin: the whole plan passes against the two
// replicas behind the round-robin proxy; only the checks that need a
// browser (TestLoginAndConsentAcrossReplicas plays the pages) and those
// that wait out a lifetime longer than a check's deadline are skipped.
// The reference server claims OAuth 2.1 and MCP 2025-06-18, so the checks
// of their rules run.
func TestConformanceRoundRobin(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole run")
	}
	// Secrets holding '+' for rfc6749-2.3.1-basic-raw-plus-refused (the
	// other tests send Basic credentials unencoded).
	c := newCluster(t, server.ConsentAuto, func(cfg *server.Config) { cfg.SecretsWithPlus = true })
	rep, err := conformance.Run(t.Context(), conformance.Options{Target: c.issuer, Browser: conformance.BrowserOff,
		Claims: []vocab.Profile{vocab.ProfileOAuth21, vocab.ProfileMCP0618},
		Config: &target.Config{Resource: c.srv.ResourceURL(), ScopedResource: c.srv.ScopedResourceURL(), OtherResource: c.issuer + otherResourcePath}})
	require.NoError(t, err)
	require.Empty(t, rep.Aborted)
	var failed []string
	pass := 0
	for _, r := range rep.Results {
		switch r.Status {
		case suite.Pass:
			pass++
		case suite.Fail, suite.Error, suite.Warn:
			failed = append(failed, fmt.Sprintf("%s %s: %s", r.ID, r.Status, r.Message))
		}
	}
	assert.Empty(t, failed, "the reference server behind a round-robin of two replicas")
	assert.Greater(t, pass, 150, "checks passed")
	assert.Positive(t, c.served[0].Load())
	assert.Positive(t, c.served[1].Load())
	for _, r := range rep.Results {
		// Besides the browser's checks, the checks that wait out an hour,
		// those of TLS versions and https endpoints (the replicas serve
		// http on loopback), those of OAuth 2.1 clients (the servers
		// treat theirs as OAuth 2.0 clients) and that of signed Request
		// Objects (the server supports none) SKIP.
		if r.Status == suite.Skip && !strings.Contains(r.Message, "--check-timeout") && !strings.Contains(r.Message, "is not an https URL") &&
			!strings.Contains(r.Message, "oauth21_clients") && !strings.Contains(r.Message, "http on a loopback address") &&
			!strings.Contains(r.Message, "requires signed Request Objects") {
			assert.Contains(t, r.Message, "requires browser", "%s is skipped", r.ID)
		}
	}
	t.Logf("%d checks, %d PASS; requests per replica: %d, %d", len(rep.Results), pass, c.served[0].Load(), c.served[1].Load())
}
