//go:build integration

package nodeoauth2

import (
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const (
	username    = "alice"
	redirectURI = "http://127.0.0.1:8976/callback"
)

func TestNodeOAuth2Server(t *testing.T) {
	harness.Test(t, harness.Target{
		Server:     harness.Server{Name: "node-oauth2-server", Dir: ".", Cmd: []string{"node", "server.mjs", "0"}, Env: []string{"REDIRECT_URI=" + redirectURI}},
		NodeModule: "@node-oauth/oauth2-server",
		Out:        "node-oauth2-server",
		Config:     targetConfig,
		Secret:     "node-oauth2-client-secret-0123456789", Username: username, Password: "node-oauth2-user-password",
	})
}

// targetConfig is the target.yaml for the server: its two static clients
// (no registration endpoint), its scopes, and the recipe for its login page
// (username, password, "Allow"; "Deny" ends the request with
// access_denied). The page is shown for every request: nothing is
// remembered.
func targetConfig(issuer string) string {
	return harness.StaticClients(issuer, redirectURI, "read, write", "asks for", "Allow")
}
