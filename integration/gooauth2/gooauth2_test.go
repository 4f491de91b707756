//go:build integration

package gooauth2

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const (
	username    = "alice"
	redirectURI = "http://127.0.0.1:8976/callback"
)

func TestGoOAuth2(t *testing.T) {
	root := harness.Root(t)
	exp := harness.LoadExpectations(t, "expectations.yaml")
	bin := harness.AuthspecBinary(t, root)

	// The server is a module of its own (server/go.mod): the library's
	// dependencies stay out of authspec's module graph.
	server := filepath.Join(t.TempDir(), "gooauth2-server")
	harness.Command(t, "server", "go", "build", "-o", server, ".")
	secret, password := "gooauth2-client-secret-0123456789", "gooauth2-user-password"
	issuer := harness.Start(t, harness.Server{
		Name: "go-oauth2 server",
		Dir:  "server",
		Cmd:  []string{server, "-redirect-uri", redirectURI},
		Env:  []string{"CLIENT_SECRET=" + secret, "USER_PASSWORD=" + password},
	})
	t.Logf("%s at %s", exp.Server, issuer)

	rep := harness.Exec(t, harness.Run{
		Bin:    bin,
		Root:   root,
		Config: targetConfig(issuer),
		Out:    harness.OutDir(root, "go-oauth2"),
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
// (no registration endpoint), and the recipe for its login page (username,
// password, "Sign in and allow"; "Deny" ends the request with
// access_denied). The server asks every time: it keeps no record of
// approvals.
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
    - { expect_text: "asks for access" }
    - { click: 'button:has-text("Sign in and allow")' }
  deny:
    - { click: 'button:has-text("Deny")' }
  repeat_consent: always
`, issuer, redirectURI)
}
