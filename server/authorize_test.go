package server_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

func TestAuthorize_SuccessEchoesStateAndIss(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	state := "a b+c/d?e=f&g%h~ü"
	r := e.get(e.authorizeURL(c, newPKCE(), url.Values{"state": {state}}))
	require.Equal(t, http.StatusFound, r.status)
	loc := r.location(t)
	assert.Equal(t, state, loc.Query().Get("state"))
	assert.Equal(t, e.issuer, loc.Query().Get("iss"))
	assert.Equal(t, "127.0.0.1:8765", loc.Host)
	assert.Equal(t, "/callback", loc.Path)
}

func TestAuthorize_RegisteredQueryIsKept(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(map[string]any{"redirect_uris": []string{"https://app.example/cb?tenant=7"}})
	loc := e.get(e.authorizeURL(c, newPKCE(), nil)).location(t)
	assert.Equal(t, "7", loc.Query().Get("tenant"))
	assert.NotEmpty(t, loc.Query().Get("code"))
}

func TestAuthorize_ErrorsShownNotRedirected(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(map[string]any{"redirect_uris": []string{"https://app.example/cb", "http://127.0.0.1:8765/callback"}})
	p := newPKCE()
	cases := map[string]string{
		"missing client_id":    e.authorizeURL(c, p, url.Values{"client_id": {""}}),
		"unknown client_id":    e.authorizeURL(c, p, url.Values{"client_id": {"nope"}}),
		"unregistered":         e.authorizeURL(c, p, url.Values{"redirect_uri": {"https://evil.example/cb"}}),
		"prefix":               e.authorizeURL(c, p, url.Values{"redirect_uri": {"https://app.example/cb/../x"}}),
		"suffix":               e.authorizeURL(c, p, url.Values{"redirect_uri": {"https://app.example/cbx"}}),
		"extra query":          e.authorizeURL(c, p, url.Values{"redirect_uri": {"https://app.example/cb?x=1"}}),
		"case":                 e.authorizeURL(c, p, url.Values{"redirect_uri": {"https://APP.example/cb"}}),
		"omitted, two exist":   e.authorizeURL(c, p, url.Values{"redirect_uri": {""}}),
		"localhost for 127":    e.authorizeURL(c, p, url.Values{"redirect_uri": {"http://localhost:8765/callback"}}),
		"loopback other path":  e.authorizeURL(c, p, url.Values{"redirect_uri": {"http://127.0.0.1:9999/other"}}),
		"duplicate client_id":  e.authorizeURL(c, p, url.Values{"client_id": {c.ID, c.ID}}),
		"userinfo on loopback": e.authorizeURL(c, p, url.Values{"redirect_uri": {"http://x@127.0.0.1:8765/callback"}}),
	}
	for name, u := range cases {
		t.Run(name, func(t *testing.T) {
			r := e.get(u)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Empty(t, r.header.Get("Location"))
			assert.Contains(t, r.header.Get("Content-Type"), "text/html")
		})
	}
}

func TestAuthorize_LoopbackAnyPort(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil) // http://127.0.0.1:8765/callback
	r := e.get(e.authorizeURL(c, newPKCE(), url.Values{"redirect_uri": {"http://127.0.0.1:51234/callback"}}))
	require.Equal(t, http.StatusFound, r.status, "%s", r.body)
	assert.Equal(t, "127.0.0.1:51234", r.location(t).Host)
}

func TestAuthorize_ErrorsRedirectedWithState(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(map[string]any{"scope": "read"})
	pub := e.publicClient()
	p := newPKCE()
	cases := []struct {
		name string
		c    *client
		q    url.Values
		want string
	}{
		{"missing response_type", c, url.Values{"response_type": {""}}, "invalid_request"},
		{"token response_type", c, url.Values{"response_type": {"token"}}, "unsupported_response_type"},
		{"unknown scope", c, url.Values{"scope": {"admin"}}, "invalid_scope"},
		{"unregistered scope", c, url.Values{"scope": {"write"}}, "invalid_scope"},
		{"plain PKCE", c, url.Values{"code_challenge_method": {"plain"}}, "invalid_request"},
		{"method omitted means plain", c, url.Values{"code_challenge_method": {""}}, "invalid_request"},
		{"bad challenge", c, url.Values{"code_challenge": {"short"}}, "invalid_request"},
		{"public client without PKCE", pub, url.Values{"code_challenge": {""}, "code_challenge_method": {""}}, "invalid_request"},
		{"relative resource", c, url.Values{"resource": {"/mcp"}}, "invalid_target"},
		{"unknown resource", c, url.Values{"resource": {"https://other.example/"}}, "invalid_target"},
		{"duplicate state", c, url.Values{"state": {"a", "b"}}, "invalid_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"state": {"xyz"}}
			for k, v := range tc.q {
				q[k] = v
			}
			r := e.get(e.authorizeURL(tc.c, p, q))
			require.Equal(t, http.StatusFound, r.status, "%s", r.body)
			loc := r.location(t)
			assert.Equal(t, tc.want, loc.Query().Get("error"))
			assert.NotEmpty(t, loc.Query().Get("error_description"))
			if tc.name != "duplicate state" {
				assert.Equal(t, "xyz", loc.Query().Get("state"))
			}
			assert.Equal(t, e.issuer, loc.Query().Get("iss"))
			assert.Empty(t, loc.Query().Get("code"))
		})
	}
}

var hiddenInput = regexp.MustCompile(`name="(request|csrf_token)" value="([^"]*)"`)

func formFields(t *testing.T, body []byte) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(string(body), -1) {
		v.Set(m[1], strings.ReplaceAll(m[2], "&#43;", "+"))
	}
	require.NotEmpty(t, v.Get("request"), "no hidden request field in %s", body)
	return v
}

// browser is a cookie-keeping client that does not follow redirects.
func (e *env) browser() *env {
	jar, err := cookiejar.New(nil)
	require.NoError(e.t, err)
	cp := *e
	cp.hc = &http.Client{Jar: jar, Transport: e.hc.Transport, CheckRedirect: e.hc.CheckRedirect}
	return &cp
}

// login walks from the authorization request to the consent page.
func (b *env) login(authorizeURL, user, pass string) *resp {
	b.t.Helper()
	r := b.get(authorizeURL)
	require.Equal(b.t, http.StatusFound, r.status, "%s", r.body)
	loginURL := r.location(b.t)
	require.Equal(b.t, "/login", loginURL.Path)
	r = b.get(loginURL.String())
	require.Equal(b.t, http.StatusOK, r.status)
	assert.Equal(b.t, "DENY", r.header.Get("X-Frame-Options"))
	assert.Contains(b.t, r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	f := formFields(b.t, r.body)
	f.Set("username", user)
	f.Set("password", pass)
	return b.postForm("/login", f)
}

func TestPages_LoginConsentAllow(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm})
	c := e.register(map[string]any{"client_name": "My <b>App</b>"})
	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	r = b.get(r.location(t).String())
	require.Equal(t, http.StatusOK, r.status)
	body := string(r.body)
	assert.Contains(t, body, "My &lt;b&gt;App&lt;/b&gt;", "client name is escaped")
	assert.Contains(t, body, "127.0.0.1:8765", "redirect host is shown")
	assert.Equal(t, "DENY", r.header.Get("X-Frame-Options"))
	f := formFields(t, r.body)
	f.Set("decision", "allow")
	r = b.postForm("/consent", f)
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	loc := r.location(t)
	assert.Equal(t, "st-123", loc.Query().Get("state"))
	code := loc.Query().Get("code")
	require.NotEmpty(t, code)

	// The consent is remembered: a second request skips the page...
	r = b.get(e.authorizeURL(c, newPKCE(), nil))
	require.Equal(t, http.StatusFound, r.status)
	assert.NotEmpty(t, r.location(t).Query().Get("code"))
	// ...unless prompt=consent.
	r = b.get(e.authorizeURL(c, newPKCE(), url.Values{"prompt": {"consent"}}))
	assert.Equal(t, "/consent", r.location(t).Path)
}

func TestPages_WrongPassword(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm, Users: map[string]string{"bob": "pw"}})
	c := e.register(nil)
	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "bob", "nope")
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, string(r.body), "Invalid username or password")
	r = b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	assert.Contains(t, string(r.body), "Invalid username or password")
}

func TestPages_Deny(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm})
	c := e.register(nil)
	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	r = b.get(r.location(t).String())
	f := formFields(t, r.body)
	f.Set("decision", "deny")
	r = b.postForm("/consent", f)
	require.Equal(t, http.StatusSeeOther, r.status)
	loc := r.location(t)
	assert.Equal(t, "access_denied", loc.Query().Get("error"))
	assert.Equal(t, "st-123", loc.Query().Get("state"))
}

func TestPages_ConsentNeedsCSRFAndPOST(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm})
	c := e.register(nil)
	b := e.browser()
	r := b.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	consentURL := r.location(t)
	r = b.get(consentURL.String())
	f := formFields(t, r.body)

	r = b.get(consentURL.String() + "&decision=allow&csrf_token=" + url.QueryEscape(f.Get("csrf_token")))
	assert.Equal(t, http.StatusOK, r.status, "GET never approves")
	assert.Empty(t, r.header.Get("Location"))

	bad := url.Values{"request": {f.Get("request")}, "decision": {"allow"}, "csrf_token": {"forged"}}
	r = b.postForm("/consent", bad)
	assert.Equal(t, http.StatusForbidden, r.status)
	bad.Del("csrf_token")
	r = b.postForm("/consent", bad)
	assert.Equal(t, http.StatusForbidden, r.status)

	// Another browser with its own session cannot use this page's token.
	other := e.browser()
	r2 := other.login(e.authorizeURL(c, newPKCE(), nil), "alice", "wonderland")
	require.Equal(t, http.StatusSeeOther, r2.status)
	f2 := url.Values{"request": {f.Get("request")}, "decision": {"allow"}, "csrf_token": {f.Get("csrf_token")}}
	assert.Equal(t, http.StatusForbidden, other.postForm("/consent", f2).status)

	f.Set("decision", "allow")
	r = b.postForm("/consent", f)
	assert.Equal(t, http.StatusSeeOther, r.status)
	r = b.postForm("/consent", f)
	assert.Equal(t, http.StatusBadRequest, r.status, "a request completes once")
}

func TestPages_LoginCSRF(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm})
	c := e.register(nil)
	b := e.browser()
	r := b.get(e.authorizeURL(c, newPKCE(), nil))
	r = b.get(r.location(t).String())
	f := formFields(t, r.body)
	f.Set("username", "alice")
	f.Set("password", "wonderland")
	f.Set("csrf_token", "forged")
	assert.Equal(t, http.StatusForbidden, b.postForm("/login", f).status)
}

func TestPages_UnknownRequest(t *testing.T) {
	e := newEnv(t, server.Config{Consent: server.ConsentForm})
	assert.Equal(t, http.StatusBadRequest, e.get("/login?request=nope").status)
	assert.Equal(t, http.StatusBadRequest, e.get("/consent?request=nope").status)
}
