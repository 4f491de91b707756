package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Target is a third-party server of make integration and how authspec is
// pointed at it: the test of its directory compares the run's report with
// the directory's expectations.yaml and checks that docs/targets.md
// explains every finding.
type Target struct {
	// Server starts it. With GoBuild, the Go module in Server.Dir is built
	// first and its binary runs with Server.Cmd as arguments.
	Server  Server
	GoBuild bool
	// NodeModule, when set, is a package the server needs from npm: the
	// test runs npm ci in the test's directory when it is missing.
	NodeModule string
	// Out names the folder of the reports, reports/out/<Out>.
	Out string
	// Config is the target config (target.yaml) for the issuer.
	Config func(issuer string) string
	// Parallel is authspec's --parallel (0: its default).
	Parallel int
	// Env is added to authspec's environment (credentials for ${env:...});
	// AUTHSPEC_CHROMIUM is set to a Chromium kept on loopback addresses.
	Env []string
	// Secret and Password, when set, are the confidential client's secret
	// and the password of Username: the server gets them as CLIENT_SECRET
	// and USER_PASSWORD, authspec as AUTHSPEC_CLIENT_SECRET,
	// AUTHSPEC_USERNAME and AUTHSPEC_PASSWORD (StaticClients).
	Secret, Username, Password string
}

// Test starts tg's server, runs authspec against it, and compares.
func Test(t *testing.T, tg Target) {
	t.Helper()
	root := Root(t)
	exp := LoadExpectations(t, "expectations.yaml")
	if tg.NodeModule != "" {
		if _, err := exec.LookPath("node"); err != nil {
			t.Fatal("node is not installed; the integration test needs Node.js 20 or later and npm")
		}
		if _, err := os.Stat(filepath.Join("node_modules", tg.NodeModule, "package.json")); err != nil {
			t.Log("node_modules missing: npm ci")
			Command(t, ".", "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		}
	}
	bin := AuthspecBinary(t, root)
	if tg.Secret != "" {
		tg.Server.Env = append(tg.Server.Env, "CLIENT_SECRET="+tg.Secret, "USER_PASSWORD="+tg.Password)
		tg.Env = append(tg.Env, "AUTHSPEC_CLIENT_SECRET="+tg.Secret, "AUTHSPEC_USERNAME="+tg.Username, "AUTHSPEC_PASSWORD="+tg.Password)
	}
	if tg.GoBuild {
		// A module of its own: the server's dependencies stay out of
		// authspec's module graph.
		server := filepath.Join(t.TempDir(), "server")
		Command(t, tg.Server.Dir, "go", "build", "-o", server, ".")
		tg.Server.Cmd = append([]string{server}, tg.Server.Cmd...)
	}
	issuer, more, _ := strings.Cut(Start(t, tg.Server), "\n")
	// Lines after the issuer are NAME=value pairs the server learnt only
	// once started (the port of a second server): authspec gets them in
	// its environment, for ${env:NAME} in the config.
	for _, line := range strings.Split(more, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			tg.Env = append(tg.Env, line)
		}
	}
	t.Logf("%s at %s", exp.Server, issuer)
	rep := Exec(t, Run{
		Bin:      bin,
		Root:     root,
		Config:   tg.Config(issuer),
		Out:      OutDir(root, tg.Out),
		Parallel: tg.Parallel,
		Env:      append(append([]string(nil), tg.Env...), "AUTHSPEC_CHROMIUM="+LoopbackChromium(t)),
	})
	Compare(t, exp, rep)
	CheckDocs(t, root, exp)
}

// StaticClients is the target config of a server that holds the two
// clients of these tests, registered beforehand with redirectURI
// (authspec-confidential, whose secret the test passes as
// AUTHSPEC_CLIENT_SECRET, by HTTP Basic; authspec-public, a native app),
// with scopes, and whose one page asks for the username and password
// (AUTHSPEC_USERNAME, AUTHSPEC_PASSWORD) beside the consent: it shows
// asks, the text that identifies it, and a button labelled allow, and
// another labelled Deny that ends the request with access_denied. The page
// is shown for every request: nothing is remembered.
func StaticClients(issuer, redirectURI, scopes, asks, allow string) string {
	return fmt.Sprintf(`issuer: %[1]s
scopes: [%[3]s]
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
    - { expect_text: %[4]q }
    - { click: 'button:has-text(%[5]q)' }
  deny:
    - { click: 'button:has-text("Deny")' }
  repeat_consent: always
`, issuer, redirectURI, scopes, asks, allow)
}
