package faultpairs_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
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
