package server_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
)

// fuzzServer builds a server with one confidential and one public client and
// no recovery middleware in the way: any 5xx is a finding, but for a 503
// saying that the store holds as much as it may. The fuzzer is one source
// sending as fast as it can: the rate limits are off (limits_test.go tests
// them).
func fuzzServer(f *testing.F) http.Handler {
	srv, err := server.New(server.Config{
		Issuer:  "http://127.0.0.1:9000",
		Consent: server.ConsentAuto,
		Limits:  server.Limits{Registration: server.NoRateLimit, Token: server.NoRateLimit},
		Clients: []server.StaticClient{
			{ID: "conf", Secret: "secret", Metadata: store.ClientMetadata{RedirectURIs: []string{"http://127.0.0.1:1/cb"},
				GrantTypes: []string{"authorization_code", "refresh_token", "client_credentials"}}},
			{ID: "pub", Metadata: store.ClientMetadata{RedirectURIs: []string{"http://127.0.0.1:1/cb", "com.example:/cb"},
				GrantTypes: []string{"authorization_code", "refresh_token"}}},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	return srv.Handler()
}

func serve(t *testing.T, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusServiceUnavailable && rec.Header().Get("Retry-After") != "" &&
		strings.Contains(rec.Body.String(), `"temporarily_unavailable"`) {
		return rec // full, by design
	}
	if rec.Code >= 500 {
		t.Fatalf("%s %s: status %d: %s", req.Method, req.URL, rec.Code, rec.Body.String())
	}
	return rec
}

func FuzzTokenRequest(f *testing.F) {
	h := fuzzServer(f)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("conf:secret"))
	f.Add("grant_type=client_credentials&scope=read", basic, "application/x-www-form-urlencoded")
	f.Add("grant_type=authorization_code&code=x&code_verifier=y&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&client_id=pub", "", "application/x-www-form-urlencoded")
	f.Add("grant_type=refresh_token&refresh_token=abc&scope=read+write&resource=http://127.0.0.1:9000/mcp", basic, "application/x-www-form-urlencoded; charset=utf-8")
	f.Add("grant_type=client_credentials&client_id=conf&client_secret=secret&client_secret=x", "Basic %%%", "application/x-www-form-urlencoded")
	f.Add(`{"grant_type":"client_credentials"}`, basic, "application/json")
	f.Fuzz(func(t *testing.T, body, authz, ctype string) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000/token", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", authz)
		rec := serve(t, h, req)
		if rec.Code == http.StatusOK && rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("token response without no-store")
		}
		if rec.Code == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatalf("401 without WWW-Authenticate")
		}
	})
}

func FuzzRegistration(f *testing.F) {
	h := fuzzServer(f)
	f.Add(`{"redirect_uris":["https://a.example/cb"],"client_name":"x"}`)
	f.Add(`{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}`)
	f.Add(`{"grant_types":["client_credentials"],"scope":"read write","contacts":["a@b"]}`)
	f.Add(`{"redirect_uris":"x","grant_types":[1,2],"response_types":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000/register", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := serve(t, h, req)
		if rec.Code != http.StatusCreated && rec.Code != http.StatusBadRequest {
			t.Fatalf("registration answered %d", rec.Code)
		}
	})
}

func FuzzAuthorizeRequest(f *testing.F) {
	h := fuzzServer(f)
	f.Add("response_type=code&client_id=conf&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&state=x")
	f.Add("response_type=code&client_id=pub&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&resource=http://127.0.0.1:9000/mcp")
	f.Add("response_type=token&client_id=pub&redirect_uri=com.example:/cb&state=%ff")
	f.Add("client_id=conf&client_id=pub&redirect_uri=http://evil/&scope=%00")
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/authorize", nil)
		req.URL.RawQuery = query
		rec := serve(t, h, req)
		if loc := rec.Header().Get("Location"); loc != "" {
			// A redirect may only go to a registered redirect URI (any port
			// on loopback): never an open redirect.
			// (RFC 8252 §7.3: a loopback redirect may use any port, or none.)
			if !strings.HasPrefix(loc, "http://127.0.0.1:") && !strings.HasPrefix(loc, "http://127.0.0.1/cb") &&
				!strings.HasPrefix(loc, "com.example:/cb") &&
				!strings.HasPrefix(loc, "http://127.0.0.1:9000/") {
				t.Fatalf("redirect to %q", loc)
			}
		}
	})
}

func FuzzRevokeAndIntrospect(f *testing.F) {
	h := fuzzServer(f)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("conf:secret"))
	f.Add("/revoke", "token=abc&token_type_hint=access_token", basic)
	f.Add("/introspect", "token=abc&token_type_hint=refresh_token", basic)
	f.Add("/introspect", "token=&token=x", "")
	f.Add("/revoke", "token=%ff%00", "Basic !!!")
	f.Fuzz(func(t *testing.T, path, body, authz string) {
		if path != "/revoke" && path != "/introspect" {
			path = "/introspect"
		}
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", authz)
		rec := serve(t, h, req)
		if rec.Code == http.StatusOK && path == "/introspect" && !strings.Contains(rec.Body.String(), `"active":false`) {
			t.Fatalf("an unknown token was introspected as active: %s", rec.Body.String())
		}
	})
}

func FuzzResourceAuthorization(f *testing.F) {
	h := fuzzServer(f)
	f.Add("GET", "Bearer abc", "")
	f.Add("POST", "bearer  abc", `{"jsonrpc":"2.0","id":1,"method":"initialize"}`)
	f.Add("GET", "Bearer", "access_token=abc")
	f.Add("PUT", "Basic YTpi, Bearer x", "")
	f.Fuzz(func(t *testing.T, method, authz, body string) {
		if method != http.MethodGet && method != http.MethodPost {
			method = http.MethodGet
		}
		req := httptest.NewRequest(method, "http://127.0.0.1:9000/mcp", strings.NewReader(body))
		req.Header.Set("Authorization", authz)
		rec := serve(t, h, req)
		if rec.Code == http.StatusOK {
			t.Fatalf("made-up credentials %q were accepted", authz)
		}
		if rec.Code == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatalf("401 without a challenge")
		}
	})
}

func FuzzClientConfiguration(f *testing.F) {
	h := fuzzServer(f)
	f.Add("GET", "conf", "Bearer x", "")
	f.Add("PUT", "pub", "Bearer y", `{"client_id":"pub","redirect_uris":["http://127.0.0.1/cb"]}`)
	f.Add("DELETE", "%2e%2e", "", "")
	f.Fuzz(func(t *testing.T, method, id, authz, body string) {
		switch method {
		case http.MethodGet, http.MethodPut, http.MethodDelete:
		default:
			method = http.MethodGet
		}
		req, err := http.NewRequest(method, "http://127.0.0.1:9000/register/"+id, strings.NewReader(body))
		if err != nil {
			return // not a URL a client could send
		}
		req.Header.Set("Authorization", authz)
		req.Header.Set("Content-Type", "application/json")
		rec := serve(t, h, req)
		if rec.Code >= 200 && rec.Code < 300 {
			t.Fatalf("client configuration %s %q answered %d without a registration access token", method, id, rec.Code)
		}
	})
}
