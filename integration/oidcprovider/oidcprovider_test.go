//go:build integration

package oidcprovider

import (
	"fmt"
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const username = "alice"

func TestOIDCProvider(t *testing.T) {
	harness.Test(t, harness.Target{
		Server:     harness.Server{Name: "oidc-provider", Dir: ".", Cmd: []string{"node", "server.mjs", "0"}},
		NodeModule: "oidc-provider",
		Out:        "oidc-provider",
		Config:     targetConfig,
		// One check at a time: oidc-provider keeps one grant per person and
		// client (the remembered consent), and revokes all of its tokens
		// when a code or a rotated refresh token is replayed or a refresh
		// token is revoked. authspec's checks share the run's clients, so in
		// parallel one check's replay invalidates another's tokens
		// (docs/targets.md).
		Parallel: 1,
		// devInteractions takes any password; findAccount decides who
		// exists. Its pages import a web font from the internet: the
		// harness's Chromium keeps them on loopback.
		Env: []string{"AUTHSPEC_USERNAME=" + username, "AUTHSPEC_PASSWORD=any-password"},
	})
}

// targetConfig is the target.yaml for the server: its resource server, the
// two scopes it defines for it, and the recipe for the devInteractions pages
// (login: a "login" text field, a password field and a Sign-in button;
// consent: a page titled Authorize with a Continue button; both have a
// "[ Cancel ]" link that ends the interaction with access_denied). The
// pages only show up for a fresh login or a new grant: oidc-provider
// remembers what the person approved per client, resource and scope.
func targetConfig(issuer string) string {
	return fmt.Sprintf(`issuer: %[1]s
resource: %[1]s/api
scopes: [read, write]
browser:
  login:
    - { url: "%[1]s/interaction/*", fill: 'input[name="login"]', value: "${env:AUTHSPEC_USERNAME}" }
    - { url: "%[1]s/interaction/*", fill: 'input[name="password"]', value: "${env:AUTHSPEC_PASSWORD}" }
    - { url: "%[1]s/interaction/*", click: 'button:has-text("Sign-in")' }
  consent:
    - { expect_text: "Authorize" }
    - { click: 'button:has-text("Continue")' }
  deny:
    - { click: 'a:has-text("[ Cancel ]")' }
  repeat_consent: remembered
`, issuer)
}
