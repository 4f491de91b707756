//go:build integration

package gooauth2

import (
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const (
	username    = "alice"
	redirectURI = "http://127.0.0.1:8976/callback"
)

func TestGoOAuth2(t *testing.T) {
	harness.Test(t, harness.Target{
		Server:  harness.Server{Name: "go-oauth2 server", Dir: "server", Cmd: []string{"-redirect-uri", redirectURI}},
		GoBuild: true,
		Out:     "go-oauth2",
		Config:  targetConfig,
		Secret:  "gooauth2-client-secret-0123456789", Username: username, Password: "gooauth2-user-password",
	})
}

// targetConfig is the target.yaml for the server: its two static clients
// (no registration endpoint), and the recipe for its login page (username,
// password, "Sign in and allow"; "Deny" ends the request with
// access_denied). The server asks every time: it keeps no record of
// approvals.
func targetConfig(issuer string) string {
	return harness.StaticClients(issuer, redirectURI, "read, write", "asks for access", "Sign in and allow")
}
