package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

func TestRegister_DefaultsAndEcho(t *testing.T) {
	e := newEnv(t, server.Config{})
	r := e.sendJSON(http.MethodPost, "/register", map[string]any{
		"redirect_uris": []string{"https://app.example/cb"}, "client_name": "App",
		"x_vendor_extension": map[string]any{"a": 1}, "software_id": "sw-1",
	}, "")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, "client_secret_basic", m["token_endpoint_auth_method"])
	assert.Equal(t, []any{"authorization_code"}, m["grant_types"])
	assert.Equal(t, []any{"code"}, m["response_types"])
	assert.Equal(t, []any{"https://app.example/cb"}, m["redirect_uris"])
	assert.Equal(t, "App", m["client_name"])
	assert.Equal(t, "sw-1", m["software_id"])
	assert.NotContains(t, m, "x_vendor_extension", "unknown metadata is ignored")
	assert.EqualValues(t, 0, m["client_secret_expires_at"])
	assert.NotEmpty(t, m["client_secret"])
	assert.NotZero(t, m["client_id_issued_at"])
	assert.Equal(t, e.issuer+"/register/"+m["client_id"].(string), m["registration_client_uri"])
	assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
}

func TestRegister_PublicClientHasNoSecret(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.publicClient()
	assert.Empty(t, c.Secret)
	assert.NotContains(t, c.info, "client_secret_expires_at")
}

func TestRegister_Rejects(t *testing.T) {
	e := newEnv(t, server.Config{})
	cases := []struct {
		name string
		body map[string]any
		want string
	}{
		{"fragment", map[string]any{"redirect_uris": []string{"https://app.example/cb#x"}}, "invalid_redirect_uri"},
		{"http non-loopback", map[string]any{"redirect_uris": []string{"http://app.example/cb"}}, "invalid_redirect_uri"},
		{"relative", map[string]any{"redirect_uris": []string{"/cb"}}, "invalid_redirect_uri"},
		{"javascript", map[string]any{"redirect_uris": []string{"javascript:alert(1)"}}, "invalid_redirect_uri"},
		{"no redirect for code", map[string]any{}, "invalid_redirect_uri"},
		{"implicit", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "grant_types": []string{"implicit"}}, "invalid_client_metadata"},
		{"token response", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "response_types": []string{"token"}}, "invalid_client_metadata"},
		{"inconsistent", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "grant_types": []string{"authorization_code"}, "response_types": []string{}}, "invalid_client_metadata"},
		{"unknown auth method", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"},
		{"public client_credentials", map[string]any{"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "none"}, "invalid_client_metadata"},
		{"wrong type", map[string]any{"redirect_uris": "https://a.example/cb"}, "invalid_client_metadata"},
		{"unknown scope", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "scope": "admin"}, "invalid_client_metadata"},
		{"bad client_uri", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "client_uri": "javascript:x"}, "invalid_client_metadata"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.sendJSON(http.MethodPost, "/register", tc.body, "")
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Equal(t, tc.want, r.json(t)["error"], "%s", r.body)
		})
	}
	req, _ := http.NewRequest(http.MethodPost, e.issuer+"/register", nil)
	req.Header.Set("Content-Type", "application/json")
	assert.Equal(t, http.StatusBadRequest, e.do(req).status)
}

func TestRegister_NativeRedirects(t *testing.T) {
	e := newEnv(t, server.Config{})
	for _, u := range []string{"http://127.0.0.1/cb", "http://[::1]:3000/cb", "http://localhost:8080/cb", "com.example.app:/oauth2redirect"} {
		c := e.register(map[string]any{"redirect_uris": []string{u}, "token_endpoint_auth_method": "none",
			"grant_types": []string{"authorization_code"}})
		assert.Equal(t, []any{u}, c.info["redirect_uris"])
	}
	// A private-use scheme that is not a reverse domain name registers only
	// when the operator allows it.
	cursor := map[string]any{"redirect_uris": []string{"cursor://anysphere.cursor-retrieval/oauth/callback"},
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code"}}
	assert.Equal(t, http.StatusBadRequest, e.sendJSON(http.MethodPost, "/register", cursor, "").status)
	e = newEnv(t, server.Config{RedirectSchemes: []string{"Cursor"}})
	c := e.register(cursor)
	assert.Equal(t, []any{"cursor://anysphere.cursor-retrieval/oauth/callback"}, c.info["redirect_uris"])
	for _, bad := range []string{"javascript", "https", "view-source", "1x", ""} {
		_, err := server.New(server.Config{Issuer: "http://127.0.0.1:1", RedirectSchemes: []string{bad}})
		assert.Error(t, err, "%q", bad)
	}
}

func TestRegister_InitialAccessToken(t *testing.T) {
	e := newEnv(t, server.Config{InitialAccessToken: "iat-secret"})
	body := map[string]any{"redirect_uris": []string{"https://a.example/cb"}}
	r := e.sendJSON(http.MethodPost, "/register", body, "")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), "Bearer")
	assert.Equal(t, http.StatusUnauthorized, e.sendJSON(http.MethodPost, "/register", body, "wrong").status)
	assert.Equal(t, http.StatusCreated, e.sendJSON(http.MethodPost, "/register", body, "iat-secret").status)
}

func TestClientConfig_Lifecycle(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	other := e.register(nil)

	r := e.sendJSON(http.MethodGet, c.RegURI, nil, c.RegToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, c.ID, r.json(t)["client_id"])
	assert.Equal(t, "no-store", r.header.Get("Cache-Control"))

	for name, tok := range map[string]string{"none": "", "wrong": "nope", "other client's": other.RegToken} {
		r := e.sendJSON(http.MethodGet, c.RegURI, nil, tok)
		assert.Equal(t, http.StatusUnauthorized, r.status, name)
		assert.Contains(t, r.header.Get("WWW-Authenticate"), "Bearer", name)
	}

	upd := map[string]any{"client_id": c.ID, "redirect_uris": []string{"https://new.example/cb"},
		"grant_types": []string{"authorization_code", "client_credentials"}, "client_name": "Renamed"}
	r = e.sendJSON(http.MethodPut, c.RegURI, upd, c.RegToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "Renamed", r.json(t)["client_name"])
	assert.Equal(t, []any{"https://new.example/cb"}, r.json(t)["redirect_uris"])

	upd["client_id"] = "chosen-by-client"
	r = e.sendJSON(http.MethodPut, c.RegURI, upd, c.RegToken)
	assert.Equal(t, http.StatusBadRequest, r.status)
	upd["client_id"] = c.ID
	upd["client_secret"] = "my own secret"
	r = e.sendJSON(http.MethodPut, c.RegURI, upd, c.RegToken)
	assert.Equal(t, http.StatusBadRequest, r.status)
	delete(upd, "client_secret")
	delete(upd, "client_id")
	assert.Equal(t, http.StatusBadRequest, e.sendJSON(http.MethodPut, c.RegURI, upd, c.RegToken).status)

	r = e.sendJSON(http.MethodDelete, c.RegURI, nil, c.RegToken)
	assert.Equal(t, http.StatusNoContent, r.status)
	assert.Equal(t, http.StatusUnauthorized, e.sendJSON(http.MethodGet, c.RegURI, nil, c.RegToken).status)
	r = e.postForm("/token", url.Values{"grant_type": {"client_credentials"}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusUnauthorized, r.status, "deleted client is unusable")
}

func TestRevoke(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	other := e.register(nil)
	res := url.Values{"resource": {e.srv.ResourceURL()}}

	tok := e.tokens(c, res)
	at := tok["access_token"].(string)
	r := e.postForm("/revoke", url.Values{"token": {at}}, other.ID, other.Secret)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, http.StatusOK, e.callResource(at).status, "another client cannot revoke the token")

	r = e.postForm("/revoke", url.Values{"token": {at}, "token_type_hint": {"access_token"}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, http.StatusUnauthorized, e.callResource(at).status)

	r = e.postForm("/revoke", url.Values{"token": {"unknown"}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status)
	r = e.postForm("/revoke", url.Values{"token": {"unknown"}, "token_type_hint": {"weird"}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status)

	tok = e.tokens(c, res)
	r = e.postForm("/revoke", url.Values{"token": {tok["refresh_token"].(string)}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, http.StatusUnauthorized, e.callResource(tok["access_token"].(string)).status,
		"revoking the refresh token revokes its access tokens")

	r = e.postForm("/revoke", url.Values{"token": {"x"}}, c.ID, "wrong")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, "invalid_request", e.postForm("/revoke", url.Values{}, c.ID, c.Secret).json(t)["error"])
}

func TestIntrospect(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})
	r := e.postForm("/introspect", url.Values{"token": {tok["access_token"].(string)}}, c.ID, c.Secret)
	require.Equal(t, http.StatusOK, r.status)
	m := r.json(t)
	assert.Equal(t, true, m["active"])
	assert.Equal(t, []any{e.srv.ResourceURL()}, m["aud"])
	r = e.postForm("/introspect", url.Values{"token": {"nope"}}, c.ID, c.Secret)
	assert.Equal(t, false, r.json(t)["active"])
}

func TestMetadata(t *testing.T) {
	e := newEnv(t, server.Config{})
	r := e.get("/.well-known/oauth-authorization-server")
	require.Equal(t, http.StatusOK, r.status)
	m := r.json(t)
	assert.Equal(t, e.issuer, m["issuer"])
	assert.Equal(t, []any{"S256"}, m["code_challenge_methods_supported"])
	assert.Equal(t, e.issuer+"/register", m["registration_endpoint"])
	assert.ElementsMatch(t, []any{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}, m["token_endpoint_auth_methods_supported"])
	assert.NotEmpty(t, m["token_endpoint_auth_signing_alg_values_supported"], "RFC 8414 §2: required beside private_key_jwt")
	assert.NotEmpty(t, m["request_object_signing_alg_values_supported"], "Request Objects at the PAR endpoint")

	r = e.get("/.well-known/oauth-protected-resource/mcp")
	require.Equal(t, http.StatusOK, r.status)
	pm := r.json(t)
	assert.Equal(t, e.srv.ResourceURL(), pm["resource"])
	assert.Equal(t, []any{e.issuer}, pm["authorization_servers"])

	r = e.get("/mcp")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `resource_metadata="`+e.issuer+`/.well-known/oauth-protected-resource/mcp"`)
}

func TestMetadata_IssuerWithPath(t *testing.T) {
	var e *env
	e = newEnvWithPath(t, "/tenant/a")
	r := e.get(e.ts.URL + "/.well-known/oauth-authorization-server/tenant/a")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, e.issuer, m["issuer"])
	assert.Equal(t, e.issuer+"/token", m["token_endpoint"])
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})
	assert.Equal(t, http.StatusOK, e.callResource(tok["access_token"].(string)).status)
	r = e.get(e.ts.URL + "/.well-known/oauth-protected-resource/tenant/a/mcp")
	assert.Equal(t, http.StatusOK, r.status)
}
