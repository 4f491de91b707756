package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

func TestResource_BearerHeaderSyntax(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})["access_token"].(string)

	for _, authz := range []string{"Bearer " + tok, "bearer " + tok, "BEARER " + tok, "Bearer   " + tok} {
		assert.Equal(t, http.StatusOK, e.get("/mcp", "Authorization", authz).status, "Authorization: %.10s…", authz)
	}
	r := e.get("/mcp", "Authorization", "Bearer "+tok+" extra")
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `error="invalid_request"`)
	r = e.get("/mcp", "Authorization", "Basic YTpi")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.NotContains(t, r.header.Get("WWW-Authenticate"), "error=", "another scheme is a request without bearer credentials")
	r = e.get("/mcp", "Authorization", "Bearer unknown")
	assert.Equal(t, 1, strings.Count(r.header.Get("WWW-Authenticate"), "scope="))
	assert.NotContains(t, r.header.Get("WWW-Authenticate"), `\"`)
}

func TestResource_ScopedPath(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	res := e.srv.ResourceURL()
	read := e.tokens(c, url.Values{"resource": {res}, "scope": {"read"}})["access_token"].(string)
	r := e.get(e.srv.ScopedResourceURL(), "Authorization", "Bearer "+read)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `scope="write"`)

	write := e.tokens(c, url.Values{"resource": {res}, "scope": {"read write"}})["access_token"].(string)
	assert.Equal(t, http.StatusOK, e.get(e.srv.ScopedResourceURL(), "Authorization", "Bearer "+write).status)
	assert.Equal(t, http.StatusUnauthorized, e.get(e.srv.ScopedResourceURL()).status)
}

func TestAuthorize_PKCEErrors(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	p := newPKCE()
	for name, extra := range map[string]url.Values{
		"unknown method":      {"code_challenge_method": {"S512"}},
		"default plain":       {"code_challenge_method": {""}},
		"padded challenge":    {"code_challenge": {p.challenge + "="}},
		"challenge too short": {"code_challenge": {p.challenge[:42]}},
	} {
		r := e.get(e.authorizeURL(c, p, extra))
		require.Equal(t, http.StatusFound, r.status, name)
		q := r.location(t).Query()
		assert.Equal(t, "invalid_request", q.Get("error"), name)
		assert.Equal(t, "st-123", q.Get("state"), name)
	}
	pub := e.publicClient()
	r := e.get(e.authorizeURL(pub, p, url.Values{"code_challenge": {""}, "code_challenge_method": {""}}))
	assert.Equal(t, "invalid_request", r.location(t).Query().Get("error"))
	r = e.get(e.authorizeURL(c, p, nil))
	assert.NotContains(t, r.header.Get("Location"), p.challenge, "the challenge is not echoed")
}

func TestToken_PKCEVerifierBounds(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	pair := func(v string) pkce {
		sum := sha256.Sum256([]byte(v))
		return pkce{verifier: v, challenge: base64.RawURLEncoding.EncodeToString(sum[:])}
	}
	all := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
	long := all + strings.Repeat("~", 128-len(all))
	ok := pair(long)
	assert.Equal(t, http.StatusOK, e.exchange(c, e.code(c, ok, nil), ok, nil).status, "128 characters, every unreserved one")
	tooLong := pair(long + "a")
	assert.Equal(t, "invalid_grant", e.exchange(c, e.code(c, tooLong, nil), tooLong, nil).json(t)["error"])
	p := newPKCE()
	padded := pkce{verifier: p.verifier + "=", challenge: p.challenge}
	assert.Equal(t, "invalid_grant", e.exchange(c, e.code(c, p, nil), padded, nil).json(t)["error"])
	asPlain := pkce{verifier: p.challenge, challenge: p.challenge}
	assert.Equal(t, "invalid_grant", e.exchange(c, e.code(c, p, nil), asPlain, nil).json(t)["error"])
	swapped := pkce{verifier: p.verifier, challenge: strings.ToUpper(p.challenge[:1]) + p.challenge[1:]}
	if swapped.challenge != p.challenge {
		assert.Equal(t, "invalid_grant", e.exchange(c, e.code(c, swapped, nil), swapped, nil).json(t)["error"])
	}
}

func TestToken_ResourceAtEachSite(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	res := e.srv.ResourceURL()
	tok := e.tokens(c, url.Values{"resource": {res}})
	f := refreshForm(tok["refresh_token"].(string))
	f.Set("resource", "https://elsewhere.example/api")
	assert.Equal(t, "invalid_target", e.postForm("/token", f, c.ID, c.Secret).json(t)["error"])
	cc := ccForm()
	cc.Set("resource", "https://elsewhere.example/api")
	assert.Equal(t, "invalid_target", e.postForm("/token", cc, c.ID, c.Secret).json(t)["error"])
	r := e.get(e.authorizeURL(c, newPKCE(), url.Values{"resource": {"https://elsewhere.example/api"}}))
	assert.Equal(t, "invalid_target", r.location(t).Query().Get("error"))
}
