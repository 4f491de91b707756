package server_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store/sqlite"
)

// TestSQLiteStore_SurvivesRestart registers a client and obtains tokens,
// restarts the server on the same database, and uses all of them again.
func TestSQLiteStore_SurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth.db")
	st, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	e := newEnv(t, server.Config{Store: st})
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})
	require.NoError(t, st.Close())

	st2, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	defer st2.Close()
	e2 := newEnv(t, server.Config{Store: st2, Issuer: e.issuer})
	require.Equal(t, http.StatusOK, e2.get(e2.ts.URL+"/.well-known/oauth-authorization-server").status)
	// Same issuer, new process: point the old URL at the new server.
	e.ts.Config.Handler = e2.ts.Config.Handler
	assert.Equal(t, http.StatusOK, e.callResource(tok["access_token"].(string)).status, "access token survives")
	r := e.postForm("/token", refreshForm(tok["refresh_token"].(string)), c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status, "refresh token survives: %s", r.body)
	r = e.sendJSON(http.MethodGet, c.RegURI, nil, c.RegToken)
	assert.Equal(t, http.StatusOK, r.status, "registration survives")
}
