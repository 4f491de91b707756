// Package interop_test shows that the reference authorization server works
// with OAuth client libraries people actually use, driven the way their
// documentation says to drive them:
//
//   - xoauth2_test.go: golang.org/x/oauth2 (authorization code with PKCE and
//     resource indicators, refresh, and x/oauth2/clientcredentials);
//   - js_test.go: openid-client for Node.js (js/flow.mjs);
//   - browser_test.go: a person signing in and consenting in Chromium
//     (playwright-go), with x/oauth2 as the client.
//
// Every test starts its own server in-process with httptest, discovers it
// through RFC 8414 metadata and registers its clients through RFC 7591, so
// each test reads as a self-contained example of the whole flow.
package interop_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authspec/authspec/server"
)

// startServer runs the reference server on a loopback httptest listener and
// returns it. The issuer is the listener's URL, so the listener is created
// first (unstarted), the server is built for its address, and only then does
// it start serving.
func startServer(t *testing.T, cfg server.Config) *server.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	cfg.Issuer = "http://" + ts.Listener.Addr().String()
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return srv
}

// httpClient is the client every request of these tests goes through: a
// bounded timeout, so a hanging server fails the test instead of stalling it.
var httpClient = &http.Client{Timeout: time.Minute} // a safety net, far above normal

// noRedirects is an HTTP client that returns a redirect instead of following
// it, to read the authorization response from the Location header.
var noRedirects = &http.Client{
	Timeout:       time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// clientContext carries httpClient into x/oauth2, which takes its HTTP client
// from the context.
func clientContext(t *testing.T) context.Context {
	return context.WithValue(t.Context(), oauth2.HTTPClient, httpClient)
}

// asMetadata holds the RFC 8414 metadata fields a client needs.
type asMetadata struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	RegistrationEndpoint                       string   `json:"registration_endpoint"`
	RevocationEndpoint                         string   `json:"revocation_endpoint"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
}

// discover fetches the authorization server metadata of issuer from the
// RFC 8414 §3.1 well-known URI (the suffix goes between host and path) and
// checks what the flows below rely on.
func discover(t *testing.T, issuer string) asMetadata {
	t.Helper()
	u, err := url.Parse(issuer)
	if err != nil {
		t.Fatalf("issuer %q: %v", issuer, err)
	}
	u.Path = "/.well-known/oauth-authorization-server" + strings.TrimSuffix(u.Path, "/")
	res, err := httpClient.Get(u.String())
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	body := readBody(t, res)
	if res.StatusCode != http.StatusOK || !isJSON(res) {
		t.Fatalf("GET %s: %d %s: %s", u, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var md asMetadata
	if err := json.Unmarshal(body, &md); err != nil {
		t.Fatalf("metadata: %v: %s", err, body)
	}
	// RFC 8414 §3.3: the issuer in the document must equal the one it was
	// discovered from, or the client must not use it.
	if md.Issuer != issuer {
		t.Fatalf("metadata issuer %q, want %q", md.Issuer, issuer)
	}
	for name, v := range map[string]string{"authorization_endpoint": md.AuthorizationEndpoint,
		"token_endpoint": md.TokenEndpoint, "registration_endpoint": md.RegistrationEndpoint,
		"revocation_endpoint": md.RevocationEndpoint} {
		if v == "" {
			t.Fatalf("metadata has no %s", name)
		}
	}
	if !slices.Contains(md.CodeChallengeMethodsSupported, "S256") {
		t.Fatalf("metadata code_challenge_methods_supported = %q, want S256", md.CodeChallengeMethodsSupported)
	}
	if !md.AuthorizationResponseIssParameterSupported {
		t.Fatal("metadata does not announce authorization_response_iss_parameter_supported (RFC 9207)")
	}
	return md
}

// registration is the part of an RFC 7591 §3.2.1 response the tests use.
type registration struct {
	ClientID                string   `json:"client_id"`
	ClientSecret            string   `json:"client_secret"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types"`
}

// register sends an RFC 7591 registration request with client metadata md
// to the advertised registration endpoint.
func register(t *testing.T, md asMetadata, clientMetadata map[string]any) registration {
	t.Helper()
	body, err := json.Marshal(clientMetadata)
	if err != nil {
		t.Fatal(err)
	}
	res, err := httpClient.Post(md.RegistrationEndpoint, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	out := readBody(t, res)
	if res.StatusCode != http.StatusCreated || !isJSON(res) {
		t.Fatalf("register: %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), out)
	}
	var reg registration
	if err := json.Unmarshal(out, &reg); err != nil {
		t.Fatalf("registration response: %v: %s", err, out)
	}
	if reg.ClientID == "" {
		t.Fatalf("registration response without client_id: %s", out)
	}
	if want, _ := clientMetadata["token_endpoint_auth_method"].(string); want != "" && reg.TokenEndpointAuthMethod != want {
		t.Fatalf("registered token_endpoint_auth_method %q, want %q", reg.TokenEndpointAuthMethod, want)
	}
	if public := reg.TokenEndpointAuthMethod == "none"; public != (reg.ClientSecret == "") {
		t.Fatalf("token_endpoint_auth_method %q with client_secret %q", reg.TokenEndpointAuthMethod, reg.ClientSecret)
	}
	return reg
}

// authResponse reads an authorization response (RFC 6749 §4.1.2) from the
// redirect to the client and checks state and iss (RFC 9207) as a client
// must before it uses the code.
func authResponse(t *testing.T, callback *url.URL, redirectURI, state, issuer string) url.Values {
	t.Helper()
	q := callback.Query()
	at := *callback
	at.RawQuery = ""
	if at.String() != redirectURI {
		t.Fatalf("authorization response went to %s, want %s", at.String(), redirectURI)
	}
	if got := q.Get("state"); got != state {
		t.Fatalf("authorization response state %q, want %q", got, state)
	}
	if got := q.Get("iss"); got != issuer {
		t.Fatalf("authorization response iss %q, want %q", got, issuer)
	}
	return q
}

// authorizeAuto sends the browser-less authorization request of a server in
// auto-consent mode and returns the code from the redirect.
func authorizeAuto(t *testing.T, authURL, redirectURI, state, issuer string) string {
	t.Helper()
	res, err := noRedirects.Get(authURL)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	body := readBody(t, res)
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d, want 302: %s", res.StatusCode, body)
	}
	loc, err := res.Location()
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	q := authResponse(t, loc, redirectURI, state, issuer)
	if q.Has("error") {
		t.Fatalf("authorize: error=%s: %s", q.Get("error"), q.Get("error_description"))
	}
	if q.Get("code") == "" {
		t.Fatalf("authorize: no code in %s", loc)
	}
	return q.Get("code")
}

// resourceStatus calls the demo protected resource the way an x/oauth2 user
// does, with the client oauth2.NewClient builds, and returns the status and
// the WWW-Authenticate challenge.
func resourceStatus(t *testing.T, resourceURL string, tok *oauth2.Token) (int, string) {
	t.Helper()
	res, err := oauth2.NewClient(clientContext(t), oauth2.StaticTokenSource(tok)).Get(resourceURL)
	if err != nil {
		t.Fatalf("GET %s: %v", resourceURL, err)
	}
	readBody(t, res)
	return res.StatusCode, res.Header.Get("WWW-Authenticate")
}

// revoke sends an RFC 7009 revocation request, authenticating the client
// the same way x/oauth2 does at the token endpoint for cfg's AuthStyle
// (x/oauth2 has no revocation support of its own).
func revoke(t *testing.T, endpoint string, cfg *oauth2.Config, token, hint string) {
	t.Helper()
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	switch cfg.Endpoint.AuthStyle {
	case oauth2.AuthStyleInParams:
		form.Set("client_id", cfg.ClientID)
		if cfg.ClientSecret != "" {
			form.Set("client_secret", cfg.ClientSecret)
		}
	case oauth2.AuthStyleInHeader:
	default:
		t.Fatalf("revoke: pin the auth style, got %v", cfg.Endpoint.AuthStyle)
	}
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cfg.Endpoint.AuthStyle == oauth2.AuthStyleInHeader {
		// RFC 6749 §2.3.1: form-url-encode both before HTTP Basic.
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
	}
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if body := readBody(t, res); res.StatusCode != http.StatusOK {
		t.Fatalf("revoke %s: %d, want 200: %s", hint, res.StatusCode, body)
	}
}

// oauthError returns the OAuth error code of an x/oauth2 token endpoint
// error, or a description of err when it is not one.
func oauthError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return fmt.Sprintf("not an OAuth error: %v", err)
}

func readBody(t *testing.T, res *http.Response) []byte {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", res.Request.URL, err)
	}
	return b
}

func isJSON(res *http.Response) bool {
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// skipOrFail skips t when a prerequisite of an interop test is missing on
// this machine, but fails it under CI (CI set), where everything must run.
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}
