//go:build integration

package zitadel

import (
	"fmt"
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const redirectURI = "http://127.0.0.1:8976/callback"

func TestZitadel(t *testing.T) {
	harness.Test(t, harness.Target{
		Server: harness.Server{
			Name: "zitadel/oidc example server",
			Dir:  "server",
			Cmd:  []string{"-redirect-uri", redirectURI},
		},
		GoBuild: true,
		Out:     "zitadel",
		Config:  targetConfig,
	})
}

// targetConfig is the target.yaml for the example server: its web client
// (client_secret_basic) and its native client (public, no secret), both
// registered with the test's redirect URI, and the recipe for its login
// page. The example's users are test-user@<issuer host> and test-user2,
// both with the password verysecure; it shows no consent page, and asks
// for the login again on every request.
func targetConfig(issuer string) string {
	return fmt.Sprintf(`issuer: %[1]s
scopes: [openid, profile, email]
redirect_uri: %[2]s
clients:
  confidential:
    client_id: web
    client_secret: secret
    redirect_uri: %[2]s
    auth_method: client_secret_basic
  public:
    client_id: native
    redirect_uri: %[2]s
    native: true
browser:
  login:
    - { fill: 'input[name="username"]', value: "test-user@127.0.0.1" }
    - { fill: 'input[name="password"]', value: "verysecure" }
    - { click: 'button:has-text("Login")' }
`, issuer, redirectURI)
}
