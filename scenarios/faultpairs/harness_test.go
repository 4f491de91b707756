// Package faultpairs_test proves that every check can fail: each check ID is
// paired with a fault of the reference server that breaks exactly that
// requirement. The check must FAIL (WARN for SHOULD-level checks) against the
// server with the fault, and PASS against the server without it.
package faultpairs_test

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// pair ties a check to the server configuration that breaks it.
type pair struct {
	faults []server.Fault
	// variants are lawful behaviours that miss a SHOULD (RFC 2119: a
	// "valid reason" may exist to ignore it): the SHOULD-level check must
	// WARN with them.
	variants []server.Variant
	// cfg adjusts the server beyond the faults (optional).
	cfg func(*server.Config)
	// wrap rewrites the server's answers (optional): a fault the reference
	// server does not have yet, played in front of it by the test.
	wrap func(http.Handler) http.Handler
	// target adjusts the run's config before discovery (optional): what a
	// user would configure to let the suite reach the fault (allowed_origins).
	target func(*target.Config)
	// tls serves the server over TLS, the run trusting its certificate: a
	// fault of the server's TLS shows only there.
	tls bool
	// want overrides the expected status: suite.Warn for a MUST check whose
	// fault is a behaviour another specification allows (a tension reported
	// with expect.Observation). Empty means FAIL for MUST, WARN otherwise.
	want suite.Status
}

// missesShould pairs a SHOULD-level check with a variant that does not
// meet it: the check must WARN.
func missesShould(v ...server.Variant) pair { return pair{variants: v, want: suite.Warn} }

// observed pairs a check with faults that it must report as WARN.
func observed(f ...server.Fault) pair { return pair{faults: f, want: suite.Warn} }

var (
	pairsMu sync.Mutex
	pairs   = map[string]pair{}
)

// add registers pairs from one spec's test file; a duplicate is a bug.
func add(m map[string]pair) bool {
	pairsMu.Lock()
	defer pairsMu.Unlock()
	for id, p := range m {
		if _, dup := pairs[id]; dup {
			panic(fmt.Sprintf("faultpairs: %s paired twice", id))
		}
		pairs[id] = p
	}
	return true
}

func faults(f ...server.Fault) pair { return pair{faults: f} }

// shortLived pairs a check that waits out a lifetime with faults of a
// server whose codes and access tokens live 5 s rather than a minute: the
// plan of the pair is that one check, which waits the lifetime it learns
// (expires_in, the documented code lifetime).
func shortLived(f ...server.Fault) pair {
	return pair{faults: f, cfg: func(c *server.Config) { c.CodeTTL, c.AccessTokenTTL = 5*time.Second, 5*time.Second }}
}

// overTLS pairs a check with faults of a server served over TLS.
func overTLS(f ...server.Fault) pair { return pair{faults: f, tls: true} }

// tlsChecks judge the TLS of https endpoints: against the plain http
// servers of these tests they SKIP, and TestTLSChecksPassOverTLS runs them
// against a server served over TLS.
var tlsChecks = []string{"rfc7591-5-tls12-supported", "rfc7592-5-tls12-supported", "rfc7662-4-tls12-supported", "mcp-3.3-endpoints-https"}

// oauth21ClientChecks judge a server that treats the run's clients as
// OAuth 2.1 clients (oauth21_clients): they SKIP against the defaults, and
// TestOAuth21ClientChecks runs them against the variant oauth21-clients.
var oauth21ClientChecks = []string{"oauth21-10.2-redirect-uri-not-required"}

// unboundChecks judge a feature the reference server does not offer, and
// SKIP against it: it supports no Request Objects, so no client is
// required to sign them (its fault par-signed-request-object-not-enforced
// keeps the requirement without enforcing it).
var unboundChecks = []string{"rfc9126-2.3-signed-request-object-required"}

// refServer starts a reference server with cfg, behind wrap when not nil,
// and returns its issuer (with the path or final slash a variant gives it).
// With serveTLS it is served over TLS with a certificate of its own, which
// caFile holds (for tls.ca_file); caFile is empty otherwise.
func refServer(t testing.TB, cfg server.Config, wrap func(http.Handler) http.Handler, serveTLS bool) (srv *server.Server, issuer, caFile string) {
	t.Helper()
	var h http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	cfg.Issuer = "http://" + ts.Listener.Addr().String()
	if serveTLS {
		cfg.Issuer = "https://" + ts.Listener.Addr().String()
	}
	if cfg.Resources == nil {
		// A second resource the server issues tokens for, whose tokens
		// the demo resource refuses (other_resource, the audience checks),
		// both below the issuer the server will have.
		probe, err := server.New(cfg)
		require.NoError(t, err)
		cfg.Resources = []string{probe.ResourceURL(), strings.TrimSuffix(probe.Issuer(), "/") + otherResourcePath}
	}
	if cfg.Consent == "" {
		cfg.Consent = server.ConsentAuto
	}
	// rfc6749-2.3.1-basic-raw-plus-refused needs a client secret that
	// holds '+'.
	cfg.SecretsWithPlus = true
	if cfg.AccessTokenTTL == 0 {
		// rfc6749-7-expired-token-refused waits for an access token to
		// expire: a minute rather than an hour.
		cfg.AccessTokenTTL = time.Minute
	}
	if cfg.PARLifetime == 0 && cfg.Consent == server.ConsentAuto {
		// rfc9126-4-expired-refused waits for a request_uri to expire:
		// three seconds rather than ten, where no login page stands
		// between a push and the use of its request_uri.
		cfg.PARLifetime = 3 * time.Second
	}
	srv, err := server.New(cfg)
	require.NoError(t, err)
	h = srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	if !serveTLS {
		ts.Start()
		return srv, srv.Issuer(), ""
	}
	ts.TLS = srv.TLSConfig()
	ts.StartTLS()
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600))
	return srv, srv.Issuer(), caFile
}

// referenceRecipe gets a browser through the reference server's pages.
var referenceRecipe = target.BrowserConfig{
	Login:   []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "wonderland"}, {Click: "#login"}},
	Consent: []target.Step{{Click: "#allow"}},
	Deny:    []target.Step{{Click: "#deny"}},
	// The reference server remembers approvals per user, client and scope.
	RepeatConsent: target.RepeatConsentRemembered,
}

var (
	browserOnce sync.Once
	sharedB     *browser.Browser
	browserErr  error
)

// sharedBrowser launches one Chromium for the whole test binary. Without
// one (a developer machine lacking Chromium) browser checks are skipped,
// except in CI where the browser is part of the set-up.
func sharedBrowser(t testing.TB) *browser.Browser {
	browserOnce.Do(func() {
		sharedB, browserErr = browser.Launch(browser.Options{Recipe: referenceRecipe, Parallel: 2, StepTimeout: 2 * time.Minute, // a safety net: steps end on events
			Executable: os.Getenv("AUTHSPEC_CHROMIUM"), DriverDir: os.Getenv("PLAYWRIGHT_DRIVER_PATH")})
	})
	if browserErr != nil {
		if errors.Is(browserErr, browser.ErrUnavailable) && os.Getenv("CI") == "" {
			t.Skipf("browser checks need Chromium: %v", browserErr)
		}
		t.Fatalf("launch the browser: %v", browserErr)
	}
	return sharedB
}

func needsBrowser(c *suite.Check) bool { return slices.Contains(c.Requires, vocab.FeatureBrowser) }

// runChecks prepares a run against a reference server and runs the checks.
// Browser checks run against the server's login and consent pages.
func runChecks(t testing.TB, cfg server.Config, checks []*suite.Check) []suite.Result {
	t.Helper()
	return runChecksWrapped(t, cfg, nil, checks)
}

// runChecksWrapped is runChecks against the reference server behind wrap.
func runChecksWrapped(t testing.TB, cfg server.Config, wrap func(http.Handler) http.Handler, checks []*suite.Check) []suite.Result {
	t.Helper()
	return runChecksEnv(t, cfg, wrap, nil, checks)
}

// runChecksEnv is runChecksWrapped with the prepared run adjusted by adjust
// (when not nil) before the checks run, as a config would (features).
func runChecksEnv(t testing.TB, cfg server.Config, wrap func(http.Handler) http.Handler, adjust func(*suite.Env), checks []*suite.Check) []suite.Result {
	t.Helper()
	return runChecksFull(t, cfg, wrap, nil, adjust, checks)
}

// runChecksConfig is runChecksWrapped with the target config changed by
// adjust (when not nil) before discovery.
func runChecksConfig(t testing.TB, cfg server.Config, wrap func(http.Handler) http.Handler, adjust func(*target.Config), checks []*suite.Check) []suite.Result {
	t.Helper()
	return runChecksFull(t, cfg, wrap, adjust, nil, checks)
}

// runChecksFull runs checks against the reference server behind wrap, with
// the target config adjusted by adjustConfig and the prepared run by
// adjustEnv (each when not nil).
func runChecksFull(t testing.TB, cfg server.Config, wrap func(http.Handler) http.Handler,
	adjustConfig func(*target.Config), adjustEnv func(*suite.Env), checks []*suite.Check) []suite.Result {
	t.Helper()
	return runChecksWith(t, cfg, runOptions{wrap: wrap, adjustConfig: adjustConfig, adjustEnv: adjustEnv}, checks)
}

// runOptions say how runChecksWith serves the reference server and
// prepares the run; every field is optional.
type runOptions struct {
	// wrap rewrites the server's answers.
	wrap func(http.Handler) http.Handler
	// adjustConfig changes the target config before discovery, adjustEnv
	// the prepared run before the checks run.
	adjustConfig func(*target.Config)
	adjustEnv    func(*suite.Env)
	// tls serves the server over TLS (srv.TLSConfig), the run trusting
	// its certificate by tls.ca_file.
	tls bool
	// browser authorizes in the browser, behind the server's login and
	// consent pages, even when no check needs it.
	browser bool
}

// runChecksWith runs checks against a reference server with cfg, served
// and prepared as o says.
func runChecksWith(t testing.TB, cfg server.Config, o runOptions, checks []*suite.Check) []suite.Result {
	t.Helper()
	wrap, adjustConfig, adjustEnv := o.wrap, o.adjustConfig, o.adjustEnv
	tcfg := &target.Config{}
	opts := suite.PrepareOptions{Timeout: 30 * time.Second} // a safety net: a loaded machine answers late
	useBrowser := o.browser || slices.ContainsFunc(checks, needsBrowser)
	if cfg.CIMD == "" {
		cfg.CIMD = server.CIMDLoopback // the suite hosts its client metadata documents on loopback
	}
	if useBrowser {
		cfg.Consent = server.ConsentForm
		tcfg.Browser = referenceRecipe
		opts.Authorizer = sharedBrowser(t)
	}
	srv, issuer, caFile := refServer(t, cfg, wrap, o.tls)
	tcfg.TLS.CAFile = caFile
	tcfg.Resource = srv.ResourceURL()
	tcfg.ScopedResource = srv.ScopedResourceURL()
	referenceResourceConfig(tcfg, issuer)
	// The code lifetime the reference server would document, and the
	// clock skew its resource allows (none: a second is room enough).
	tcfg.CodeLifetime = srv.CodeLifetime()
	tcfg.ClockSkew = time.Second
	if adjustConfig != nil {
		adjustConfig(tcfg)
	}
	ctx := context.Background()
	env, err := suite.Prepare(ctx, issuer, tcfg, opts)
	require.NoError(t, err)
	env.Target.SetFeature(vocab.FeatureBrowser, useBrowser, "no browser in this test run")
	// The reference server follows OAuth 2.1 and MCP 2025-06-18 and claims
	// them: the checks of the rules the base specifications (or the later
	// MCP revision) leave open judge it (the variants that are lawful only
	// without the claim pair with them).
	env.Claims = referenceClaims
	if adjustEnv != nil {
		adjustEnv(env)
	}
	return runner.Run(ctx, env, checks, runner.Options{Parallel: 4, CheckTimeout: 2 * time.Minute})
}

// referenceClaims are the profiles the reference server claims to follow.
var referenceClaims = []vocab.Profile{vocab.ProfileOAuth21, vocab.ProfileMCP0618}

// otherResourcePath is the second resource of the reference servers.
const otherResourcePath = "/other-api"

// referenceResourceConfig says of the reference server what the suite
// cannot always find out by itself: its demo resource is an MCP server
// (declared, as the faults that keep the suite from getting a token for it
// hide that it answers JSON-RPC; TestResourceKindProbed finds it out), it
// serves a second resource, revocation reaches the resource at once, and
// it treats each client's consent as an MCP proxy must.
func referenceResourceConfig(tcfg *target.Config, issuer string) {
	yes := true
	tcfg.MCPServer = &yes
	tcfg.OtherResource = strings.TrimSuffix(issuer, "/") + otherResourcePath
	tcfg.SynchronousRevocation = true
	tcfg.MCPProxy = true
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedB != nil {
		_ = sharedB.Close()
	}
	os.Exit(code)
}

func registry(t testing.TB) *suite.Registry {
	reg, err := scenarios.Registry()
	require.NoError(t, err)
	return reg
}

// checksByID returns the registered checks ids, in that order.
func checksByID(t testing.TB, ids ...string) []*suite.Check {
	t.Helper()
	reg := registry(t)
	checks := make([]*suite.Check, 0, len(ids))
	for _, id := range ids {
		c, ok := reg.Get(id)
		require.True(t, ok, id)
		checks = append(checks, c)
	}
	return checks
}

// planFor is the plan that judges c: c alone, or for a contract check,
// which judges what the other checks observed, every check that needs no
// browser.
func planFor(reg *suite.Registry, c *suite.Check) []*suite.Check {
	if !c.After {
		return []*suite.Check{c}
	}
	var plan []*suite.Check
	for _, o := range reg.Checks() {
		if !needsBrowser(o) {
			plan = append(plan, o)
		}
	}
	return plan
}

// skipWaits is the adjustment of a run of planFor(c): a plan that serves a
// contract check, which judges what the other checks observed, lets no
// check wait out a lifetime (an access token's or a code's minute on these
// servers). Those checks SKIP; what they would add to the contract's
// observations, other checks observe without waiting.
func skipWaits(c *suite.Check) func(*suite.Env) {
	if !c.After {
		return nil
	}
	return func(env *suite.Env) { env.MaxWait = -1 }
}

func describe(r suite.Result) string {
	return fmt.Sprintf("%s %s: %s (want %s, got %s)", r.Status, r.ID, r.Message, r.Want, r.Got)
}

func TestEveryCheckHasAFailingCounterpart(t *testing.T) {
	var missing []string
	reg := registry(t)
	for _, c := range reg.Checks() {
		if _, ok := pairs[c.ID]; !ok {
			missing = append(missing, c.ID)
		}
	}
	assert.Empty(t, missing, "checks without a fault pair in scenarios/faultpairs")
	var stale []string
	for id := range pairs {
		if _, ok := reg.Get(id); !ok {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	assert.Empty(t, stale, "fault pairs for checks that do not exist")
}

func TestAllChecksPassAgainstReferenceServer(t *testing.T) {
	// In parallel with the fault pairs: its checks that wait out a
	// lifetime wait beside them.
	t.Parallel()
	reg := registry(t)
	var plain, browserChecks []*suite.Check
	for _, c := range reg.Checks() {
		if needsBrowser(c) {
			browserChecks = append(browserChecks, c)
		} else {
			plain = append(plain, c)
		}
	}
	for _, r := range runChecks(t, server.Config{}, plain) {
		if slices.Contains(tlsChecks, r.ID) {
			assert.Equal(t, suite.Skip, r.Status, "over http: %s", describe(r))
			continue
		}
		if slices.Contains(oauth21ClientChecks, r.ID) {
			assert.Equal(t, suite.Skip, r.Status, "without oauth21_clients: %s", describe(r))
			continue
		}
		if slices.Contains(unboundChecks, r.ID) {
			assert.Equal(t, suite.Skip, r.Status, "a feature the reference server does not offer: %s", describe(r))
			continue
		}
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
	t.Run("browser", func(t *testing.T) {
		for _, r := range runChecks(t, server.Config{}, browserChecks) {
			assert.Equal(t, suite.Pass, r.Status, describe(r))
		}
	})
}

// TestTLSChecksPassOverTLS: the checks of TLS versions pass against the
// reference server served over TLS, which completes TLS 1.2 and TLS 1.3
// handshakes.
func TestTLSChecksPassOverTLS(t *testing.T) {
	t.Parallel()
	for _, r := range runChecksWith(t, server.Config{}, runOptions{tls: true}, checksByID(t, tlsChecks...)) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}

// TestOAuth21ClientChecks: against a server that treats every client as an
// OAuth 2.1 client, with a run that says so, the OAuth 2.1 §10.2 check
// passes and RFC 6749's rule for OAuth 2.0 clients SKIPs, naming the key.
func TestOAuth21ClientChecks(t *testing.T) {
	t.Parallel()
	ids := append([]string{"rfc6749-4.1.3-redirect-uri-required", "rfc6749-4.1.3-redirect-uri-must-match"}, oauth21ClientChecks...)
	res := runChecksConfig(t, server.Config{Variants: []server.Variant{server.VariantOAuth21Clients}}, nil,
		func(c *target.Config) { c.OAuth21Clients = true }, checksByID(t, ids...))
	for _, r := range res {
		switch r.ID {
		case "rfc6749-4.1.3-redirect-uri-required":
			assert.Equal(t, suite.Skip, r.Status, describe(r))
			assert.Contains(t, r.Message, "oauth21_clients")
		default:
			assert.Equal(t, suite.Pass, r.Status, describe(r))
		}
	}
}

func TestEachCheckFailsWithItsFault(t *testing.T) {
	reg := registry(t)
	ids := make([]string, 0, len(pairs))
	for id := range pairs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c, ok := reg.Get(id)
		if !ok {
			continue
		}
		p := pairs[id]
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			cfg := server.Config{Faults: p.faults, Variants: p.variants}
			if p.cfg != nil {
				p.cfg(&cfg)
			}
			// A contract check judges what the other checks observed: run
			// the whole plan and take its result.
			plan := planFor(reg, c)
			var res suite.Result
			for _, r := range runChecksWith(t, cfg, runOptions{wrap: p.wrap, adjustConfig: p.target, adjustEnv: skipWaits(c), tls: p.tls}, plan) {
				if r.ID == c.ID {
					res = r
				}
			}
			want := suite.Fail
			if !c.Level.Mandatory() {
				want = suite.Warn
			}
			if p.want != "" {
				want = p.want
			}
			assert.Equal(t, want, res.Status, "with faults %v, variants %v: %s", p.faults, p.variants, describe(res))
			if res.Status == want {
				assert.NotEmpty(t, res.Exchanges, "a failing result must carry the exchange that shows it")
			}
		})
	}
}
