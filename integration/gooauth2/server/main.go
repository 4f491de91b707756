// Command server is an OAuth 2.0 authorization server built from
// go-oauth2/oauth2 v4 for authspec's integration test. It is wired the way
// the library's README and its example server (example/server) show: the
// default manager with its default code and token lifetimes, the memory
// token store, the memory client store, PKCE (S256 and plain, the library's
// default), and a login page that the user authorization handler sends the
// person to. The library leaves the login and consent page, the clients and
// the metadata document to the integrator; those are the only parts written
// here, and everything the protocol decides (validation, errors, codes,
// tokens, PKCE, refresh) is the library's.
//
//	server [-redirect-uri URI]        (the redirect URI of both clients)
//	READY_FILE=path server            (the issuer is written there once listening)
//	CLIENT_SECRET=... server          (the confidential client's secret)
//
// It listens on 127.0.0.1 only. Everything lives in memory.
package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"

	oautherrors "github.com/go-oauth2/oauth2/v4/errors"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
)

const (
	confidentialID = "authspec-confidential"
	publicID       = "authspec-public"
	username       = "alice"
)

func main() {
	redirectURI := flag.String("redirect-uri", "http://127.0.0.1:8976/callback", "redirect URI of both clients")
	flag.Parse()
	if err := run(*redirectURI); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(redirectURI string) error {
	secret, password := os.Getenv("CLIENT_SECRET"), os.Getenv("USER_PASSWORD")
	if secret == "" || password == "" {
		return errors.New("set CLIENT_SECRET and USER_PASSWORD")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	issuer := "http://" + ln.Addr().String()

	// As the README: the default manager, the memory token store, the
	// memory client store. A client's Domain is what the library compares
	// the redirect URI with.
	manager := manage.NewDefaultManager()
	manager.SetAuthorizeCodeTokenCfg(manage.DefaultAuthorizeCodeTokenCfg)
	manager.MustTokenStorage(store.NewMemoryTokenStore())
	clients := store.NewClientStore()
	if err := clients.Set(confidentialID, &models.Client{ID: confidentialID, Secret: secret, Domain: redirectURI}); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err := clients.Set(publicID, &models.Client{ID: publicID, Domain: redirectURI, Public: true}); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	manager.MapClientStorage(clients)

	srv := server.NewServer(server.NewConfig(), manager)
	// The library reads the client from HTTP Basic (ClientBasicHandler, its
	// default) or from the form (ClientFormHandler); RFC 6749 §2.3.1 has
	// the server support Basic and lets it accept the form, and a public
	// client sends only its client_id: Basic when the header is there,
	// else the form.
	srv.SetClientInfoHandler(func(r *http.Request) (string, string, error) {
		if _, _, ok := r.BasicAuth(); ok {
			return server.ClientBasicHandler(r)
		}
		return server.ClientFormHandler(r)
	})
	pages := &loginPages{password: password, pending: map[string]url.Values{}}
	srv.SetUserAuthorizationHandler(pages.authorize)

	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		if err := srv.HandleAuthorizeRequest(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if err := srv.HandleTokenRequest(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("/login", pages.login)
	mux.HandleFunc("/.well-known/oauth-authorization-server", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                issuer,
			"authorization_endpoint":                issuer + "/oauth/authorize",
			"token_endpoint":                        issuer + "/oauth/token",
			"response_types_supported":              []string{"code", "token"},
			"grant_types_supported":                 []string{"authorization_code", "implicit", "password", "client_credentials", "refresh_token"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
			"code_challenge_methods_supported":      []string{"plain", "S256"},
		})
	})

	if f := os.Getenv("READY_FILE"); f != "" {
		if err := os.WriteFile(f, []byte(issuer), 0o600); err != nil {
			return fmt.Errorf("ready file: %w", err)
		}
	}
	log.Printf("issuer: %s", issuer)
	if err := (&http.Server{Handler: mux}).Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// loginPages is the login and consent page the library leaves to the
// integrator, as in its example: the user authorization handler keeps the
// authorization request and sends the person to /login, whose form signs
// in and approves (or denies) it, and the request is then handled again.
type loginPages struct {
	password string
	mu       sync.Mutex
	pending  map[string]url.Values // by a random request ID
	decided  sync.Map              // request ID -> the user ID, or "" when denied; used once
}

// authorize is the library's UserAuthorizationHandler: an empty user ID
// with no error tells it the handler answered (the redirect to the login
// page).
func (p *loginPages) authorize(w http.ResponseWriter, r *http.Request) (string, error) {
	if id := r.Form.Get("authspec_request"); id != "" {
		if uid, ok := p.decided.LoadAndDelete(id); ok {
			if uid.(string) == "" {
				// The library's way to deny: the handler's error,
				// which it answers as an authorization error.
				return "", oautherrors.ErrAccessDenied
			}
			return uid.(string), nil
		}
	}
	id := rand.Text()
	p.mu.Lock()
	p.pending[id] = r.Form
	p.mu.Unlock()
	http.Redirect(w, r, "/login?request="+url.QueryEscape(id), http.StatusFound)
	return "", nil
}

var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Sign in</title></head>
<body><h1>Sign in</h1><p>The client {{.Client}} asks for access.</p>
<form method="POST" action="/login">
<input type="hidden" name="request" value="{{.Request}}">
<label>User name <input type="text" name="username"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit" name="decision" value="allow">Sign in and allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></body></html>`))

func (p *loginPages) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := r.Form.Get("request")
	p.mu.Lock()
	form, ok := p.pending[id]
	if ok && r.Method == http.MethodPost {
		delete(p.pending, id)
	}
	p.mu.Unlock()
	if !ok {
		http.Error(w, "unknown or used authorization request", http.StatusBadRequest)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = loginPage.Execute(w, map[string]string{"Client": form.Get("client_id"), "Request": id})
		return
	}
	uid := ""
	if r.Form.Get("decision") == "allow" {
		if r.Form.Get("username") != username || r.Form.Get("password") != p.password {
			http.Error(w, "wrong user name or password", http.StatusUnauthorized)
			return
		}
		uid = username
	}
	p.decided.Store(id, uid)
	back := url.Values{}
	for k, v := range form {
		back[k] = v
	}
	back.Set("authspec_request", id)
	http.Redirect(w, r, "/oauth/authorize?"+back.Encode(), http.StatusSeeOther)
}
