package interop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authspec/authspec/server"
)

// TestOpenIDClient runs js/flow.mjs, which drives the server with
// openid-client (npm), against a server started in-process: discovery,
// registration of a public and a confidential (client_secret_basic) client,
// authorization code with PKCE, state and resource, token, protected
// resource, refresh and revocation. Run it by hand against any server with
//
//	cd server/interop/js && npm ci && ISSUER=http://127.0.0.1:8080 node flow.mjs
func TestOpenIDClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not installed; install Node.js 20 or later to run the openid-client interop test")
	}
	dir, err := filepath.Abs("js")
	if err != nil {
		t.Fatal(err)
	}
	installNodeModules(t, dir)

	srv := startServer(t, server.Config{Consent: server.ConsentAuto})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "flow.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ISSUER="+srv.Issuer(), "RESOURCE="+srv.ResourceURL())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node flow.mjs: %v\n%s%s", err, stderr.Bytes(), stdout.Bytes())
	}

	// The last line of the output is the summary.
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var summary struct {
		OK      bool   `json:"ok"`
		Library string `json:"library"`
		Version string `json:"version"`
		Node    string `json:"node"`
		Results []struct {
			Client   string `json:"client"`
			ClientID string `json:"client_id"`
			Auth     string `json:"auth"`
			Rotated  bool   `json:"rotated"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &summary); err != nil {
		t.Fatalf("summary: %v\n%s", err, stdout.Bytes())
	}
	t.Logf("%s %s on node %s", summary.Library, summary.Version, summary.Node)
	if !summary.OK || len(summary.Results) != 2 {
		t.Fatalf("summary: %s", stdout.Bytes())
	}
	for _, r := range summary.Results {
		t.Logf("%s client %s (%s): refresh token rotated: %t", r.Client, r.ClientID, r.Auth, r.Rotated)
		if r.Rotated != (r.Client == "public") {
			t.Errorf("%s client: refresh token rotated = %t, want it to rotate for public clients only", r.Client, r.Rotated)
		}
	}
}

// installNodeModules runs `npm ci` in dir when its node_modules are missing,
// and skips the test when they cannot be installed.
func installNodeModules(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openid-client", "package.json")); err == nil {
		return
	} else if !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		skipOrFail(t, fmt.Sprintf("%s/node_modules is missing and npm is not installed; run `npm ci` there", dir))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		skipOrFail(t, fmt.Sprintf("%s/node_modules is missing and `npm ci` failed (%v); run it there by hand:\n%s", dir, err, out))
	}
	t.Logf("npm ci in %s:\n%s", dir, out)
}
