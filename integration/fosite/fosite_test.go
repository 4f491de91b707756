//go:build integration

package fosite

import (
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

const (
	username    = "alice"
	redirectURI = "http://127.0.0.1:8976/callback"
)

func TestFosite(t *testing.T) {
	harness.Test(t, harness.Target{
		Server:  harness.Server{Name: "fosite server", Dir: "server", Cmd: []string{"-redirect-uri", redirectURI}},
		GoBuild: true,
		Out:     "fosite",
		Config:  targetConfig,
		Secret:  "fosite-client-secret-0123456789", Username: username, Password: "fosite-user-password",
	})
}

// targetConfig is the target.yaml for the server: its two static clients
// (no registration endpoint), its scopes, and the recipe for its login page
// (username, password, the requested scopes ticked, "Sign in and allow"; a
// "Deny" button ends the request with access_denied). The server asks every
// time: it keeps no record of approvals.
func targetConfig(issuer string) string {
	return harness.StaticClients(issuer, redirectURI, "read, write, offline", "asks for access", "Sign in and allow")
}
