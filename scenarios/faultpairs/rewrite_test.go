package faultpairs_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Test-level behaviours: answers of the reference server rewritten in front
// of it, for faults and lawful variants it does not offer yet.

// issuedAccessTokens records the access tokens the token endpoint issues,
// so that a rewrite can tell them from refresh tokens.
type issuedAccessTokens struct {
	mu sync.Mutex
	at map[string]bool
}

func (a *issuedAccessTokens) has(tok string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.at[tok]
}

// record wraps next, noting every access_token of a successful token
// response.
func (a *issuedAccessTokens) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/token") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body struct {
			AccessToken string `json:"access_token"`
		}
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &body) == nil && body.AccessToken != "" {
			a.mu.Lock()
			if a.at == nil {
				a.at = map[string]bool{}
			}
			a.at[body.AccessToken] = true
			a.mu.Unlock()
		}
		copyResponse(w, rec)
	})
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// formOf reads a request's form and puts the body back for the server.
func formOf(r *http.Request) url.Values {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(b))
	f, _ := url.ParseQuery(string(b))
	return f
}

// accessRevocation answers the revocation of an access token itself,
// without the server: with 400 unsupported_token_type (refuse), or with 200
// while the token stays valid (self-contained access tokens).
func accessRevocation(refuse bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		at := &issuedAccessTokens{}
		inner := at.record(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/revoke") || !at.has(formOf(r).Get("token")) {
				inner.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			if refuse {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"unsupported_token_type","error_description":"access tokens are self-contained and cannot be revoked"}`))
				return
			}
			w.WriteHeader(http.StatusOK)
		})
	}
}

// introspectAlways answers every authorized introspection request with the
// same "active" value, whatever the token: an endpoint that reports every
// token inactive (false), or every string active (true).
func introspectAlways(active bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/introspect") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				copyResponse(w, rec)
				return
			}
			body, _ := json.Marshal(map[string]any{"active": active})
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
		})
	}
}

// introspectionForResourceServersOnly refuses every client at the
// introspection endpoint (401 invalid_client): a server that lets only its
// resource servers introspect (RFC 7662 §2.1 leaves the authorization to it).
func introspectionForResourceServersOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/introspect") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("WWW-Authenticate", `Basic realm="resource servers"`)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"only resource servers may introspect tokens"}`))
	})
}

// rewriteJSON answers requests whose path contains path with the server's
// answer, its JSON object body changed by edit when the status is 2xx.
func rewriteJSON(path string, edit func(r *http.Request, body map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.URL.Path, path) {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if rec.Code < 200 || rec.Code >= 300 || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body == nil {
				copyResponse(w, rec)
				return
			}
			edit(r, body)
			b, _ := json.Marshal(body)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(b)
		})
	}
}

// secretsExpire says in every registration response that the client
// secret expires in an hour (RFC 7591 §3.2.1: client_secret_expires_at).
var secretsExpire = rewriteJSON("/register", func(_ *http.Request, body map[string]any) {
	if _, ok := body["client_secret"]; ok {
		body["client_secret_expires_at"] = time.Now().Add(time.Hour).Unix()
	}
})

// registrationTokenRotated issues a new registration access token in
// answer to every update and retires the one the update used, as
// oidc-provider does (RFC 7592 §2.2: the server MAY issue a new one, and
// the client MUST discard the previous one).
func registrationTokenRotated(next http.Handler) http.Handler {
	var mu sync.Mutex
	serverToken := map[string]string{} // issued here → the server's own
	retired := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "/register/") {
			next.ServeHTTP(w, r)
			return
		}
		presented := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Lock()
		gone, own := retired[presented], serverToken[presented]
		mu.Unlock()
		if gone {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="the registration access token was replaced"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_token"}`))
			return
		}
		if own == "" {
			own = presented
		} else {
			r.Header.Set("Authorization", "Bearer "+own)
		}
		if r.Method != http.MethodPut {
			next.ServeHTTP(w, r)
			return
		}
		rewriteJSON("/register/", func(_ *http.Request, body map[string]any) {
			fresh := "authspec-rotated-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			mu.Lock()
			serverToken[fresh], retired[presented] = own, true
			mu.Unlock()
			body["registration_access_token"] = fresh
		})(next).ServeHTTP(w, r)
	})
}

// updateIgnoresClientID lets an update keep the client's identifier
// whatever client_id it names, instead of refusing it (oidc-provider).
func updateIgnoresClientID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/register/") {
			var body map[string]any
			b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if json.Unmarshal(b, &body) == nil && body != nil {
				body["client_id"] = r.PathValue("client_id")
				if body["client_id"] == "" {
					body["client_id"] = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
				}
				b, _ = json.Marshal(body)
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
		}
		next.ServeHTTP(w, r)
	})
}

// scopeForPeopleOnly refuses scope to the client_credentials grant
// (invalid_scope), as a server does for a scope that only a person can
// grant; the authorization code flow still grants it.
func scopeForPeopleOnly(scope string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
				f := formOf(r)
				if f.Get("grant_type") == "client_credentials" && slices.Contains(strings.Fields(f.Get("scope")), scope) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Cache-Control", "no-store")
					w.WriteHeader(http.StatusBadRequest)
					_, _ = w.Write([]byte(`{"error":"invalid_scope","error_description":"this scope is granted by a person only"}`))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// missingVerifierInvalidRequest answers a code exchange without
// code_verifier with invalid_request, RFC 6749 §5.2's code for a missing
// parameter (the reference server says invalid_grant).
func missingVerifierInvalidRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
			if f := formOf(r); f.Get("grant_type") == "authorization_code" && !f.Has("code_verifier") {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"code_verifier is required"}`))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// answer serves requests of method to paths ending in suffix with status
// and body (JSON when body starts with '{'), without the server.
func answer(method, suffix string, status int, header http.Header, body string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method || !strings.HasSuffix(r.URL.Path, suffix) {
				next.ServeHTTP(w, r)
				return
			}
			for k, v := range header {
				w.Header()[k] = v
			}
			if strings.HasPrefix(body, "{") {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
}
