package browser_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/target"
)

// pickyPages is an authorization front end that answers what it will not
// send back to the client with a page: an unknown client with a 400 HTML
// page, an unregistered redirect URI with a 200 page without any form, a
// refused request with HTTP 400 JSON and a Location header that a browser
// does not follow (as @node-oauth/express-oauth-server does). Its login page
// asks for the scopes and its consent form has a button named "action" (as
// fosite-example's), which hides the form's action property.
func pickyPages(t *testing.T) string {
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprint(w, "<!doctype html><html><body>"+body+"</body></html>")
	}
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("client_id") != "app":
			page(w, http.StatusBadRequest, "<h1>Unknown client</h1><p>invalid_client</p>")
		case q.Get("redirect_uri") != otherRedirect:
			page(w, http.StatusOK, "<h1>Something went wrong</h1><p>The redirect_uri is not registered for this client.</p>")
		default:
			page(w, http.StatusOK, `<form method="post" action="/login?`+carry(q)+`">
<input name="username" id="username"> <input type="password" name="password" id="password">
<button type="submit" id="login">Sign in</button></form>`)
		}
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back := otherRedirect + "?" + url.Values{"error": {"invalid_scope"}, "state": {q.Get("state")}}.Encode()
		if q.Get("scope") == "bogus" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Location", back)
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_scope","error_description":"bogus is not a scope"}`)
			return
		}
		page(w, http.StatusOK, `<h1>Allow app?</h1><form method="post" action="consent?`+carry(q)+`" id="consent">
<input type="hidden" name="csrf" value="tok-123"><input type="hidden" name="method" value="shadow">
<button type="submit" name="action" value="allow" id="allow">Allow</button>
<button type="submit" name="action" value="deny" id="deny">Deny</button></form>`)
	})
	mux.HandleFunc("/consent", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back := url.Values{"state": {q.Get("state")}}
		if r.PostFormValue("action") == "allow" && r.PostFormValue("csrf") == "tok-123" {
			back.Set("code", "code-1")
		} else {
			back.Set("error", "access_denied")
		}
		http.Redirect(w, r, otherRedirect+"?"+back.Encode(), http.StatusSeeOther)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

func carry(q url.Values) string {
	return url.Values{"state": {q.Get("state")}, "scope": {q.Get("scope")}}.Encode()
}

var pickyRecipe = target.BrowserConfig{
	Login:   []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "pw"}, {Click: "#login"}},
	Consent: []target.Step{{Click: "#allow"}},
	Deny:    []target.Step{{Click: "#deny"}},
}

func pickyURL(base, client, redirect, scope string) string {
	return base + "/authorize?" + url.Values{"response_type": {"code"}, "client_id": {client}, "redirect_uri": {redirect},
		"state": {"st"}, "scope": {scope}}.Encode()
}

// TestAuthorize_ShownPages: a page that is neither the recipe's login or
// consent page nor the redirect is the flow's answer, recognised when it
// has loaded. The step timeout is far above anything a flow needs, so a
// flow that waited for a step instead would end in an error, not in the
// page.
func TestAuthorize_ShownPages(t *testing.T) {
	t.Parallel()
	base := pickyPages(t)
	b := launchWith(t, pickyRecipe, 5*time.Minute)
	ctx := context.Background()

	for name, tc := range map[string]struct {
		url, why, contentType string
		status                int
		location              bool
	}{
		"unknown client, HTTP 400": {url: pickyURL(base, "nobody", otherRedirect, "read"), why: "HTTP 400", status: 400, contentType: "text/html"},
		"unregistered redirect URI, HTTP 200 without the recipe's elements": {url: pickyURL(base, "app", "https://authspec.invalid/steal", "read"),
			why: "none of the recipe's elements", status: 200, contentType: "text/html"},
		"refused after the login, HTTP 400 JSON with a Location": {url: pickyURL(base, "app", otherRedirect, "bogus"),
			why: "served as application/json", status: 400, contentType: "application/json", location: true},
	} {
		hc := recorder()
		res, err := b.Authorize(ctx, hc, tc.url, otherRedirect, fixture.FlowApprove)
		require.NoError(t, err, name)
		require.NotNil(t, res.Shown, name)
		assert.Nil(t, res.Callback, name)
		assert.Equal(t, tc.status, res.Shown.Status, name)
		assert.Equal(t, tc.contentType, res.Shown.ContentType, name)
		assert.Contains(t, res.Shown.Why, tc.why, name)
		assert.NotEmpty(t, res.Shown.Screenshot, name)
		require.NotNil(t, res.Last, "%s: the page is the last response", name)
		assert.Equal(t, tc.status, res.Last.Status, name)
		if tc.location {
			assert.Contains(t, res.Shown.Location, "error=invalid_scope", name)
			assert.Contains(t, res.Shown.Describe(), "does not follow", name)
			assert.Contains(t, string(res.Last.Body), "invalid_scope", name)
		}
		shot := false
		for _, a := range hc.Attachments() {
			shot = shot || (a.ContentType == "image/png" && len(a.Data) > 0)
		}
		assert.True(t, shot, "%s: the screenshot is evidence of the check", name)
	}

	// The recipe's own pages still lead to the client.
	res, err := b.Authorize(ctx, recorder(), pickyURL(base, "app", otherRedirect, "read"), otherRedirect, fixture.FlowApprove)
	require.NoError(t, err)
	require.NotNil(t, res.Callback)
	assert.Nil(t, res.Shown)
	assert.Equal(t, "code-1", res.Callback.Query().Get("code"))
}

// TestInspect_ControlNamedAction: a consent form whose controls are named
// "action" and "method" is read from its attributes.
func TestInspect_ControlNamedAction(t *testing.T) {
	t.Parallel()
	base := pickyPages(t)
	b := launchWith(t, pickyRecipe, time.Minute)
	res, err := b.Authorize(context.Background(), recorder(), pickyURL(base, "app", otherRedirect, "read"), otherRedirect, fixture.FlowInspect)
	require.NoError(t, err)
	require.NotNil(t, res.Consent)
	assert.Equal(t, base+"/consent?scope=read&state=st", res.Consent.Action)
	assert.Equal(t, http.MethodPost, res.Consent.Method)
	assert.Equal(t, [][2]string{{"csrf", "tok-123"}, {"method", "shadow"}, {"action", "allow"}}, res.Consent.Fields)
}

// TestAuthorize_StageMissing: a flow the recipe has no steps for is a
// NeedsPerson (SKIP) at once: no denial without deny steps, no consent form
// without the consent click. Nothing is opened for it.
func TestAuthorize_StageMissing(t *testing.T) {
	t.Parallel()
	a := &browser.Auto{Options: browser.Options{Recipe: target.BrowserConfig{Login: pickyRecipe.Login}}}
	defer a.Close()
	for _, flow := range []fixture.Flow{fixture.FlowDeny, fixture.FlowInspect} {
		res, err := a.Authorize(context.Background(), recorder(), "http://127.0.0.1:9/authorize", otherRedirect, flow)
		require.Error(t, err, flow)
		assert.True(t, fixture.IsNeedsPerson(err), "%s: %v", flow, err)
		assert.Contains(t, err.Error(), "authspec browser inspect", flow)
		require.NotNil(t, res, flow)
		assert.Nil(t, res.Callback, flow)
	}
}
