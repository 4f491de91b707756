package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite/target"
)

// sharedInspect is `authspec browser inspect` run once against the reference
// server in form mode: the tests that read what it wrote share it, and the
// server it registered its client on.
type sharedInspect struct {
	once           sync.Once
	issuer         string
	code           int
	stdout, stderr string
}

var inspected sharedInspect

// inspectReference runs inspect once per test binary, with the username
// given as a flag and the password from AUTHSPEC_PASSWORD (the username too
// is in the environment, for the runs of the skeleton). The server lives
// as long as the test binary.
func inspectReference(t *testing.T) *sharedInspect {
	t.Helper()
	t.Setenv("AUTHSPEC_USERNAME", "alice")
	t.Setenv("AUTHSPEC_PASSWORD", "wonderland")
	inspected.once.Do(func() {
		var h http.Handler
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
		// Client ID Metadata Documents as make conformance serves them: a
		// server without them is warned (mcp-2025-11-25-cimd-supported).
		srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentForm, CIMD: server.CIMDLoopback})
		require.NoError(t, err)
		h = srv.Handler()
		inspected.issuer = ts.URL
		inspected.code, inspected.stdout, inspected.stderr = runCLI(t, "browser", "inspect", "--target", ts.URL, "--username", "alice")
	})
	require.NotEmpty(t, inspected.issuer, "the reference server did not start")
	return &inspected
}

// TestBrowserInspect_SkeletonRunsAsIs: against the reference server in form
// mode (as make conformance starts it), inspect writes a complete target
// config (issuer, scopes, the client it registered, the recipe,
// repeat_consent as observed), says which client it registered, and the
// skeleton runs as it is: the browser checks run, nothing fails.
func TestBrowserInspect_SkeletonRunsAsIs(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil && os.Getenv("CI") == "" {
		t.Skip("browser inspect needs Chromium")
	}
	ins := inspectReference(t)
	issuer, code, stdout, stderr := ins.issuer, ins.code, ins.stdout, ins.stderr
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `registered on the target: public client \S+ \(redirect URI http://127\.0\.0\.1:\d+/callback\) by dynamic registration at `+issuer, stderr)
	// inspect approves a public client, which the reference server asks
	// again (RFC 8252 §8.6); it remembers confidential clients' approvals.
	assert.Contains(t, stderr, "repeat consent: always (a second authorization of the approved public client showed the consent page again)")

	path := filepath.Join(t.TempDir(), "target.yaml")
	require.NoError(t, os.WriteFile(path, []byte(stdout), 0o600))
	cfg, _, err := target.LoadConfig(path, os.LookupEnv)
	require.NoError(t, err, "the skeleton is a valid config:\n%s", stdout)
	assert.Equal(t, issuer, cfg.Issuer)
	require.NotNil(t, cfg.Clients.Public, "the client inspect registered:\n%s", stdout)
	assert.NotEmpty(t, cfg.Clients.Public.ClientID)
	assert.Equal(t, target.RepeatConsentAlways, cfg.Browser.RepeatConsent, "as observed")
	assert.Equal(t, []target.Step{{Click: "#allow"}}, cfg.Browser.Consent)
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(stdout), &raw))
	assert.NotContains(t, raw, "resource", "not learnt: left as a comment")
	assert.Contains(t, stdout, "# resource: ")

	out := t.TempDir()
	code, runOut, runErr := runCLI(t, "run", "--config", path, "--out", out, "--quiet", "--fail-on", "should")
	require.Equal(t, 0, code, "the skeleton runs as it is:\n%s\nstdout:\n%s\nstderr:\n%s", stdout, runOut, runErr)
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	require.NoError(t, err)
	var rep struct {
		Summary struct{ Fail, Error, Warn, Pass int }
		Results []struct{ ID, Status, Message string }
	}
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Zero(t, rep.Summary.Fail+rep.Summary.Error+rep.Summary.Warn)
	for _, r := range rep.Results {
		assert.NotContains(t, r.Message, "requires browser", "%s: the recipe lets the browser checks run", r.ID)
		assert.NotContains(t, r.Message, "a person must get through", r.ID)
	}
}
