//go:build integration

package nodeoauth2

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const (
	username    = "alice"
	redirectURI = "http://127.0.0.1:8976/callback"
)

func TestNodeOAuth2Server(t *testing.T) {
	root := harness.Root(t)
	exp := harness.LoadExpectations(t, "expectations.yaml")
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed; the integration test needs Node.js 20 or later and npm")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@node-oauth", "oauth2-server", "package.json")); err != nil {
		t.Log("node_modules missing: npm ci")
		harness.Command(t, ".", "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	}
	bin := harness.AuthspecBinary(t, root)
	secret, password := "node-oauth2-client-secret-0123456789", "node-oauth2-user-password"
	issuer := harness.Start(t, harness.Server{
		Name: "node-oauth2-server",
		Dir:  ".",
		Cmd:  []string{"node", "server.mjs", "0"},
		Env:  []string{"CLIENT_SECRET=" + secret, "USER_PASSWORD=" + password, "REDIRECT_URI=" + redirectURI},
	})
	t.Logf("%s at %s", exp.Server, issuer)

	rep := harness.Exec(t, harness.Run{
		Bin:    bin,
		Root:   root,
		Config: targetConfig(issuer),
		Out:    harness.OutDir(root, "node-oauth2-server"),
		Env: []string{
			"AUTHSPEC_CLIENT_SECRET=" + secret,
			"AUTHSPEC_USERNAME=" + username,
			"AUTHSPEC_PASSWORD=" + password,
			"AUTHSPEC_CHROMIUM=" + harness.LoopbackChromium(t),
		},
	})
	harness.Compare(t, exp, rep)
	harness.CheckDocs(t, root, exp)
}

// targetConfig is the target.yaml for the server: its two static clients
// (no registration endpoint), its scopes, and the recipe for its login page
// (username, password, "Allow"; "Deny" ends the request with
// access_denied). The page is shown for every request: nothing is
// remembered.
func targetConfig(issuer string) string {
	return fmt.Sprintf(`issuer: %[1]s
scopes: [read, write]
redirect_uri: %[2]s
clients:
  confidential:
    client_id: authspec-confidential
    client_secret: "${env:AUTHSPEC_CLIENT_SECRET}"
    redirect_uri: %[2]s
    auth_method: client_secret_basic
  public:
    client_id: authspec-public
    redirect_uri: %[2]s
    native: true
browser:
  login:
    - { fill: 'input[name="username"]', value: "${env:AUTHSPEC_USERNAME}" }
    - { fill: 'input[name="password"]', value: "${env:AUTHSPEC_PASSWORD}" }
  consent:
    - { expect_text: "asks for" }
    - { click: 'button:has-text("Allow")' }
  deny:
    - { click: 'button:has-text("Deny")' }
  repeat_consent: always
`, issuer, redirectURI)
}
