package conformance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/suite"
)

// hostile is an authorization server whose RFC 8414 metadata is valid (so
// that the run starts) and whose every other answer is broken in one way.
type hostile struct {
	mode   string
	issuer string
	hits   atomic.Int64
}

func (h *hostile) metadata(w http.ResponseWriter) {
	e := func(p string) string { return h.issuer + p }
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": h.issuer, "authorization_endpoint": e("/authorize"), "token_endpoint": e("/token"),
		"registration_endpoint": e("/register"), "revocation_endpoint": e("/revoke"), "introspection_endpoint": e("/introspect"),
		"response_types_supported": []string{"code"}, "grant_types_supported": []string{"authorization_code", "client_credentials", "refresh_token"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"scopes_supported":                      []string{"read", "write"},
	})
}

func (h *hostile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/.well-known/oauth-authorization-server") {
		h.metadata(w)
		return
	}
	h.hits.Add(1)
	switch h.mode {
	case "hang": // never answers (until the client gives up, or 30 s)
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	case "endless-body": // 200 JSON that never ends
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		chunk := []byte(`{"access_token":"` + strings.Repeat("A", 64<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case "huge-header":
		w.Header().Set("X-Junk", strings.Repeat("j", 1<<20))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	case "bad-json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"access_token":"abc","token_type":"Bearer","client_id":`))
	case "html":
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<html><body><h1>It works!</h1><form><input name=x></form><script>for(;;);</script>`))
	case "wrong-type":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(`{"access_token":"abc","token_type":"Bearer","client_id":"c","client_secret":"s","client_secret_expires_at":0}`))
	case "redirect-loop":
		http.Redirect(w, r, r.URL.String(), http.StatusFound)
	case "redirect-elsewhere": // another host (still loopback: no traffic leaves the machine)
		http.Redirect(w, r, "http://127.0.0.2:9/elsewhere", http.StatusFound)
	case "reset":
		hj, ok := w.(http.Hijacker)
		if !ok {
			return
		}
		c, _, err := hj.Hijack()
		if err != nil {
			return
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // RST instead of FIN
		}
		_ = c.Close()
	case "drip": // one byte every 200 ms, forever
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		f, _ := w.(http.Flusher)
		for r.Context().Err() == nil {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			if f != nil {
				f.Flush()
			}
			time.Sleep(200 * time.Millisecond)
		}
	case "status-garbage":
		w.WriteHeader(299)
		_, _ = w.Write([]byte("\x00\xff\xfe garbage"))
	}
}

// TestHostileTargets runs the whole plan against servers that answer
// garbage: every run completes, within the request timeout per request,
// each check ends in FAIL, ERROR or SKIP with a message, and none of the
// checks that depend on the broken endpoints passes.
func TestHostileTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("whole runs against hostile servers")
	}
	modes := []string{"hang", "endless-body", "huge-header", "bad-json", "html", "wrong-type",
		"redirect-loop", "redirect-elsewhere", "reset", "drip", "status-garbage"}
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := &hostile{mode: mode}
			ts := httptest.NewServer(h)
			defer ts.Close()
			h.issuer = ts.URL
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			rep, err := conformance.Run(context.Background(), conformance.Options{
				Target: ts.URL, Browser: conformance.BrowserOff, Parallel: 8,
				Timeout: 500 * time.Millisecond, CheckTimeout: 20 * time.Second,
			})
			require.NoError(t, err, "the run must complete and report the server's faults")
			require.NotEmpty(t, rep.Results)
			var passed []string
			for _, r := range rep.Results {
				assert.Contains(t, []suite.Status{suite.Pass, suite.Fail, suite.Warn, suite.Skip, suite.Error}, r.Status, r.ID)
				if r.Status != suite.Pass {
					assert.NotEmpty(t, r.Message, "%s %s says why", r.Status, r.ID)
				}
				for _, ex := range r.Exchanges {
					if ex.Response != nil {
						assert.LessOrEqual(t, len(ex.Response.Body), 1<<20+64, "%s: bodies are capped", r.ID)
					}
				}
				if r.Status == suite.Pass && !judgesMetadataOnly(r) {
					passed = append(passed, r.ID)
				}
			}
			// Checks judge the server's answers: a server that answers
			// nothing sensible conforms to nothing (its metadata is fine).
			if mode != "wrong-type" {
				assert.Empty(t, passed, "checks passed against a server that answers garbage (%s)", mode)
			}
			assert.Positive(t, h.hits.Load(), "the checks did reach the server")
			t.Logf("%s: %d checks, %+v", mode, len(rep.Results), rep.Summary)
		})
	}
}

// judgesMetadataOnly: the hostile servers' metadata is valid, so checks of
// the metadata alone pass rightly.
func judgesMetadataOnly(r suite.Result) bool {
	return r.Spec == suite.RFC8414 && r.ID != "rfc8414-2-registration-endpoint-registers" ||
		r.ID == "openapi-metadata-responses" || r.ID == "mcp-2025-11-25-pkce-advertised"
}

// TestHostileMetadata: a discovery document that hangs, never ends or is
// not JSON stops the run with an error (exit 2 in the CLI), quickly.
func TestHostileMetadata(t *testing.T) {
	for name, handler := range map[string]http.HandlerFunc{
		"hang": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
		},
		"endless": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for r.Context().Err() == nil {
				if _, err := fmt.Fprint(w, strings.Repeat(`{"a":`, 1000)); err != nil {
					return
				}
			}
		},
		"html":  func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>login</html>")) },
		"array": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`[1,2,3]`)) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(handler)
			defer ts.Close()
			_, err := conformance.Run(context.Background(), conformance.Options{Target: ts.URL, Browser: conformance.BrowserOff, Timeout: 500 * time.Millisecond})
			require.Error(t, err)
			var ue *conformance.UsageError
			assert.NotErrorAs(t, err, &ue, "not the user's mistake: the server's")
			assert.NotEmpty(t, err.Error())
		})
	}
}

// TestHostileTLS: a server whose certificate is not trusted stops the run
// with the TLS error, quickly; nothing is sent in clear instead.
func TestHostileTLS(t *testing.T) {
	var plain atomic.Int32
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { plain.Add(1) }))
	defer ts.Close()
	start := time.Now()
	_, err := conformance.Run(context.Background(), conformance.Options{Target: ts.URL, Browser: conformance.BrowserOff, Timeout: 2 * time.Second})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Zero(t, plain.Load(), "no request got through the failed handshake")
}
