package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// The variants of the pages, discovery and the issuer, and the protected
// resource: each test shows what the variant changes (the contract hook
// checks every response, as for the defaults).

func withVariants(cfg server.Config, v ...server.Variant) server.Config {
	cfg.Variants = v
	return cfg
}

func TestVariant_ConsentNone(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{Consent: server.ConsentForm}, server.VariantConsentNone))
	c := e.register(nil)
	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.NotEmpty(t, r.location(t).Query().Get("code"), "approved at login, no consent page")
	// Signed in, a new request (even prompt=consent) is approved at once.
	r = b.get(e.authorizeURL(c, newPKCE(), url.Values{"prompt": {"consent"}}))
	require.Equal(t, http.StatusFound, r.status)
	assert.NotEmpty(t, r.location(t).Query().Get("code"))
}

func TestVariant_ConsentEveryTime(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{Consent: server.ConsentForm}, server.VariantConsentEveryTime))
	c := e.register(nil)
	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	r = b.get(r.location(t).String())
	f := formFields(t, r.body)
	f.Set("decision", "allow")
	r = b.postForm("/consent", f)
	require.NotEmpty(t, r.location(t).Query().Get("code"))
	// The same request again: the consent page again.
	r = b.get(e.authorizeURL(c, newPKCE(), nil))
	require.Equal(t, http.StatusFound, r.status)
	assert.Equal(t, "/consent", r.location(t).Path)
}

func TestVariant_LoginTwoStep(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{Consent: server.ConsentForm}, server.VariantLoginTwoStep))
	c := e.register(nil)
	b := e.browser()
	r := b.get(e.authorizeURL(c, newPKCE(), nil))
	r = b.get(r.location(t).String())
	require.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, string(r.body), `id="username"`)
	assert.NotContains(t, string(r.body), `id="password"`)
	assert.Contains(t, string(r.body), `id="next"`)
	f := formFields(t, r.body)
	f.Set("username", "alice")
	r = b.postForm("/login", f)
	require.Equal(t, http.StatusOK, r.status, "the password page")
	assert.Contains(t, string(r.body), `id="password"`)
	assert.NotContains(t, string(r.body), `id="username"`)
	assert.Contains(t, string(r.body), `name="username" value="alice"`)
	f = formFields(t, r.body)
	f.Set("username", "alice")
	f.Set("password", "nope")
	r = b.postForm("/login", f)
	assert.Contains(t, string(r.body), "Invalid username or password")
	f = formFields(t, r.body)
	f.Set("username", "alice")
	f.Set("password", "wonderland")
	r = b.postForm("/login", f)
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.Equal(t, "/consent", r.location(t).Path)
}

// invalidRedirect is an authorization request with an unregistered
// redirect_uri, which must be shown and not redirected.
func invalidRedirect(e *env) string {
	c := e.register(nil)
	return e.authorizeURL(c, newPKCE(), url.Values{"redirect_uri": {"https://evil.example/cb"}})
}

func TestVariant_ErrorPage200(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantErrorPage200))
	r := e.get(invalidRedirect(e))
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, r.header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(r.body), "Invalid redirect URI")
	assert.Empty(t, r.header.Get("Location"))
}

func TestVariant_ErrorPageBare(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantErrorPageBare))
	r := e.get(invalidRedirect(e))
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.header.Get("Content-Type"), "text/plain")
	assert.Contains(t, string(r.body), "Invalid redirect URI: ")
	assert.NotContains(t, string(r.body), "<")
}

func TestVariant_ErrorPageRedirect(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantErrorPageRedirect))
	r := e.get(invalidRedirect(e))
	require.Equal(t, http.StatusSeeOther, r.status)
	loc := r.location(t)
	assert.Equal(t, e.issuer+"/error", loc.Scheme+"://"+loc.Host+loc.Path, "the server's own page, never the redirect_uri")
	r = e.get(loc.String())
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, string(r.body), "Invalid redirect URI")
	// Text of someone else's choosing is not shown.
	q := loc.Query()
	q.Set("message", "Call +1 555 0100 to unlock your account")
	r = e.get("/error?" + q.Encode())
	assert.NotContains(t, string(r.body), "555 0100")
}

func TestVariant_NoReferrerPolicy(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantNoReferrerPolicy))
	r := e.get(invalidRedirect(e))
	assert.Empty(t, r.header.Get("Referrer-Policy"))
	assert.Equal(t, "DENY", r.header.Get("X-Frame-Options"), "the other page headers stay")
}

func TestVariant_OpenIDDiscoveryOnly(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantOpenIDDiscoveryOnly))
	e.register(nil)
	res, err := http.Get(e.ts.URL + "/.well-known/oauth-authorization-server") // outside the contract, which has the document there
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	r := e.get("/.well-known/openid-configuration")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, e.issuer, r.json(t)["issuer"])
	assert.Equal(t, e.issuer+"/.well-known/openid-configuration", e.srv.MetadataURL())

	// With a path, OpenID Connect Discovery appends the suffix.
	p := newEnv(t, withVariants(server.Config{}, server.VariantOpenIDDiscoveryOnly, server.VariantIssuerPath))
	p.register(nil)
	r = p.get(p.ts.URL + "/tenant-a/.well-known/openid-configuration")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, p.ts.URL+"/tenant-a", r.json(t)["issuer"])
	res, err = http.Get(p.ts.URL + "/.well-known/openid-configuration/tenant-a")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "not inserted")
}

func TestVariant_IssuerPath(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantIssuerPath))
	assert.Equal(t, e.ts.URL+"/tenant-a", e.srv.Issuer())
	r := e.get(e.ts.URL + "/.well-known/oauth-authorization-server/tenant-a")
	require.Equal(t, http.StatusOK, r.status)
	md := r.json(t)
	assert.Equal(t, e.srv.Issuer(), md["issuer"])
	assert.Equal(t, e.srv.Issuer()+"/token", md["token_endpoint"])
	assert.Equal(t, e.ts.URL+"/tenant-a/mcp", e.srv.ResourceURL())
	c := e.register(nil)
	p := newPKCE()
	r = e.get(e.authorizeURL(c, p, nil))
	assert.Equal(t, e.srv.Issuer(), r.location(t).Query().Get("iss"))
	// A path given in the config is kept.
	k, err := server.New(withVariants(server.Config{Issuer: "http://127.0.0.1:1/as"}, server.VariantIssuerPath))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:1/as", k.Issuer())
}

func TestVariant_IssuerTrailingSlash(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantIssuerTrailingSlash))
	assert.Equal(t, e.ts.URL+"/", e.srv.Issuer())
	r := e.get(e.ts.URL + "/.well-known/oauth-authorization-server")
	require.Equal(t, http.StatusOK, r.status)
	md := r.json(t)
	assert.Equal(t, e.ts.URL+"/", md["issuer"])
	assert.Equal(t, e.ts.URL+"/token", md["token_endpoint"], "no double slash")
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})
	assert.Equal(t, http.StatusOK, e.callResource(tok["access_token"].(string)).status)
	r = e.get(e.srv.ResourceMetadataURL())
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, []any{e.ts.URL + "/"}, r.json(t)["authorization_servers"])

	// With a path: the inserted URL without the final slash.
	p := newEnv(t, withVariants(server.Config{}, server.VariantIssuerTrailingSlash, server.VariantIssuerPath))
	assert.Equal(t, p.ts.URL+"/tenant-a/", p.srv.Issuer())
	r = p.get(p.ts.URL + "/.well-known/oauth-authorization-server/tenant-a")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, p.ts.URL+"/tenant-a/", r.json(t)["issuer"])
}

func TestVariant_ResourceGet405(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantResourceGet405))
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})["access_token"].(string)
	for _, authz := range []string{"", "Bearer " + tok} {
		r := e.get("/mcp", "Authorization", authz)
		assert.Equal(t, http.StatusMethodNotAllowed, r.status)
		assert.Equal(t, "POST", r.header.Get("Allow"))
		assert.Empty(t, r.header.Get("WWW-Authenticate"))
	}
	r := e.sendJSON(http.MethodPost, "/mcp", map[string]any{"jsonrpc": "2.0", "id": 1, "method": "ping"}, tok)
	assert.Equal(t, http.StatusOK, r.status)
	r = e.sendJSON(http.MethodPost, "/mcp", map[string]any{"jsonrpc": "2.0", "id": 1, "method": "ping"}, "")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), "resource_metadata=")
}

func TestVariant_BearerMalformed401(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantBearerMalformed401))
	r := e.get("/mcp", "Authorization", "Bearer")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `error="invalid_token"`)
}

func TestVariant_ResourceMetadataCustomURL(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantResourceMetadataCustomURL))
	r := e.get("/mcp")
	require.Equal(t, http.StatusUnauthorized, r.status)
	custom := e.issuer + "/metadata/mcp.json"
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `resource_metadata="`+custom+`"`)
	at := e.get(custom)
	require.Equal(t, http.StatusOK, at.status)
	assert.Equal(t, e.srv.ResourceURL(), at.json(t)["resource"])
	wk := e.get(e.srv.ResourceMetadataURL())
	require.Equal(t, http.StatusOK, wk.status, "the well-known URL serves it too (RFC 9728 §3)")
	assert.Equal(t, at.json(t), wk.json(t))
}

func TestVariant_ChallengeExtraParams(t *testing.T) {
	e := newEnv(t, withVariants(server.Config{}, server.VariantChallengeExtraParams))
	h := e.get("/mcp").header.Get("WWW-Authenticate")
	assert.Contains(t, h, `authorization_uri="`+e.issuer+`/authorize"`)
	assert.NotContains(t, h, "error_uri", "no error, no error_uri")
	h = e.get("/mcp", "Authorization", "Bearer made-up").header.Get("WWW-Authenticate")
	assert.Contains(t, h, `error="invalid_token"`)
	assert.Contains(t, h, `error_uri="https://www.rfc-editor.org/rfc/rfc6750#section-3.1"`)
	assert.True(t, strings.HasPrefix(h, `Bearer realm="authspec"`), h)
}

// TestResource_SpeaksMCP: an authorized JSON-RPC POST gets a JSON-RPC
// answer, as from an MCP server's Streamable HTTP endpoint.
func TestResource_SpeaksMCP(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})["access_token"].(string)
	init := map[string]any{"jsonrpc": "2.0", "id": 7, "method": "initialize",
		"params": map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "t", "version": "1"}}}
	r := e.sendJSON(http.MethodPost, "/mcp", init, tok)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, "2.0", m["jsonrpc"])
	assert.EqualValues(t, 7, m["id"])
	assert.Equal(t, "2025-06-18", m["result"].(map[string]any)["protocolVersion"])
	init["params"] = map[string]any{"protocolVersion": "1999-01-01"}
	m = e.sendJSON(http.MethodPost, "/mcp", init, tok).json(t)
	assert.Equal(t, "2025-11-25", m["result"].(map[string]any)["protocolVersion"], "a version it speaks")
	m = e.sendJSON(http.MethodPost, "/mcp", map[string]any{"jsonrpc": "2.0", "id": "x", "method": "tools/list"}, tok).json(t)
	assert.EqualValues(t, -32601, m["error"].(map[string]any)["code"])
	r = e.sendJSON(http.MethodPost, "/mcp", map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"}, tok)
	assert.Equal(t, http.StatusAccepted, r.status)
	// Without a token: the challenge, as before.
	r = e.sendJSON(http.MethodPost, "/mcp", init, "")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	// A GET is still the plain resource.
	assert.Equal(t, e.srv.ResourceURL(), e.callResource(tok).json(t)["resource"])
}
