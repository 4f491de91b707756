package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
)

// direct is a server called in process, with the source address of each
// request chosen by the test.
type direct struct {
	t   *testing.T
	srv *server.Server
	h   http.Handler
	iss string
}

func newDirect(t *testing.T, cfg server.Config) *direct {
	t.Helper()
	cfg.Issuer = "http://127.0.0.1:9000"
	if cfg.Consent == "" {
		cfg.Consent = server.ConsentAuto
	}
	srv, err := server.New(cfg)
	require.NoError(t, err)
	return &direct{t: t, srv: srv, h: srv.Handler(), iss: cfg.Issuer}
}

func (d *direct) do(from string, req *http.Request) *httptest.ResponseRecorder {
	req.RemoteAddr = from
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	return rec
}

// register registers a confidential client (with client_credentials) from
// the source address from.
func (d *direct) register(from string, md map[string]any) *httptest.ResponseRecorder {
	body := map[string]any{"redirect_uris": []string{"http://127.0.0.1:8765/cb"},
		"grant_types": []string{"authorization_code", "client_credentials"}}
	for k, v := range md {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, d.iss+"/register", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	return d.do(from, req)
}

type registered struct{ id, secret string }

func (d *direct) mustRegister(from string) registered {
	d.t.Helper()
	rec := d.register(from, nil)
	require.Equal(d.t, http.StatusCreated, rec.Code, "%s", rec.Body)
	var m map[string]any
	require.NoError(d.t, json.Unmarshal(rec.Body.Bytes(), &m))
	return registered{id: m["client_id"].(string), secret: m["client_secret"].(string)}
}

// token asks for a client_credentials token.
func (d *direct) token(from string, c registered) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, d.iss+"/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.id, c.secret)
	return d.do(from, req)
}

func errorCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &m), "%s", rec.Body)
	s, _ := m["error"].(string)
	return s
}

// TestLimits_RegistrationRatePerSource: registrations are rate-limited per
// source address (IPv6 by /64), with 429 and Retry-After beyond the burst.
func TestLimits_RegistrationRatePerSource(t *testing.T) {
	now := time.Now()
	d := newDirect(t, server.Config{Now: func() time.Time { return now },
		Limits: server.Limits{Registration: server.Rate{PerSecond: 1, Burst: 3}}})
	for i := range 3 {
		assert.Equal(t, http.StatusCreated, d.register("192.0.2.1:1000", nil).Code, "registration %d", i)
	}
	rec := d.register("192.0.2.1:2000", nil)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code, "beyond the burst, from another port of the same address")
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	assert.Equal(t, "temporarily_unavailable", errorCode(t, rec))
	assert.Equal(t, http.StatusCreated, d.register("192.0.2.2:1000", nil).Code, "another source")

	for i := range 3 {
		assert.Equal(t, http.StatusCreated, d.register(fmt.Sprintf("[2001:db8:1:2::%d]:1", i+1), nil).Code)
	}
	assert.Equal(t, http.StatusTooManyRequests, d.register("[2001:db8:1:2:ffff::9]:1", nil).Code, "the same /64")
	assert.Equal(t, http.StatusCreated, d.register("[2001:db8:1:3::1]:1", nil).Code, "another /64")

	now = now.Add(time.Second)
	assert.Equal(t, http.StatusCreated, d.register("192.0.2.1:1000", nil).Code, "a second later, one more")
	assert.Equal(t, http.StatusTooManyRequests, d.register("192.0.2.1:1000", nil).Code)
}

// TestLimits_TokenRatePerSource: token requests are rate-limited per
// source; the registration budget is separate.
func TestLimits_TokenRatePerSource(t *testing.T) {
	now := time.Now()
	d := newDirect(t, server.Config{Now: func() time.Time { return now },
		Limits: server.Limits{Token: server.Rate{PerSecond: 1, Burst: 2}}})
	c := d.mustRegister("192.0.2.1:1")
	assert.Equal(t, http.StatusOK, d.token("192.0.2.1:1", c).Code)
	assert.Equal(t, http.StatusOK, d.token("192.0.2.1:1", c).Code)
	rec := d.token("192.0.2.1:1", c)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
	assert.Equal(t, http.StatusOK, d.token("192.0.2.9:1", c).Code, "another source")
	assert.Equal(t, http.StatusCreated, d.register("192.0.2.1:1", nil).Code, "registration has its own budget")
}

// TestLimits_RateLimitsOff: Config.Limits can switch a rate limit off.
func TestLimits_RateLimitsOff(t *testing.T) {
	d := newDirect(t, server.Config{Limits: server.Limits{Registration: server.NoRateLimit, Token: server.NoRateLimit}})
	c := d.mustRegister("192.0.2.1:1")
	for i := range 3000 {
		if rec := d.token("192.0.2.1:1", c); rec.Code != http.StatusOK {
			t.Fatalf("token %d: %d %s", i, rec.Code, rec.Body)
		}
	}
}

// TestLimits_MetadataSize: a client's stored metadata is at most
// MaxClientMetadataBytes, at registration and at update.
func TestLimits_MetadataSize(t *testing.T) {
	d := newDirect(t, server.Config{})
	contacts := make([]string, 30)
	for i := range contacts {
		contacts[i] = fmt.Sprintf("%d-%s@example.com", i, strings.Repeat("x", 300))
	}
	rec := d.register("192.0.2.1:1", map[string]any{"contacts": contacts})
	assert.Equal(t, http.StatusBadRequest, rec.Code, "%d bytes of contacts", 30*320)
	assert.Equal(t, "invalid_client_metadata", errorCode(t, rec))
	assert.Equal(t, http.StatusCreated, d.register("192.0.2.1:1", map[string]any{"contacts": contacts[:5]}).Code)
}

// TestLimits_ClientCapEvictsUnused: at MaxClients, a registration evicts
// the client that expires first among those never used; used and static
// clients stay, and when only they remain registration is refused (503).
func TestLimits_ClientCapEvictsUnused(t *testing.T) {
	now := time.Now()
	d := newDirect(t, server.Config{Now: func() time.Time { return now }, Limits: server.Limits{MaxClients: 4},
		Clients: []server.StaticClient{{ID: "static", Secret: "s", Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}}}}})
	ctx := t.Context()
	var cs []registered
	for range 3 {
		cs = append(cs, d.mustRegister("192.0.2.1:1"))
		now = now.Add(time.Second)
	}
	require.Equal(t, http.StatusOK, d.token("192.0.2.1:1", cs[0]).Code, "cs[0] is used")
	fourth := d.mustRegister("192.0.2.1:1") // evicts cs[1], the oldest unused
	_, err := d.srv.Store().GetClient(ctx, cs[1].id)
	assert.ErrorIs(t, err, store.ErrNotFound, "the oldest unused client is evicted")
	for _, id := range []string{"static", cs[0].id, cs[2].id, fourth.id} {
		_, err := d.srv.Store().GetClient(ctx, id)
		assert.NoError(t, err, id)
	}
	for _, c := range []registered{cs[2], fourth} {
		require.Equal(t, http.StatusOK, d.token("192.0.2.1:1", c).Code)
	}
	rec := d.register("192.0.2.1:1", nil)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "every client is used or static: %s", rec.Body)
	assert.Equal(t, "temporarily_unavailable", errorCode(t, rec))
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
}

// TestLimits_UnusedClientsExpire: a dynamically registered client that
// never obtains a token is forgotten after UnusedClientTTL; a used one
// lives on while it keeps being used (IdleClientTTL).
func TestLimits_UnusedClientsExpire(t *testing.T) {
	now := time.Now()
	d := newDirect(t, server.Config{Now: func() time.Time { return now }})
	unused, used := d.mustRegister("192.0.2.1:1"), d.mustRegister("192.0.2.1:1")
	require.Equal(t, http.StatusOK, d.token("192.0.2.1:1", used).Code)

	now = now.Add(server.DefaultLimits.UnusedClientTTL + time.Minute)
	assert.Equal(t, http.StatusUnauthorized, d.token("192.0.2.1:1", unused).Code, "the unused client is gone")
	assert.Equal(t, http.StatusOK, d.token("192.0.2.1:1", used).Code, "the used client is not")

	now = now.Add(server.DefaultLimits.IdleClientTTL - time.Hour)
	assert.Equal(t, http.StatusOK, d.token("192.0.2.1:1", used).Code, "used again before it went idle")
	now = now.Add(server.DefaultLimits.IdleClientTTL + time.Minute)
	assert.Equal(t, http.StatusUnauthorized, d.token("192.0.2.1:1", used).Code, "idle too long")
}

// TestLimits_TokensPerClientAndGrant: a client holds at most
// MaxClientTokens tokens and the store at most MaxTokens; a refresh grant
// at most MaxGrantTokens.
func TestLimits_TokensPerClientAndGrant(t *testing.T) {
	d := newDirect(t, server.Config{Limits: server.Limits{MaxClientTokens: 3, MaxTokens: 5}})
	a, b := d.mustRegister("192.0.2.1:1"), d.mustRegister("192.0.2.1:1")
	for range 3 {
		require.Equal(t, http.StatusOK, d.token("192.0.2.1:1", a).Code)
	}
	rec := d.token("192.0.2.1:1", a)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code, "a fourth token for a: %s", rec.Body)
	assert.Equal(t, "temporarily_unavailable", errorCode(t, rec))
	require.Equal(t, http.StatusOK, d.token("192.0.2.1:1", b).Code)
	require.Equal(t, http.StatusOK, d.token("192.0.2.1:1", b).Code)
	rec = d.token("192.0.2.1:1", b)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "the store is full: %s", rec.Body)

	// A refresh grant of a confidential client: each refresh adds an
	// access token to the grant.
	e := newEnv(t, server.Config{Limits: server.Limits{MaxGrantTokens: 4}})
	c := e.register(nil)
	tok := e.tokens(c, nil) // an access and a refresh token: 2 of 4
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}
	for range 2 {
		r := e.postForm("/token", form, c.ID, c.Secret)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	}
	r := e.postForm("/token", form, c.ID, c.Secret)
	assert.Equal(t, http.StatusTooManyRequests, r.status, "a fifth token in the grant: %s", r.body)
}

// TestLimits_CodesPerClient: a client holds at most MaxClientCodes codes;
// beyond, the authorization request is answered temporarily_unavailable
// (RFC 6749 §4.1.2.1).
func TestLimits_CodesPerClient(t *testing.T) {
	e := newEnv(t, server.Config{Limits: server.Limits{MaxClientCodes: 2}})
	c := e.register(nil)
	e.code(c, newPKCE(), nil)
	e.code(c, newPKCE(), nil)
	r := e.get(e.authorizeURL(c, newPKCE(), nil))
	require.Equal(t, http.StatusFound, r.status)
	assert.Equal(t, "temporarily_unavailable", r.location(t).Query().Get("error"))
	assert.Equal(t, "st-123", r.location(t).Query().Get("state"))
}
