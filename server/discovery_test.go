package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// TestDiscovery_CleanDocuments: without faults, no metadata member is an
// empty array, and the resource metadata lives only at the inserted URL.
func TestDiscovery_CleanDocuments(t *testing.T) {
	e := newEnv(t, server.Config{})
	for _, p := range []string{"/.well-known/oauth-authorization-server", "/.well-known/oauth-protected-resource/mcp"} {
		r := e.get(p)
		require.Equal(t, http.StatusOK, r.status, p)
		assert.Equal(t, "application/json", r.header.Get("Content-Type"), p)
		for k, v := range r.json(t) {
			if arr, ok := v.([]any); ok {
				assert.NotEmpty(t, arr, "%s: %s is an empty array", p, k)
			}
		}
	}
	assert.Equal(t, http.StatusNotFound, e.get("/mcp/.well-known/oauth-protected-resource").status)
}

func TestDiscovery_Faults(t *testing.T) {
	e := newEnv(t, withFaults(server.FaultResourceMetaPathAppended, server.FaultMetadataNoAuthzEndpoint,
		server.FaultMetadataArrayAsString, server.FaultResourceMetaScopesString, server.FaultResourceMetaChallengeToAS))
	assert.Equal(t, http.StatusNotFound, e.get("/.well-known/oauth-protected-resource/mcp").status)
	rm := e.get("/mcp/.well-known/oauth-protected-resource")
	require.Equal(t, http.StatusOK, rm.status)
	assert.IsType(t, "", rm.json(t)["scopes_supported"])

	md := e.get("/.well-known/oauth-authorization-server").json(t)
	assert.NotContains(t, md, "authorization_endpoint")
	assert.IsType(t, "", md["response_modes_supported"])

	ch := e.get("/mcp")
	assert.Equal(t, http.StatusUnauthorized, ch.status)
	assert.Contains(t, ch.header.Get("WWW-Authenticate"), `resource_metadata="`+e.issuer+`/.well-known/oauth-authorization-server"`)
}

// TestDiscovery_IssuerWithPath: the well-known strings go between host and
// path (RFC 8414 §3.1, RFC 9728 §3.1), also for the path-appended fault.
func TestDiscovery_IssuerWithPath(t *testing.T) {
	for _, tc := range []struct {
		faults []server.Fault
		ok     []string
		absent []string
	}{
		{nil, []string{"/.well-known/oauth-authorization-server/tenant", "/.well-known/oauth-protected-resource/tenant/mcp"},
			[]string{"/tenant/.well-known/oauth-authorization-server", "/tenant/mcp/.well-known/oauth-protected-resource"}},
		{[]server.Fault{server.FaultResourceMetaPathAppended}, []string{"/tenant/mcp/.well-known/oauth-protected-resource"},
			[]string{"/.well-known/oauth-protected-resource/tenant/mcp"}},
	} {
		var h http.Handler
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
		t.Cleanup(ts.Close)
		srv, err := server.New(server.Config{Issuer: ts.URL + "/tenant", Faults: tc.faults, Consent: server.ConsentAuto})
		require.NoError(t, err)
		h = srv.Handler()
		status := func(p string) int {
			res, err := http.Get(ts.URL + p)
			require.NoError(t, err)
			_ = res.Body.Close()
			return res.StatusCode
		}
		for _, p := range tc.ok {
			assert.Equal(t, http.StatusOK, status(p), "%v %s", tc.faults, p)
		}
		for _, p := range tc.absent {
			assert.Equal(t, http.StatusNotFound, status(p), "%v %s", tc.faults, p)
		}
	}
}

// TestDiscovery_ResourceOrigin: a resource that a proxy serves on its own
// origin is named by that origin in its metadata and its challenges.
func TestDiscovery_ResourceOrigin(t *testing.T) {
	srv, err := server.New(server.Config{Issuer: "http://127.0.0.1:9000", ResourceOrigin: "https://mcp.example.com"})
	require.NoError(t, err)
	assert.Equal(t, "https://mcp.example.com/mcp", srv.ResourceURL())
	assert.Equal(t, "https://mcp.example.com/.well-known/oauth-protected-resource/mcp", srv.ResourceMetadataURL())
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/mcp", nil))
	assert.Contains(t, rec.Header().Get("WWW-Authenticate"), `resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`)
	for _, bad := range []string{"ftp://x", "https://mcp.example.com/path", "https://mcp.example.com?q=1", "mcp.example.com"} {
		_, err := server.New(server.Config{Issuer: "http://127.0.0.1:9000", ResourceOrigin: bad})
		assert.Error(t, err, bad)
	}
}
