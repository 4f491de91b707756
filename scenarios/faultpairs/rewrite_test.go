package faultpairs_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/internal/testutil"
)

// Test-level behaviours: answers of the reference server rewritten in front
// of it, for lawful behaviours it does not offer as variants.

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
	return func(next http.Handler) http.Handler { return testutil.EditJSON(next, path, edit) }
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

// updateRedirectsByPolicy treats a redirect URI ending in /updated as one
// its policy does not allow for an existing client: refused with 400
// invalid_redirect_uri, or (replace) dropped from the update, so that the
// client keeps the redirect URIs it had (RFC 7592 §2.2 "MAY replace any
// invalid values with suitable default values").
func updateRedirectsByPolicy(replace bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPut || !strings.Contains(r.URL.Path, "/register/") {
				next.ServeHTTP(w, r)
				return
			}
			var body map[string]any
			b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if json.Unmarshal(b, &body) == nil && body != nil {
				uris, _ := body["redirect_uris"].([]any)
				var kept []any
				for _, u := range uris {
					if s, _ := u.(string); strings.HasSuffix(s, "/updated") {
						if !replace {
							w.Header().Set("Content-Type", "application/json")
							w.WriteHeader(http.StatusBadRequest)
							_, _ = w.Write([]byte(`{"error":"invalid_redirect_uri","error_description":"redirect URIs may not change after registration"}`))
							return
						}
						u = strings.TrimSuffix(s, "/updated")
					}
					kept = append(kept, u)
				}
				if uris != nil {
					body["redirect_uris"] = kept
				}
				b, _ = json.Marshal(body)
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
			next.ServeHTTP(w, r)
		})
	}
}
