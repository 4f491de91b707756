package server_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
)

func ccForm() url.Values { return url.Values{"grant_type": {"client_credentials"}} }

func TestToken_ClientCredentials_BasicAndPost(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)

	r := e.postForm("/token", ccForm(), c.ID, c.Secret)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, "Bearer", m["token_type"])
	assert.NotEmpty(t, m["access_token"])
	assert.Nil(t, m["refresh_token"], "client_credentials must not issue refresh tokens")
	assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
	assert.Equal(t, "no-cache", r.header.Get("Pragma"))

	f := ccForm()
	f.Set("client_id", c.ID)
	f.Set("client_secret", c.Secret)
	r = e.postForm("/token", f)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestToken_BasicCredentialsAreFormURLDecoded(t *testing.T) {
	secret := "s3cr+t/with:colon%and space"
	id := "client id+/:%"
	e := newEnv(t, server.Config{Clients: []server.StaticClient{{ID: id, Secret: secret,
		Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}, ResponseTypes: []string{}}}}})

	r := e.postForm("/token", ccForm(), id, secret) // postForm form-url-encodes both
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	// Without encoding, "+" means space and "%an" is malformed: rejected.
	req, _ := http.NewRequest(http.MethodPost, e.issuer+"/token", strings.NewReader(ccForm().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(id+":"+secret)))
	r = e.do(req)
	assert.Equal(t, http.StatusUnauthorized, r.status)

	// Every octet percent-encoded is still the same credential.
	enc := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[s[i]>>4])+string("0123456789abcdef"[s[i]&15])))
		}
		return b.String()
	}
	req, _ = http.NewRequest(http.MethodPost, e.issuer+"/token", strings.NewReader(ccForm().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(enc(id)+":"+enc(secret))))
	r = e.do(req)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestToken_InvalidClient(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	cases := map[string]*resp{
		"wrong secret":   e.postForm("/token", ccForm(), c.ID, "wrong"),
		"unknown client": e.postForm("/token", ccForm(), "nobody", "x"),
		"no auth":        e.postForm("/token", ccForm()),
		"confidential without secret": e.postForm("/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {c.ID}}),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, http.StatusUnauthorized, r.status)
			assert.Equal(t, "invalid_client", r.json(t)["error"])
			assert.Contains(t, r.header.Get("WWW-Authenticate"), "Basic")
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
		})
	}
}

func TestToken_ConflictingAuthentication(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	other := e.register(nil)
	f := ccForm()
	f.Set("client_secret", c.Secret)
	r := e.postForm("/token", f, c.ID, c.Secret)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "invalid_request", r.json(t)["error"])

	f = ccForm()
	f.Set("client_id", other.ID)
	r = e.postForm("/token", f, c.ID, c.Secret)
	assert.Equal(t, "invalid_request", r.json(t)["error"])

	f = ccForm()
	f.Set("client_id", c.ID) // same client_id in the body is fine
	r = e.postForm("/token", f, c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestToken_RequestErrors(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	r := e.postForm("/token", url.Values{"grant_type": {"password"}, "username": {"a"}, "password": {"b"}}, c.ID, c.Secret)
	assert.Equal(t, "unsupported_grant_type", r.json(t)["error"])
	r = e.postForm("/token", url.Values{}, c.ID, c.Secret)
	assert.Equal(t, "invalid_request", r.json(t)["error"])

	r = e.sendJSON(http.MethodPost, "/token", map[string]string{"grant_type": "client_credentials"}, "")
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = e.get("/token")
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "POST", r.header.Get("Allow"))

	f := ccForm()
	f.Add("scope", "read")
	f.Add("scope", "write")
	r = e.postForm("/token", f, c.ID, c.Secret)
	assert.Equal(t, "invalid_request", r.json(t)["error"], "duplicate parameters")

	f = ccForm()
	f.Set("scope", "admin")
	r = e.postForm("/token", f, c.ID, c.Secret)
	assert.Equal(t, "invalid_scope", r.json(t)["error"])

	pub := e.publicClient()
	r = e.postForm("/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {pub.ID}})
	assert.Equal(t, "unauthorized_client", r.json(t)["error"])
}

func TestToken_AuthorizationCodeFlow(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}, "scope": {"read write"}})
	assert.Equal(t, "read write", tok["scope"])
	assert.NotEmpty(t, tok["refresh_token"])
	r := e.callResource(tok["access_token"].(string))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "alice", r.json(t)["subject"])
}

func TestToken_CodeReplayRevokesTokens(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	p := newPKCE()
	code := e.code(c, p, url.Values{"resource": {e.srv.ResourceURL()}})
	r := e.exchange(c, code, p, nil)
	require.Equal(t, http.StatusOK, r.status)
	at := r.json(t)["access_token"].(string)
	rt := r.json(t)["refresh_token"].(string)
	require.Equal(t, http.StatusOK, e.callResource(at).status)

	r = e.exchange(c, code, p, nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "invalid_grant", r.json(t)["error"])
	assert.Equal(t, http.StatusUnauthorized, e.callResource(at).status, "access token must be revoked after code replay")
	r = e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, c.ID, c.Secret)
	assert.Equal(t, "invalid_grant", r.json(t)["error"], "refresh token must be revoked after code replay")
}

func TestToken_CodeBindings(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	other := e.register(nil)
	p := newPKCE()

	r := e.exchange(other, e.code(c, p, nil), p, nil)
	assert.Equal(t, "invalid_grant", r.json(t)["error"], "code redeemed by another client")

	r = e.exchange(c, e.code(c, p, nil), p, url.Values{"redirect_uri": {"http://127.0.0.1:8765/other"}})
	assert.Equal(t, "invalid_grant", r.json(t)["error"], "redirect_uri differs")

	code := e.code(c, p, nil)
	r = e.postForm("/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"code_verifier": {p.verifier}}, c.ID, c.Secret)
	assert.Equal(t, "invalid_grant", r.json(t)["error"], "redirect_uri omitted although sent at authorize")

	r = e.exchange(c, "not-a-code", p, nil)
	assert.Equal(t, "invalid_grant", r.json(t)["error"])
}

func TestToken_PKCE(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	p := newPKCE()
	cases := []struct {
		name  string
		extra url.Values
		want  string
	}{
		{"wrong verifier", url.Values{"code_verifier": {strings.Repeat("a", 43)}}, "invalid_grant"},
		{"missing verifier", url.Values{"code_verifier": nil}, "invalid_grant"},
		{"short verifier", url.Values{"code_verifier": {"abc"}}, "invalid_grant"},
		{"bad characters", url.Values{"code_verifier": {strings.Repeat("a", 42) + "!"}}, "invalid_grant"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code := e.code(c, p, nil)
			f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect}}
			for k, v := range tc.extra {
				if v != nil {
					f[k] = v
				}
			}
			r := e.postForm("/token", f, c.ID, c.Secret)
			assert.Equal(t, tc.want, r.json(t)["error"])
		})
	}
	// Codes without a challenge exist only where confidential clients may
	// leave PKCE out.
	lax := newEnv(t, server.Config{Variants: []server.Variant{server.VariantPKCEOptionalConfidential}})
	lc := lax.register(nil)
	t.Run("downgrade: verifier without challenge", func(t *testing.T) {
		code := lax.code(lc, p, url.Values{"code_challenge": {""}, "code_challenge_method": {""}})
		r := lax.exchange(lc, code, p, nil)
		assert.Equal(t, "invalid_grant", r.json(t)["error"])
	})
	t.Run("confidential client without PKCE", func(t *testing.T) {
		code := lax.code(lc, p, url.Values{"code_challenge": {""}, "code_challenge_method": {""}})
		f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {lc.Redirect}}
		r := lax.postForm("/token", f, lc.ID, lc.Secret)
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	})
}

func TestToken_ResourceIndicators(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	res := e.srv.ResourceURL()

	tok := e.tokens(c, nil)
	r := e.callResource(tok["access_token"].(string))
	assert.Equal(t, http.StatusUnauthorized, r.status, "token without audience must be refused by the resource")
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `error="invalid_token"`)

	p := newPKCE()
	code := e.code(c, p, url.Values{"resource": {res}})
	r = e.exchange(c, code, p, url.Values{"resource": {"https://elsewhere.example/api"}})
	assert.Equal(t, "invalid_target", r.json(t)["error"])

	f := ccForm()
	f.Set("resource", "relative/path")
	assert.Equal(t, "invalid_target", e.postForm("/token", f, c.ID, c.Secret).json(t)["error"])
	f.Set("resource", res+"#frag")
	assert.Equal(t, "invalid_target", e.postForm("/token", f, c.ID, c.Secret).json(t)["error"])
	f.Set("resource", res)
	r = e.postForm("/token", f, c.ID, c.Secret)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, http.StatusOK, e.callResource(r.json(t)["access_token"].(string)).status)
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
}

func TestToken_RefreshPublicClientRotates(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.publicClient()
	tok := e.tokens(c, url.Values{"scope": {"read write"}})
	rt1 := tok["refresh_token"].(string)

	f := refreshForm(rt1)
	f.Set("client_id", c.ID)
	r := e.postForm("/token", f)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	rt2 := r.json(t)["refresh_token"].(string)
	require.NotEqual(t, rt1, rt2)

	f.Set("scope", "read") // narrowing is fine
	f.Set("refresh_token", rt2)
	r = e.postForm("/token", f)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "read", r.json(t)["scope"])
	rt3 := r.json(t)["refresh_token"].(string)

	f.Del("scope")
	f.Set("refresh_token", rt1) // replay of a rotated token revokes the family
	assert.Equal(t, "invalid_grant", e.postForm("/token", f).json(t)["error"])
	f.Set("refresh_token", rt3)
	assert.Equal(t, "invalid_grant", e.postForm("/token", f).json(t)["error"], "family must be revoked")
}

func TestToken_RefreshConfidential(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(map[string]any{"scope": "read write"})
	other := e.register(nil)
	tok := e.tokens(c, url.Values{"scope": {"read"}})
	rt := tok["refresh_token"].(string)

	f := refreshForm(rt)
	f.Set("scope", "read write")
	assert.Equal(t, "invalid_scope", e.postForm("/token", f, c.ID, c.Secret).json(t)["error"], "scope widening")
	assert.Equal(t, "invalid_grant", e.postForm("/token", refreshForm(rt), other.ID, other.Secret).json(t)["error"], "other client")
	for i := 0; i < 2; i++ { // not rotated: usable again
		r := e.postForm("/token", refreshForm(rt), c.ID, c.Secret)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Nil(t, r.json(t)["refresh_token"])
	}
}

func TestToken_CodeExpires(t *testing.T) {
	now := fixedClock()
	e := newEnv(t, server.Config{Now: now.Now})
	c := e.register(nil)
	p := newPKCE()
	code := e.code(c, p, nil)
	now.Advance(61e9)
	assert.Equal(t, "invalid_grant", e.exchange(c, code, p, nil).json(t)["error"])
}
