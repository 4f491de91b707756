package browser_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// otherPages is an authorization front end whose pages share nothing with
// the reference server's: a two-step login (identifier, then password) on
// separate URLs, other field names, a language select and a "remember me"
// checkbox, and a consent page with Accept/Decline buttons of one field.
type otherPages struct {
	mu       sync.Mutex
	pending  map[string]url.Values // request id → authorization request
	user     map[string]string     // request id → identifier entered
	sessions map[string]bool
	logins   int
	lang     string // language chosen at the last identifier step
	remember bool   // "keep me signed in" at the last login
	// scriptProof makes the consent form carry a field that a script
	// fills in on submit (a form that cannot be replayed as captured).
	scriptProof bool
}

func newOtherPages() *otherPages {
	return &otherPages{pending: map[string]url.Values{}, user: map[string]string{}, sessions: map[string]bool{}}
}

func rid() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var otherTmpl = template.Must(template.New("").Parse(`
{{define "ident"}}<!doctype html><html><body><main>
<h2>Welcome back</h2>
<form method="post" action="/u/login/identifier?req={{.}}">
  <label>Email address <input type="email" name="identifier" id="ident-field" autocomplete="username"></label>
  <label>Language <select name="lang" id="lang"><option value="en">English</option><option value="fr">Français</option></select></label>
  <button type="submit" name="action" value="next">Next</button>
</form></main></body></html>{{end}}
{{define "password"}}<!doctype html><html><body><main>
<h2>Enter your password</h2>
<form method="post" action="/u/login/password?req={{.}}">
  <input type="password" name="secret" aria-label="Password">
  <label><input type="checkbox" name="remember" id="remember-me"> Keep me signed in</label>
  <button type="submit">Continue</button>
</form></main></body></html>{{end}}
{{define "consent"}}<!doctype html><html><body><main>
<h1>Authorize Example App</h1>
<p>Example App at {{.Host}} wants to read your data.</p>
<form method="post" action="/u/consent?req={{.Req}}">
  {{if .Proof}}<input type="hidden" name="proof" id="proof" value="">
  <script>document.forms[0].addEventListener("submit", function () { document.getElementById("proof").value = {{.Req}}.split("").reverse().join(""); });</script>{{end}}
  <button type="submit" name="decision" value="accept" class="primary">Accept</button>
  <button type="submit" name="decision" value="reject">Decline</button>
</form></main></body></html>{{end}}`))

func (o *otherPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	req := r.URL.Query().Get("req")
	o.mu.Lock()
	defer o.mu.Unlock()
	switch r.URL.Path {
	case "/authorize":
		id := rid()
		o.pending[id] = r.URL.Query()
		if c, err := r.Cookie("sid"); err == nil && o.sessions[c.Value] {
			http.Redirect(w, r, "/u/consent?req="+id, http.StatusFound)
			return
		}
		http.Redirect(w, r, "/u/login/identifier?req="+id, http.StatusFound)
	case "/u/login/identifier":
		if _, ok := o.pending[req]; !ok {
			http.Error(w, "unknown request", http.StatusBadRequest)
			return
		}
		if r.Method == http.MethodPost {
			o.user[req] = r.PostFormValue("identifier")
			o.lang = r.PostFormValue("lang")
			http.Redirect(w, r, "/u/login/password?req="+req, http.StatusSeeOther)
			return
		}
		_ = otherTmpl.ExecuteTemplate(w, "ident", req)
	case "/u/login/password":
		if o.user[req] == "" {
			http.Error(w, "identify first", http.StatusBadRequest)
			return
		}
		if r.Method == http.MethodPost {
			if o.user[req] != "mallory@example.com" || r.PostFormValue("secret") != "s3cret pass" {
				w.WriteHeader(http.StatusUnauthorized)
				_ = otherTmpl.ExecuteTemplate(w, "password", req)
				return
			}
			sid := rid()
			o.sessions[sid] = true
			o.logins++
			o.remember = r.PostFormValue("remember") == "on"
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true})
			http.Redirect(w, r, "/u/consent?req="+req, http.StatusSeeOther)
			return
		}
		_ = otherTmpl.ExecuteTemplate(w, "password", req)
	case "/u/consent":
		q, ok := o.pending[req]
		c, err := r.Cookie("sid")
		if !ok || err != nil || !o.sessions[c.Value] {
			http.Error(w, "no session", http.StatusForbidden)
			return
		}
		ru, _ := url.Parse(q.Get("redirect_uri"))
		if r.Method == http.MethodPost {
			if o.scriptProof && r.PostFormValue("proof") != reverse(req) {
				http.Error(w, "the form was not submitted by the page's script", http.StatusBadRequest)
				return
			}
			back := url.Values{"state": {q.Get("state")}}
			if r.PostFormValue("decision") == "accept" {
				back.Set("code", "code-"+rid())
			} else {
				back.Set("error", "access_denied")
			}
			delete(o.pending, req)
			http.Redirect(w, r, q.Get("redirect_uri")+"?"+back.Encode(), http.StatusSeeOther)
			return
		}
		_ = otherTmpl.ExecuteTemplate(w, "consent", map[string]any{"Req": req, "Host": ru.Host, "Proof": o.scriptProof})
	default:
		http.NotFound(w, r)
	}
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func (o *otherPages) loginCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.logins
}

const otherRedirect = "http://127.0.0.1:9/callback"

func otherAuthURL(base, state string) string {
	return base + "/authorize?" + url.Values{"response_type": {"code"}, "client_id": {"example-app"},
		"redirect_uri": {otherRedirect}, "state": {state}}.Encode()
}

func recorder() *httpx.Client { return httpx.NewTransport(time.Minute, 1<<20).NewClient() }

// TestRecipe_OtherPages plays a hand-written recipe (URL-scoped steps, a
// select, a checkbox, expect_text, an optional step for a banner that never
// shows) through pages unlike the reference server's.
func TestRecipe_OtherPages(t *testing.T) {
	t.Parallel()
	o := newOtherPages()
	ts := httptest.NewServer(o)
	defer ts.Close()
	recipe := target.BrowserConfig{
		Login: []target.Step{
			{Click: "#cookie-banner-accept", Optional: true},
			{URL: ts.URL + "/u/login/identifier*", Fill: "input[name=identifier]", Value: "mallory@example.com"},
			{URL: ts.URL + "/u/login/identifier*", Select: "#lang", Value: "fr"},
			{URL: ts.URL + "/u/login/identifier*", Click: "text=Next"},
			{Fill: "input[type=password]", Value: "s3cret pass"},
			{Check: "#remember-me"},
			{Click: "button:has-text('Continue')"},
		},
		Consent: []target.Step{{ExpectText: "Authorize Example App"}, {Click: "button[value=accept]"}},
		Deny:    []target.Step{{Click: "button[value=reject]"}},
	}
	b := launch(t, recipe)
	ctx := context.Background()

	res, err := b.Authorize(ctx, recorder(), otherAuthURL(ts.URL, "s1 +/"), otherRedirect, fixture.FlowApprove)
	require.NoError(t, err)
	require.NotNil(t, res.Callback)
	assert.Equal(t, "s1 +/", res.Callback.Query().Get("state"))
	assert.True(t, strings.HasPrefix(res.Callback.Query().Get("code"), "code-"))
	assert.Equal(t, 1, o.loginCount())
	assert.True(t, res.LoggedIn, "the login recipe ran")
	o.mu.Lock()
	assert.Equal(t, "fr", o.lang, "the select step chose the language")
	assert.True(t, o.remember, "the check step ticked the box")
	o.mu.Unlock()

	// The session is reused: straight to the consent page, then deny.
	res, err = b.Authorize(ctx, recorder(), otherAuthURL(ts.URL, "s2"), otherRedirect, fixture.FlowDeny)
	require.NoError(t, err)
	require.NotNil(t, res.Callback)
	assert.Equal(t, "access_denied", res.Callback.Query().Get("error"))
	assert.Equal(t, "s2", res.Callback.Query().Get("state"))
	assert.Equal(t, 1, o.loginCount(), "the second flow reuses the session")
	assert.False(t, res.LoggedIn, "no login page with a session")

	// FlowLogin logs in afresh.
	res, err = b.Authorize(ctx, recorder(), otherAuthURL(ts.URL, "s3"), otherRedirect, fixture.FlowLogin)
	require.NoError(t, err)
	require.NotNil(t, res.Callback)
	assert.Equal(t, 2, o.loginCount())
	assert.True(t, res.LoggedIn)
	var stages []string
	for _, p := range res.Pages {
		if p.Stage != "" {
			stages = append(stages, p.Stage)
		}
	}
	assert.Equal(t, []string{"login", "consent"}, stages)
	for _, p := range res.Pages {
		if p.Stage == "consent" {
			assert.Contains(t, p.Text, "Example App at 127.0.0.1:9", "the consent page text is kept for checks")
		}
	}
}

// TestSuggest_OtherPages: inspect proposes a recipe for the two-step login
// and the consent page, and that recipe gets through.
func TestSuggest_OtherPages(t *testing.T) {
	t.Parallel()
	o := newOtherPages()
	ts := httptest.NewServer(o)
	defer ts.Close()
	b := launch(t, target.BrowserConfig{})
	ctx := context.Background()

	sug, err := b.Suggest(ctx, otherAuthURL(ts.URL, "x"), otherRedirect, nil)
	require.NoError(t, err)
	require.Len(t, sug.Pages, 1)
	assert.Equal(t, "identifier", sug.Pages[0].Kind)
	assert.Empty(t, sug.Recipe.Consent, "without credentials it stops at the login page")

	sug, err = b.Suggest(ctx, otherAuthURL(ts.URL, "x"), otherRedirect, &browser.Credentials{Username: "mallory@example.com", Password: "s3cret pass"})
	require.NoError(t, err)
	var kinds []string
	for _, p := range sug.Pages {
		kinds = append(kinds, p.Kind)
	}
	assert.Equal(t, []string{"identifier", "password", "consent"}, kinds)
	assert.Equal(t, []target.Step{
		{URL: ts.URL + "/u/login/identifier*", Fill: "#ident-field", Value: browser.UsernameValue},
		{URL: ts.URL + "/u/login/identifier*", Click: `button[name="action"]`},
		{URL: ts.URL + "/u/login/password*", Fill: `input[name="secret"]`, Value: browser.PasswordValue},
		{URL: ts.URL + "/u/login/password*", Click: `button:has-text("Continue")`},
	}, sug.Recipe.Login)
	assert.Equal(t, []target.Step{{Click: `button[name="decision"][value="accept"]`}}, sug.Recipe.Consent)
	assert.Equal(t, []target.Step{{Click: `button[name="decision"][value="reject"]`}}, sug.Recipe.Deny)

	// The suggestion, with the values the config would resolve, gets through.
	recipe := sug.Recipe
	for i, s := range recipe.Login {
		recipe.Login[i].Value = strings.NewReplacer(browser.UsernameValue, "mallory@example.com", browser.PasswordValue, "s3cret pass").Replace(s.Value)
	}
	b2 := launch(t, recipe)
	res, err := b2.Authorize(ctx, recorder(), otherAuthURL(ts.URL, "ok"), otherRedirect, fixture.FlowApprove)
	require.NoError(t, err)
	require.NotNil(t, res.Callback)
	assert.NotEmpty(t, res.Callback.Query().Get("code"))
	res, err = b2.Authorize(ctx, recorder(), otherAuthURL(ts.URL, "no"), otherRedirect, fixture.FlowDeny)
	require.NoError(t, err)
	require.NotNil(t, res.Callback)
	assert.Equal(t, "access_denied", res.Callback.Query().Get("error"))
}
