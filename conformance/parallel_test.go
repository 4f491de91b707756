package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/internal/testutil"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// grantPerClient wraps the reference server so that it forgets a client's
// grant as a whole, as servers that keep one grant per person and client
// do (oidc-provider, for one; RFC 7009 §2.1 lets a server revoke the other
// tokens of a grant): once a token of a client is revoked, or one of its
// codes or refresh tokens is replayed, every token issued to that client
// before is dead (at the resource, at introspection, for a refresh).
type grantPerClient struct {
	next http.Handler

	mu     sync.Mutex
	owner  map[string]string    // token → client_id
	issued map[string]time.Time // token → when
	killed map[string]time.Time // client_id → when its grant went
}

func newGrantPerClient(next http.Handler) *grantPerClient {
	return &grantPerClient{next: next, owner: map[string]string{}, issued: map[string]time.Time{}, killed: map[string]time.Time{}}
}

// dead reports whether token belongs to a grant that went after it was issued.
func (g *grantPerClient) dead(token string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.owner[token]
	if !ok {
		return false
	}
	k, gone := g.killed[c]
	return gone && !g.issued[token].After(k)
}

func (g *grantPerClient) kill(clientID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.killed[clientID] = time.Now()
}

func clientOf(r *http.Request, form url.Values) string {
	if id, _, ok := r.BasicAuth(); ok {
		if u, err := url.QueryUnescape(id); err == nil {
			return u
		}
		return id
	}
	return form.Get("client_id")
}

func (g *grantPerClient) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var form url.Values
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ = url.ParseQuery(string(body))
	}
	// A dead token is replaced by one the server never issued: the
	// server itself answers as for a revoked token.
	const gone = "authspec-test-revoked-with-its-grant"
	bearer := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	switch {
	case strings.HasPrefix(r.URL.Path, "/mcp") && bearer != "" && g.dead(bearer):
		r.Header.Set("Authorization", "Bearer "+gone)
	case r.URL.Path == "/introspect" && form != nil && g.dead(form.Get("token")):
		form.Set("token", gone)
	case r.URL.Path == "/token" && form.Get("grant_type") == "refresh_token" && g.dead(form.Get("refresh_token")):
		form.Set("refresh_token", gone)
	}
	if form != nil {
		body := form.Encode()
		r.Body, r.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
	}
	rec := httptest.NewRecorder()
	g.next.ServeHTTP(rec, r)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	switch r.URL.Path {
	case "/revoke":
		if rec.Code == http.StatusOK {
			g.mu.Lock()
			c, ok := g.owner[form.Get("token")]
			g.mu.Unlock()
			if ok && c == clientOf(r, form) {
				g.kill(c)
			}
		}
	case "/token":
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		if desc, _ := m["error_description"].(string); strings.Contains(desc, "already used") {
			g.kill(clientOf(r, form))
		}
		if rec.Code == http.StatusOK {
			g.mu.Lock()
			for _, k := range []string{"access_token", "refresh_token"} {
				if tok, _ := m[k].(string); tok != "" {
					g.owner[tok], g.issued[tok] = clientOf(r, form), time.Now()
				}
			}
			g.mu.Unlock()
		}
	}
}

// withoutRegistration drops registration_endpoint from the metadata.
func withoutRegistration(next http.Handler) http.Handler {
	return testutil.EditJSON(next, "/.well-known/oauth-authorization-server", func(_ *http.Request, md map[string]any) {
		delete(md, "registration_endpoint")
	})
}

// flavour is how the reference server is set up for a parallel run.
type flavour struct {
	// perClient wraps it in grantPerClient.
	perClient bool
	// configured gives the suite configured clients and hides the
	// registration endpoint: checks cannot have clients of their own.
	configured bool
}

// planStatuses runs the whole plan against a fresh reference server set up
// as f with parallel checks at once, and returns every check's status.
func planStatuses(t *testing.T, parallel int, f flavour) map[string]suite.Result {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer ts.Close()
	cfg := server.Config{Issuer: ts.URL, Consent: server.ConsentAuto, CIMD: server.CIMDLoopback}
	const redirect = "http://127.0.0.1:8976/callback"
	tcfg := &target.Config{}
	if f.configured {
		grants := []string{"authorization_code", "refresh_token", "client_credentials"}
		cfg.Clients = []server.StaticClient{
			{ID: "conf", Secret: "conf-secret-0123456789", Metadata: store.ClientMetadata{RedirectURIs: []string{redirect},
				TokenEndpointAuthMethod: "client_secret_basic", GrantTypes: grants, ResponseTypes: []string{"code"}}},
			{ID: "pub", Metadata: store.ClientMetadata{RedirectURIs: []string{redirect},
				TokenEndpointAuthMethod: "none", GrantTypes: grants[:2], ResponseTypes: []string{"code"}}},
		}
		tcfg.Clients.Confidential = &target.ClientConfig{ClientID: "conf", ClientSecret: "conf-secret-0123456789", AuthMethod: "client_secret_basic", RedirectURI: redirect}
		tcfg.Clients.Public = &target.ClientConfig{ClientID: "pub", AuthMethod: "none", RedirectURI: redirect}
	}
	srv, err := server.New(cfg)
	require.NoError(t, err)
	h = srv.Handler()
	if f.perClient {
		h = newGrantPerClient(h)
	}
	if f.configured {
		h = withoutRegistration(h)
	}
	tcfg.Resource, tcfg.ScopedResource = srv.ResourceURL(), srv.ScopedResourceURL()
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: ts.URL, Browser: conformance.BrowserOff,
		Config: tcfg, Parallel: parallel, MaxWait: noWaits})
	require.NoError(t, err)
	require.Empty(t, rep.Aborted)
	out := map[string]suite.Result{}
	for _, r := range rep.Results {
		out[r.ID] = r
	}
	return out
}

// TestParallelMatchesSequential: checks that share the run's fixtures do
// not interfere. The whole plan, 8 checks at a time, ends as it does one
// check at a time, run after run, also against a server that forgets a
// client's whole grant when one of its tokens is revoked or replayed.
func TestParallelMatchesSequential(t *testing.T) {
	if testing.Short() {
		t.Skip("several whole runs")
	}
	t.Parallel()
	for name, f := range map[string]flavour{
		"grant per code":                          {},
		"grant per client":                        {perClient: true},
		"grant per client, no clients of its own": {perClient: true, configured: true},
	} {
		t.Run(name, func(t *testing.T) {
			want := planStatuses(t, 1, f)
			var failed []string
			for id, r := range want {
				if r.Status == suite.Fail {
					failed = append(failed, fmt.Sprintf("%s: %s; want %s; got %s", id, r.Message, r.Want, r.Got))
				}
			}
			sort.Strings(failed)
			require.Empty(t, failed, "the reference server fails nothing")
			for run := 1; run <= 3; run++ {
				got := planStatuses(t, 8, f)
				var diff []string
				for id, r := range want {
					if g := got[id]; g.Status != r.Status {
						diff = append(diff, fmt.Sprintf("%s: %s alone, %s in parallel (%s)", id, r.Status, g.Status, g.Message))
					}
				}
				sort.Strings(diff)
				assert.Empty(t, diff, "run %d", run)
			}
		})
	}
}
