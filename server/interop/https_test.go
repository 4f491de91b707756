package interop_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
	"golang.org/x/oauth2"

	"github.com/authspec/authspec/server"
)

// TestBrowserConsent_HTTPS: with an https issuer the server keeps the login
// state in __Host- cookies (Secure, Path=/, no Domain). A real Chromium
// keeps them and sends them back through login and consent, and the
// application gets its code and tokens. (The test certificate is
// self-signed: the page ignores certificate errors, the application trusts
// the test server's certificate.)
func TestBrowserConsent_HTTPS(t *testing.T) {
	page := newPageWith(t, playwright.BrowserNewContextOptions{IgnoreHttpsErrors: playwright.Bool(true)})
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentForm})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	hc := ts.Client()
	md := srv.Metadata()
	cb := startCallback(t)

	body, _ := json.Marshal(map[string]any{"client_name": "Interop HTTPS Client", "redirect_uris": []string{cb.URL},
		"token_endpoint_auth_method": "client_secret_basic", "grant_types": []string{"authorization_code"}})
	res, err := hc.Post(md.RegistrationEndpoint, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var reg registration
	if err := json.Unmarshal(readBody(t, res), &reg); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %v", res.StatusCode, err)
	}
	cfg := &oauth2.Config{ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, RedirectURL: cb.URL, Scopes: []string{"read"},
		Endpoint: oauth2.Endpoint{AuthURL: md.AuthorizationEndpoint, TokenURL: md.TokenEndpoint, AuthStyle: oauth2.AuthStyleInHeader}}
	state, verifier := rand.Text(), oauth2.GenerateVerifier()

	if _, err := page.Goto(cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))); err != nil {
		t.Fatalf("open the authorization URL: %v", err)
	}
	must(t, page.Locator("#username").Fill("alice"))
	must(t, page.Locator("#password").Fill("wonderland"))
	clickAndArrive(t, page, "#login", ts.URL+"/consent?")
	cookies, err := page.Context().Cookies(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cookies {
		if c.Name == "__Host-authspec_session" {
			found = true
			if !c.Secure || c.Path != "/" {
				t.Errorf("session cookie %+v: want Secure, Path=/", c)
			}
		}
		if c.Name == "authspec_session" {
			t.Errorf("a session cookie without the __Host- prefix over https")
		}
	}
	if !found {
		t.Fatalf("Chromium holds no __Host-authspec_session cookie: %+v", cookies)
	}
	must(t, page.Locator("#allow").Click())
	q := cb.wait(t)
	if q.Get("state") != state || q.Get("code") == "" {
		t.Fatalf("authorization response %v, want a code and the state", q)
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, hc)
	if _, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("Exchange: %v", err)
	}
}
