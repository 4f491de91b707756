package browser_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/target"
)

// linkPages: /authorize?remembered=1 redirects at once to the redirect URI,
// where nothing listens; otherwise a login page leads to a consent page
// whose deny control is a link.
func linkPages(t *testing.T) string {
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body>"+body+"</body></html>")
	}
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("remembered") == "1" {
			http.Redirect(w, r, q.Get("redirect_uri")+"?code=c-1&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
			return
		}
		html(w, `<form method="post" action="/login"><input name="email" type="email" autocomplete="username">
<input type="password" name="pw"><button type="submit">Sign in</button></form><a href="/help">Help</a>`)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<h1>Let Example read your data?</h1><form method="post" action="/decide">
<button type="submit" id="ok">Allow</button></form><a href="/decide?no=1">Cancel</a> <a href="/privacy">Privacy</a>`)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestSuggest_RedirectWithoutListener: a target that sends the browser
// straight to the redirect URI, where nothing listens, is seen to reach it.
func TestSuggest_RedirectWithoutListener(t *testing.T) {
	t.Parallel()
	base := linkPages(t)
	b := launch(t, target.BrowserConfig{})
	u := base + "/authorize?" + url.Values{"remembered": {"1"}, "redirect_uri": {otherRedirect}, "state": {"s"}}.Encode()
	sug, err := b.Suggest(context.Background(), u, otherRedirect, nil)
	require.NoError(t, err)
	assert.True(t, sug.Reached)
	require.NotNil(t, sug.Redirect)
	assert.Equal(t, "c-1", sug.Redirect.Query().Get("code"))
	assert.Empty(t, sug.Pages)
}

// TestSuggest_DenyLink: the deny control of a consent page may be a link.
func TestSuggest_DenyLink(t *testing.T) {
	t.Parallel()
	base := linkPages(t)
	b := launch(t, target.BrowserConfig{})
	u := base + "/authorize?" + url.Values{"redirect_uri": {otherRedirect}, "state": {"s"}}.Encode()
	sug, err := b.Suggest(context.Background(), u, otherRedirect, &browser.Credentials{Username: "a@example.com", Password: "pw"})
	require.NoError(t, err)
	var kinds []string
	for _, p := range sug.Pages {
		kinds = append(kinds, p.Kind)
	}
	assert.Equal(t, []string{"login", "consent"}, kinds, "a Help link does not make the login page a consent page")
	assert.Equal(t, []target.Step{{Click: "#ok"}}, sug.Recipe.Consent)
	assert.Equal(t, []target.Step{{Click: `a:has-text("Cancel")`}}, sug.Recipe.Deny)
}
