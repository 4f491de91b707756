package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// push pushes c's authorization request with extra parameters and returns
// the response.
func (e *env) push(c *client, p pkce, extra url.Values) *resp {
	e.t.Helper()
	f := url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {c.Redirect},
		"state": {"st-pushed"}, "code_challenge": {p.challenge}, "code_challenge_method": {"S256"}}
	for k, v := range extra {
		f[k] = v
	}
	if c.Secret == "" {
		return e.postForm("/par", f)
	}
	return e.postForm("/par", f, c.ID, c.Secret)
}

func (e *env) requestURI(c *client, p pkce) string {
	e.t.Helper()
	r := e.push(c, p, nil)
	require.Equal(e.t, http.StatusCreated, r.status, "push: %s", r.body)
	m := r.json(e.t)
	assert.Equal(e.t, float64(10), m["expires_in"])
	return m["request_uri"].(string)
}

func pushedURL(clientID, requestURI string) string {
	return "/authorize?" + url.Values{"client_id": {clientID}, "request_uri": {requestURI}}.Encode()
}

func TestPAR_Flow(t *testing.T) {
	e := newEnv(t, server.Config{})
	assert.Equal(t, e.issuer+"/par", e.get("/.well-known/oauth-authorization-server").json(t)["pushed_authorization_request_endpoint"])
	c := e.register(nil)
	p := newPKCE()
	ru := e.requestURI(c, p)
	r := e.get(pushedURL(c.ID, ru) + "&state=other")
	require.Equal(t, http.StatusFound, r.status, "authorize: %s", r.body)
	loc := r.location(t)
	assert.Equal(t, "st-pushed", loc.Query().Get("state"), "the pushed state wins")
	tok := e.exchange(c, loc.Query().Get("code"), p, nil)
	assert.Equal(t, http.StatusOK, tok.status, "token: %s", tok.body)

	// Single use.
	assert.Equal(t, http.StatusBadRequest, e.get(pushedURL(c.ID, ru)).status)
	// Bound to the client.
	other := e.register(nil)
	assert.Equal(t, http.StatusBadRequest, e.get(pushedURL(other.ID, e.requestURI(c, p))).status)
}

func TestPAR_Refusals(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	p := newPKCE()
	noAuth := e.postForm("/par", url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {c.Redirect}})
	assert.Equal(t, http.StatusUnauthorized, noAuth.status, "%s", noAuth.body)
	assert.Equal(t, "invalid_client", noAuth.json(t)["error"])
	bad := e.push(c, p, url.Values{"redirect_uri": {"http://127.0.0.1:9/elsewhere"}})
	assert.Equal(t, http.StatusBadRequest, bad.status)
	assert.Equal(t, "invalid_request", bad.json(t)["error"])
	assert.Equal(t, http.StatusBadRequest, e.push(c, p, url.Values{"request_uri": {"urn:x"}}).status)
	assert.Equal(t, http.StatusMethodNotAllowed, e.get("/par?client_id="+c.ID).status)
}

func TestPAR_Expires(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	e := newEnv(t, server.Config{Now: func() time.Time { return now }})
	c := e.register(nil)
	ru := e.requestURI(c, newPKCE())
	now = now.Add(11 * time.Second)
	assert.Equal(t, http.StatusBadRequest, e.get(pushedURL(c.ID, ru)).status)
}

func TestPAR_Required(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(map[string]any{"require_pushed_authorization_requests": true})
	assert.Equal(t, true, c.info["require_pushed_authorization_requests"])
	r := e.get(e.authorizeURL(c, newPKCE(), nil))
	require.Equal(t, http.StatusFound, r.status, "%s", r.body)
	assert.Equal(t, "invalid_request", r.location(t).Query().Get("error"))
	p := newPKCE()
	r = e.get(pushedURL(c.ID, e.requestURI(c, p)))
	assert.NotEmpty(t, r.location(t).Query().Get("code"))

	all := newEnv(t, server.Config{RequirePAR: true})
	assert.Equal(t, true, all.get("/.well-known/oauth-authorization-server").json(t)["require_pushed_authorization_requests"])
	plain := all.register(nil)
	assert.Equal(t, "invalid_request", all.get(all.authorizeURL(plain, newPKCE(), nil)).location(t).Query().Get("error"))

	v := newEnv(t, server.Config{Variants: []server.Variant{server.VariantPARRequired}})
	assert.Equal(t, true, v.get("/.well-known/oauth-authorization-server").json(t)["require_pushed_authorization_requests"])
	vc := v.register(nil)
	assert.Equal(t, "invalid_request", v.get(v.authorizeURL(vc, newPKCE(), nil)).location(t).Query().Get("error"))
	r = v.get(pushedURL(vc.ID, v.requestURI(vc, newPKCE())))
	assert.NotEmpty(t, r.location(t).Query().Get("code"), "a pushed request is served")
}

// TestPAR_DocumentClient: a client whose client_id is a metadata document
// URL can push its requests (it never sent a plain one, which a server
// that requires PAR refuses); a redirect_uri its document does not list is
// refused at the push.
func TestPAR_DocumentClient(t *testing.T) {
	const cb = "http://127.0.0.1:9/cb"
	doc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/client.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"client_id": "http://" + r.Host + r.URL.Path, "client_name": "doc",
			"redirect_uris": []string{cb}, "token_endpoint_auth_method": "none"})
	}))
	t.Cleanup(doc.Close)
	e := newEnv(t, server.Config{CIMD: server.CIMDLoopback, Variants: []server.Variant{server.VariantPARRequired}})
	c := &client{ID: doc.URL + "/client.json", Redirect: cb}
	p := newPKCE()
	r := e.push(c, p, nil)
	require.Equal(t, http.StatusCreated, r.status, "push: %s", r.body)
	loc := e.get(pushedURL(c.ID, r.json(t)["request_uri"].(string))).location(t)
	require.NotEmpty(t, loc.Query().Get("code"), "authorize: %s", loc)
	assert.Equal(t, http.StatusOK, e.exchange(c, loc.Query().Get("code"), p, nil).status)

	bad := e.push(c, p, url.Values{"redirect_uri": {"http://127.0.0.1:9/elsewhere"}})
	assert.Equal(t, http.StatusBadRequest, bad.status, "%s", bad.body)
	assert.Equal(t, "invalid_request", bad.json(t)["error"])
	gone := e.push(&client{ID: doc.URL + "/missing.json", Redirect: cb}, p, nil)
	assert.Equal(t, http.StatusUnauthorized, gone.status, "%s", gone.body)
	assert.Equal(t, "invalid_client", gone.json(t)["error"])
}
