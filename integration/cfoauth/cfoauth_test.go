//go:build integration

package cfoauth

import (
	"fmt"
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const password = "workers-oauth-user-password"

func TestWorkersOAuthProvider(t *testing.T) {
	harness.Test(t, harness.Target{
		Server:     harness.Server{Name: "workers-oauth-provider", Dir: ".", Cmd: []string{"node", "server.mjs"}, Env: []string{"USER_PASSWORD=" + password}},
		NodeModule: "@cloudflare/workers-oauth-provider",
		Out:        "workers-oauth-provider",
		Config:     targetConfig,
		Env:        []string{"AUTHSPEC_USERNAME=alice", "AUTHSPEC_PASSWORD=" + password},
	})
}

// targetConfig is the target.yaml for the server: its resource (the
// Worker's /mcp, which needs the scope mcp:read), and the recipe for its one
// page, which asks for the username and password beside the consent (Allow,
// or Deny, which the library answers with access_denied). Clients come from
// dynamic registration. The page is shown for every request: nothing is
// remembered. The library keeps one grant per user and client (a new
// authorization revokes the earlier one), which the run finds out by itself
// (the feature one_grant_per_client of the report).
func targetConfig(issuer string) string {
	return fmt.Sprintf(`issuer: %[1]s
resource: %[1]s/mcp
scopes: ["mcp:read"]
browser:
  login:
    - { fill: 'input[name="username"]', value: "${env:AUTHSPEC_USERNAME}" }
    - { fill: 'input[name="password"]', value: "${env:AUTHSPEC_PASSWORD}" }
  consent:
    - { expect_text: "to access your account" }
    - { click: 'button:has-text("Allow")' }
  deny:
    - { click: 'button:has-text("Deny")' }
  repeat_consent: always
`, issuer)
}
