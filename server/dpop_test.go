package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite/dpop"
)

// dpopPost posts form to path with a DPoP proof made by k from p (Method
// and URL filled in).
func (e *env) dpopPost(path string, form url.Values, k *dpop.Key, p dpop.Proof) *resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.abs(path), strings.NewReader(form.Encode()))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p.Method == "" {
		p.Method = http.MethodPost
	}
	if p.URL == "" {
		p.URL = e.abs(path)
	}
	proof, err := k.Sign(p)
	require.NoError(e.t, err)
	req.Header.Set("DPoP", proof)
	return e.do(req)
}

func (e *env) dpopResource(tok string, k *dpop.Key, p dpop.Proof) *resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.abs("/mcp"), nil)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "DPoP "+tok)
	if p.Method == "" {
		p.Method = http.MethodGet
	}
	if p.URL == "" {
		p.URL = e.abs("/mcp")
	}
	if p.AccessToken == "" {
		p.AccessToken = tok
	}
	proof, err := k.Sign(p)
	require.NoError(e.t, err)
	req.Header.Set("DPoP", proof)
	return e.do(req)
}

func newKey(t *testing.T, alg string) *dpop.Key {
	k, err := dpop.NewKey(alg)
	require.NoError(t, err)
	return k
}

func (e *env) redeemForm(c *client, code string, p pkce) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect},
		"code_verifier": {p.verifier}, "client_id": {c.ID}}
}

// noNonce is a server that asks for no DPoP nonce.
var noNonce = server.Config{Variants: []server.Variant{server.VariantDPoPNoNonce}}

func TestDPoP_TokenAndResource(t *testing.T) {
	e := newEnv(t, noNonce)
	assert.Contains(t, e.get("/.well-known/oauth-authorization-server").json(t)["dpop_signing_alg_values_supported"], "ES256")
	c, p, k := e.publicClient(), newPKCE(), newKey(t, "ES256")

	r := e.dpopPost("/token", e.redeemForm(c, e.code(c, p, url.Values{"resource": {e.abs("/mcp")}}), p), k, dpop.Proof{})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, "DPoP", m["token_type"])
	at, rt := m["access_token"].(string), m["refresh_token"].(string)

	ok := e.dpopResource(at, k, dpop.Proof{})
	assert.Equal(t, http.StatusOK, ok.status, "%s %s", ok.header, ok.body)
	bearer := e.get("/mcp", "Authorization", "Bearer "+at)
	assert.Equal(t, http.StatusUnauthorized, bearer.status, "a bound token used as bearer")
	for name, p := range map[string]dpop.Proof{
		"ath":   {ATH: dpop.ATH("another token")},
		"htu":   {URL: e.abs("/mcp/elsewhere")},
		"htm":   {Method: http.MethodPost},
		"other": {},
	} {
		key := k
		if name == "other" {
			key = newKey(t, "ES256")
		}
		r := e.dpopResource(at, key, p)
		assert.Equal(t, http.StatusUnauthorized, r.status, name)
		assert.True(t, strings.HasPrefix(r.header.Get("WWW-Authenticate"), "DPoP "), name)
	}

	// The refresh token is bound to k.
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {c.ID}}
	r = e.dpopPost("/token", refresh, newKey(t, "ES256"), dpop.Proof{})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "invalid_dpop_proof", r.json(t)["error"])
	assert.Equal(t, http.StatusBadRequest, e.postForm("/token", refresh).status, "a refresh without a proof")
	r = e.dpopPost("/token", refresh, k, dpop.Proof{})
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestDPoP_ProofsRefused(t *testing.T) {
	e := newEnv(t, noNonce)
	c, p, k := e.publicClient(), newPKCE(), newKey(t, "ES256")
	replayed, err := k.Sign(dpop.Proof{Method: "POST", URL: e.abs("/token")})
	require.NoError(t, err)
	code := e.code(c, p, nil)
	for name, bad := range map[string]dpop.Proof{
		"htm":       {Method: http.MethodGet},
		"htu":       {URL: e.abs("/other")},
		"typ":       {Typ: "JWT"},
		"iat":       {IssuedAt: time.Now().Add(-time.Hour)},
		"future":    {IssuedAt: time.Now().Add(time.Hour)},
		"private":   {PrivateJWK: true},
		"none":      {AlgNone: true},
		"signature": {BadSignature: true},
	} {
		r := e.dpopPost("/token", e.redeemForm(c, code, p), k, bad)
		assert.Equal(t, http.StatusBadRequest, r.status, name)
		assert.Equal(t, "invalid_dpop_proof", r.json(t)["error"], name)
	}
	// The proofs refused did not burn the code; a query in htu is ignored.
	r := e.dpopPost("/token", e.redeemForm(c, code, p), k, dpop.Proof{URL: e.abs("/token?x=1")})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	req, err := http.NewRequest(http.MethodPost, e.abs("/token"), strings.NewReader(e.redeemForm(c, e.code(c, p, nil), p).Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("DPoP", replayed)
	require.Equal(t, http.StatusOK, e.do(req).status)
	req, err = http.NewRequest(http.MethodPost, e.abs("/token"), strings.NewReader(e.redeemForm(c, e.code(c, p, nil), p).Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("DPoP", replayed)
	assert.Equal(t, http.StatusBadRequest, e.do(req).status, "a replayed proof")
}

func TestDPoP_JKTAndNonce(t *testing.T) {
	e := newEnv(t, server.Config{})
	c, p, k := e.publicClient(), newPKCE(), newKey(t, "ES256")
	code := e.code(c, p, url.Values{"dpop_jkt": {k.JKT}})
	r := e.dpopPost("/token", e.redeemForm(c, code, p), k, dpop.Proof{})
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "use_dpop_nonce", r.json(t)["error"])
	nonce := r.header.Get("DPoP-Nonce")
	require.NotEmpty(t, nonce)
	r = e.dpopPost("/token", e.redeemForm(c, code, p), k, dpop.Proof{Nonce: nonce + "x"})
	assert.Equal(t, "use_dpop_nonce", r.json(t)["error"])
	r = e.dpopPost("/token", e.redeemForm(c, code, p), newKey(t, "ES256"), dpop.Proof{Nonce: nonce})
	assert.Equal(t, http.StatusBadRequest, r.status, "a proof of another key than dpop_jkt")
	r = e.dpopPost("/token", e.redeemForm(c, code, p), k, dpop.Proof{Nonce: nonce})
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestDPoP_AlgsRSA(t *testing.T) {
	e := newEnv(t, server.Config{Variants: []server.Variant{server.VariantDPoPAlgsRSA, server.VariantDPoPNoNonce}})
	algs := e.get("/.well-known/oauth-authorization-server").json(t)["dpop_signing_alg_values_supported"]
	assert.Equal(t, []any{"PS256", "RS256"}, algs)
	c, p := e.publicClient(), newPKCE()
	code := e.code(c, p, nil)
	assert.Equal(t, http.StatusBadRequest, e.dpopPost("/token", e.redeemForm(c, code, p), newKey(t, "ES256"), dpop.Proof{}).status)
	assert.Equal(t, http.StatusOK, e.dpopPost("/token", e.redeemForm(c, code, p), newKey(t, "PS256"), dpop.Proof{}).status)
}
