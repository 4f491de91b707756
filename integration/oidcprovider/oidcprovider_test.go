//go:build integration

package oidcprovider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// finding is a FAIL or WARN that authspec reports on oidc-provider 9.13.3 as
// this directory configures it. Reason is one line that docs/targets.md
// repeats verbatim under the check ID, with the RFC text and the verdict.
type finding struct {
	Status  string // FAIL or WARN
	Verdict string // deviation, configuration, false-positive
	Reason  string
}

// knownFindings is the allow-list. A FAIL or WARN not listed here fails the
// test (a regression of authspec or a change of oidc-provider); a listed
// check that no longer fails is only logged.
var knownFindings = map[string]finding{
	"rfc7591-5-http-redirect-refused": {"FAIL", "deviation",
		"oidc-provider registers http redirect URIs on any host for web clients; it only enforces https for web clients of the implicit grant (OpenID Connect Registration rules)."},
	"rfc9700-4.16-no-framing": {"FAIL", "deviation",
		"the devInteractions login and consent pages send neither X-Frame-Options nor CSP frame-ancestors; they are development-only pages that a deployment replaces."},
	"rfc6749-10.2-consent-names-client": {"WARN", "deviation",
		"the devInteractions consent page shows the requested resource and scopes but neither the client's name nor its client_id nor its redirect host."},
	"mcp-2.5.1-uppercase-resource-accepted": {"WARN", "configuration",
		"oidc-provider hands the resource indicator to getResourceServerInfo as sent; this configuration compares it exactly, so HTTP://127.0.0.1:PORT/api is an unknown resource."},
	"rfc6749-4.1.3-redirect-uri-required": {"FAIL", "deviation",
		"oidc-provider fills in the client's only registered redirect URI when the code exchange omits redirect_uri, so a code whose authorization request carried redirect_uri is redeemed without it."},
	"rfc6749-5.2-unauthorized-client": {"FAIL", "deviation",
		"oidc-provider answers a grant type the client is not registered for with invalid_request (\"requested grant type is not allowed for this client\") instead of unauthorized_client."},
	"rfc6749-4.1.2.1-unauthorized-client": {"FAIL", "deviation",
		"oidc-provider redirects a client not registered for response_type code with error=invalid_request (\"requested response_type is not allowed for this client\") instead of unauthorized_client."},
	"rfc6749-5.2-unknown-scope-invalid-scope": {"FAIL", "deviation",
		"at the client credentials grant, oidc-provider drops a scope it does not know and issues a token without a scope member, so the client is told it got the scope it asked for."},
	"rfc6749-5.1-pragma-no-cache": {"WARN", "tension",
		"oidc-provider sends Cache-Control: no-store but no Pragma: no-cache on token responses; RFC 6749 requires Pragma, RFC 9111 deprecates it and OAuth 2.1 drops it, so authspec reports it as a warning."},
	"rfc9700-4.2.4-referrer-policy": {"WARN", "deviation",
		"the devInteractions login and consent pages are served without a Referrer-Policy header (nor a referrer meta tag)."},
	"rfc9700-4.2.4-no-third-party-resources": {"WARN", "deviation",
		"the devInteractions pages load a web font from fonts.googleapis.com (blocked in this test: only loopback is reachable)."},
	"openapi-token-responses": {"FAIL", "deviation",
		"oidc-provider answers a failed client authentication made in the request body with 401 invalid_client but no WWW-Authenticate header, which RFC 9110 requires on every 401."},
}

const (
	username   = "alice"
	runTimeout = 5 * time.Minute
)

func TestOIDCProvider(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Clean(filepath.Join(dir, "..", ".."))
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed; the integration test needs Node.js 20 or later and npm")
	}
	npmCI(t, dir)
	bin := authspecBinary(t, root)
	issuer := startServer(t, dir)
	t.Logf("oidc-provider 9.13.3 at %s", issuer)

	work := t.TempDir()
	cfg := filepath.Join(work, "target.yaml")
	if err := os.WriteFile(cfg, []byte(targetConfig(issuer)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := os.Getenv("AUTHSPEC_INTEGRATION_OUT")
	if out == "" {
		out = filepath.Join(root, "reports", "out", "oidc-provider")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	// One check at a time: oidc-provider keeps one grant per person and
	// client (the remembered consent), and revokes all of its tokens when a
	// code or a rotated refresh token is replayed or a refresh token is
	// revoked. authspec's checks share the run's clients, so in parallel
	// one check's replay invalidates another's tokens (docs/targets.md).
	cmd := exec.CommandContext(ctx, bin, "run", "--config", cfg, "--out", out, "--format", "json,junit,md,html", "--parallel", "1")
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"AUTHSPEC_USERNAME="+username,
		// devInteractions takes any password; findAccount decides who exists.
		"AUTHSPEC_PASSWORD=any-password",
		"AUTHSPEC_CHROMIUM="+loopbackChromium(t, work),
	)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("authspec run: %v\n%s", err, output.String())
	}
	t.Logf("authspec run exited %d after %s; reports in %s", code, elapsed.Round(10*time.Millisecond), out)
	if code != 0 && code != 1 {
		t.Fatalf("authspec run exited %d (want 0 or 1: the run must complete):\n%s", code, output.String())
	}

	results := readReport(t, filepath.Join(out, "report.json"))
	seen := map[string]string{}
	var unexpected []string
	for _, r := range results {
		seen[r.ID] = r.Status
		switch r.Status {
		case "ERROR":
			unexpected = append(unexpected, fmt.Sprintf("ERROR %s: %s", r.ID, firstLine(r.Message)))
		case "FAIL", "WARN":
			k, ok := knownFindings[r.ID]
			switch {
			case !ok:
				unexpected = append(unexpected, fmt.Sprintf("%s %s (not in knownFindings): %s", r.Status, r.ID, firstLine(r.Message)))
			case k.Status != r.Status:
				t.Logf("%s is now %s (listed as %s): %s", r.ID, r.Status, k.Status, firstLine(r.Message))
			}
		}
	}
	ids := make([]string, 0, len(knownFindings))
	for id := range knownFindings {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		switch st, ok := seen[id]; {
		case !ok:
			t.Logf("known finding %s: the check did not run (renamed or removed?); update knownFindings and docs/targets.md", id)
		case st != "FAIL" && st != "WARN":
			t.Logf("known finding %s is now %s: remove it from knownFindings and docs/targets.md", id, st)
		}
	}
	if len(unexpected) > 0 {
		t.Errorf("authspec reported results that are not known findings of oidc-provider 9.13.3 "+
			"(fix authspec, or add them to knownFindings and docs/targets.md with a reason):\n  %s\n\nauthspec output:\n%s",
			strings.Join(unexpected, "\n  "), output.String())
	}
	checkDocs(t, root)
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

// npmCI installs the pinned oidc-provider when node_modules is missing.
func npmCI(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider", "package.json")); err == nil {
		return
	}
	t.Log("node_modules missing: npm ci")
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
}

// authspecBinary is $AUTHSPEC_BIN (make integration passes bin/authspec),
// or authspec built once into a temporary directory.
func authspecBinary(t *testing.T, root string) string {
	t.Helper()
	if bin := os.Getenv("AUTHSPEC_BIN"); bin != "" {
		if !filepath.IsAbs(bin) {
			bin = filepath.Join(root, bin)
		}
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("AUTHSPEC_BIN: %v (run make build)", err)
		}
		return bin
	}
	bin := filepath.Join(t.TempDir(), "authspec")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/authspec")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/authspec: %v\n%s", err, out)
	}
	return bin
}

// startServer starts server.mjs on a free loopback port and returns its
// issuer once it listens. The server's output is shown if the test fails.
func startServer(t *testing.T, dir string) string {
	t.Helper()
	for attempt := 1; ; attempt++ {
		issuer, out, err := tryStartServer(t, dir, 45*time.Second)
		if err == nil {
			return issuer
		}
		if attempt == 2 {
			t.Fatalf("%v:\n%s", err, out)
		}
		t.Logf("first start failed, trying again: %v\n%s", err, out)
	}
}

// tryStartServer starts server.mjs once and waits up to wait for it.
func tryStartServer(t *testing.T, dir string, wait time.Duration) (string, string, error) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "issuer")
	cmd := exec.Command("node", "server.mjs", "0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "READY_FILE="+ready)
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server.mjs: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("oidc-provider output:\n%s", log.String())
		}
	})
	started := time.Now()
	deadline := time.After(wait) // a loaded machine is slow to generate the RSA key
	for {
		if b, err := os.ReadFile(ready); err == nil && len(b) > 0 {
			t.Logf("server.mjs ready after %s", time.Since(started).Round(10*time.Millisecond))
			return strings.TrimSpace(string(b)), "", nil
		}
		select {
		case err := <-exited:
			exited <- err
			return "", log.String(), fmt.Errorf("server.mjs exited before it was ready (%v)", err)
		case <-deadline:
			_ = cmd.Process.Kill()
			return "", log.String(), fmt.Errorf("server.mjs was not ready after %s", time.Since(started).Round(time.Second))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// loopbackChromium writes a wrapper that starts Chromium with every host name
// unresolvable: the devInteractions pages import a web font from the
// internet, and the test keeps the browser on loopback addresses.
func loopbackChromium(t *testing.T, dir string) string {
	t.Helper()
	exe := os.Getenv("AUTHSPEC_CHROMIUM")
	if exe == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				exe = p
				break
			}
		}
	}
	if exe == "" {
		t.Fatal("no Chromium found: run make deps (scripts/install-browser.sh)")
	}
	wrapper := filepath.Join(dir, "chromium")
	script := fmt.Sprintf("#!/bin/sh\nexec %q --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost' \"$@\"\n", exe)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

type result struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func readReport(t *testing.T, path string) []result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	var rep struct {
		Summary map[string]int `json:"summary"`
		Results []result       `json:"results"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	if len(rep.Results) == 0 {
		t.Fatal("report.json has no results")
	}
	t.Logf("summary: %d PASS, %d FAIL, %d WARN, %d SKIP, %d ERROR",
		rep.Summary["pass"], rep.Summary["fail"], rep.Summary["warn"], rep.Summary["skip"], rep.Summary["error"])
	return rep.Results
}

// checkDocs makes sure docs/targets.md explains every known finding with
// the reason given here.
func checkDocs(t *testing.T, root string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docs", "targets.md"))
	if err != nil {
		t.Fatalf("docs/targets.md: %v", err)
	}
	doc := strings.Join(strings.Fields(string(b)), " ")
	for id, k := range knownFindings {
		if !strings.Contains(doc, "`"+id+"`") {
			t.Errorf("docs/targets.md does not explain the known finding %s", id)
		}
		if !strings.Contains(doc, strings.Join(strings.Fields(k.Reason), " ")) {
			t.Errorf("docs/targets.md does not give the reason of %s: %q", id, k.Reason)
		}
	}
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	if sc.Scan() {
		return sc.Text()
	}
	return s
}

// syncBuffer collects a child's output from two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
