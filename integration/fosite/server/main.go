// Command server is an OAuth 2.0 authorization server built from ory/fosite
// for authspec's integration test. It is wired the way fosite's README and
// its example application (fosite-example) describe: the compose package,
// fosite's in-memory store, HMAC tokens, and a login page that also asks the
// person which of the requested scopes to grant. fosite leaves the login and
// consent page, the client list and the metadata document to the integrator;
// those are the only parts written here, and everything the protocol decides
// (validation, errors, codes, tokens, PKCE, revocation, introspection) is
// fosite's.
//
//	server [-port 0]                  (0, the default, picks a free port)
//	READY_FILE=path server            (the issuer is written there once listening)
//	CLIENT_SECRET=... server          (the confidential client's secret)
//
// It listens on 127.0.0.1 only. Everything lives in memory.
package main

import (
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"
	"golang.org/x/crypto/bcrypt"
)

// The clients and the person are the deployment's: fosite reads clients and
// users from its storage, here its own MemoryStore.
const (
	confidentialID = "authspec-confidential"
	publicID       = "authspec-public"
	username       = "alice"
)

func main() {
	port := flag.Int("port", 0, "port to listen on (0: any free port)")
	redirect := flag.String("redirect-uri", "http://127.0.0.1:8976/callback", "the redirect URI registered for both clients")
	flag.Parse()
	secret := os.Getenv("CLIENT_SECRET")
	password := os.Getenv("USER_PASSWORD")
	if secret == "" || password == "" {
		log.Fatal("CLIENT_SECRET and USER_PASSWORD must be set")
	}

	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	issuer := "http://" + ln.Addr().String()

	hash, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
	if err != nil {
		log.Fatalf("hash secret: %v", err)
	}
	store := storage.NewMemoryStore()
	store.Clients[confidentialID] = &fosite.DefaultClient{
		ID:            confidentialID,
		Secret:        hash,
		RedirectURIs:  []string{*redirect},
		ResponseTypes: []string{"code"},
		GrantTypes:    []string{"authorization_code", "refresh_token", "client_credentials"},
		Scopes:        []string{"read", "write", "offline"},
	}
	store.Clients[publicID] = &fosite.DefaultClient{
		ID:            publicID,
		RedirectURIs:  []string{*redirect},
		ResponseTypes: []string{"code"},
		GrantTypes:    []string{"authorization_code", "refresh_token"},
		Scopes:        []string{"read", "write", "offline"},
		Public:        true,
	}
	store.Users[username] = storage.MemoryUserRelation{Username: username, Password: password}

	// The HMAC strategy signs codes and tokens with this secret (32 bytes).
	global := make([]byte, 32)
	if _, err := rand.Read(global); err != nil {
		log.Fatalf("secret: %v", err)
	}
	config := &fosite.Config{
		AccessTokenLifespan: 30 * time.Minute,
		GlobalSecret:        global,
	}
	// A plain OAuth 2.0 server: the code grant with PKCE, client
	// credentials, refresh tokens, introspection and revocation. Everything
	// else keeps fosite's defaults.
	provider := compose.Compose(config, store, compose.NewOAuth2HMACStrategy(config),
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2ClientCredentialsGrantFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2PKCEFactory,
	)

	s := &server{provider: provider, store: store}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/auth", s.authorize)
	mux.HandleFunc("/oauth2/token", s.token)
	mux.HandleFunc("/oauth2/revoke", s.revoke)
	mux.HandleFunc("/oauth2/introspect", s.introspect)
	mux.HandleFunc("/.well-known/oauth-authorization-server", metadata(issuer))

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("issuer: %s\n", issuer)
	if f := os.Getenv("READY_FILE"); f != "" {
		if err := os.WriteFile(f, []byte(issuer), 0o600); err != nil {
			log.Fatalf("ready file: %v", err)
		}
	}
	log.Fatal(srv.Serve(ln))
}

type server struct {
	provider fosite.OAuth2Provider
	store    *storage.MemoryStore
}

// page is the login page of fosite-example: the person signs in and ticks
// the requested scopes to grant. It posts back to the authorization URL, so
// fosite reads the authorization request again from the query. Deny ends
// the request with access_denied.
var page = template.Must(template.New("login").Parse(`<!doctype html>
<html><head><title>Sign in</title></head><body>
<h1>Sign in</h1>
{{if .Error}}<p>{{.Error}}</p>{{end}}
<p>{{.Client}} asks for access to your account.</p>
<form method="post">
<p>Grant these scopes:</p>
<ul>{{range .Scopes}}<li><label><input type="checkbox" name="scopes" value="{{.}}" checked> {{.}}</label></li>{{end}}</ul>
<p><label>Username <input type="text" name="username"></label></p>
<p><label>Password <input type="password" name="password"></label></p>
<button type="submit" name="action" value="allow">Sign in and allow</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>
</body></html>
`))

func (s *server) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	if r.Method == http.MethodPost && r.PostForm.Get("action") == "deny" {
		s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrAccessDenied)
		return
	}
	var failed string
	if r.Method == http.MethodPost {
		user := r.PostForm.Get("username")
		if _, err := s.store.Authenticate(ctx, user, r.PostForm.Get("password")); err == nil {
			for _, scope := range r.PostForm["scopes"] {
				ar.GrantScope(scope)
			}
			session := &fosite.DefaultSession{Username: user, Subject: user}
			resp, err := s.provider.NewAuthorizeResponse(ctx, ar, session)
			if err != nil {
				s.provider.WriteAuthorizeError(ctx, w, ar, err)
				return
			}
			s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
			return
		}
		failed = "Wrong username or password."
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, map[string]any{
		"Client": ar.GetClient().GetID(),
		"Scopes": ar.GetRequestedScopes(),
		"Error":  failed,
	})
}

// token is fosite's token endpoint as in its README; a client credentials
// request is granted the scopes it asks for (fosite has already checked that
// the client may ask for them), as in fosite-example.
func (s *server) token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	session := new(fosite.DefaultSession)
	req, err := s.provider.NewAccessRequest(ctx, r, session)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, req, err)
		return
	}
	if req.GetGrantTypes().ExactOne("client_credentials") {
		for _, scope := range req.GetRequestedScopes() {
			req.GrantScope(scope)
		}
	}
	resp, err := s.provider.NewAccessResponse(ctx, req)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, req, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, req, resp)
}

func (s *server) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s.provider.WriteRevocationResponse(ctx, w, s.provider.NewRevocationRequest(ctx, r))
}

func (s *server) introspect(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ir, err := s.provider.NewIntrospectionRequest(ctx, r, new(fosite.DefaultSession))
	if err != nil {
		s.provider.WriteIntrospectionError(ctx, w, err)
		return
	}
	s.provider.WriteIntrospectionResponse(ctx, w, ir)
}

// metadata is the RFC 8414 document of this deployment. fosite has no
// discovery of its own (Ory Hydra, built on fosite, writes one); this one
// lists what the handlers composed above implement.
func metadata(issuer string) http.HandlerFunc {
	doc := map[string]any{
		"issuer":                                        issuer,
		"authorization_endpoint":                        issuer + "/oauth2/auth",
		"token_endpoint":                                issuer + "/oauth2/token",
		"revocation_endpoint":                           issuer + "/oauth2/revoke",
		"introspection_endpoint":                        issuer + "/oauth2/introspect",
		"response_types_supported":                      []string{"code"},
		"grant_types_supported":                         []string{"authorization_code", "refresh_token", "client_credentials"},
		"token_endpoint_auth_methods_supported":         []string{"client_secret_basic", "client_secret_post", "none"},
		"revocation_endpoint_auth_methods_supported":    []string{"client_secret_basic", "client_secret_post", "none"},
		"introspection_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":              []string{"S256"},
		"scopes_supported":                              []string{"read", "write", "offline"},
	}
	body, err := json.Marshal(doc)
	if err != nil {
		log.Fatalf("metadata: %v", err)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}
