package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// TestInterop_OpenIDClient runs server/jsclient/flow.mjs: openid-client (on
// npm, the most used JavaScript OAuth client) registers a public and a
// confidential client and runs the whole flow against the reference server.
// `make deps` installs its node_modules; CI fails if they are missing.
func TestInterop_OpenIDClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not installed")
	}
	dir, err := filepath.Abs("jsclient")
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openid-client")); err != nil {
		skipOrFail(t, "server/jsclient/node_modules is missing: run `make deps` (npm ci in server/jsclient)")
	}
	e := newEnv(t, server.Config{})
	require.Equal(t, 200, e.get("/.well-known/oauth-authorization-server").status)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "flow.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ISSUER="+e.issuer, "RESOURCE="+e.srv.ResourceURL())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "openid-client flow failed:\n%s", out)
	require.Contains(t, string(out), `"ok":true`)
	require.True(t, strings.Contains(string(out), `"label":"public","rotated":true`), "public refresh tokens rotate: %s", out)
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}
