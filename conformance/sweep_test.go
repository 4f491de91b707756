package conformance_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/target"
)

var (
	sweep    = flag.Bool("sweep", false, "run the whole plan against the reference server once per fault (minutes; scripts/fault-sweep.sh --quick)")
	sweepOut = flag.String("sweep.out", "", "with -sweep, write every run's findings (check ID to status, PASS left out) to this JSON file")
	// The browser mode of the runs through the pages: auto, as make
	// conformance runs (the browser when the target shows a login page),
	// or on.
	sweepBrowser = flag.String("sweep.browser", conformance.BrowserAuto, "with -sweep, the browser mode of the runs through the login and consent pages: auto or on")
)

// sweepRun is one whole-plan run of the sweep: whether the browser drove
// the login and consent pages, and what the plan found.
type sweepRun struct {
	Browser  bool                    `json:"browser,omitempty"`
	Passed   int                     `json:"passed"`
	Findings map[string]suite.Status `json:"findings"`
}

// TestSweep is the fault sweep in one process: the whole plan runs against
// the reference server with each fault on its own, without the browser
// (consent approved at once), and each fault must make at least one check
// FAIL, WARN or ERROR. A fault that only the login and consent pages show
// is run again through them in Chromium when it is installed. Each variant
// runs too, through the pages when Chromium is installed, and must pass as
// TestVariants says. scripts/fault-sweep.sh does the same through the
// command line.
func TestSweep(t *testing.T) {
	if !*sweep {
		t.Skip("the sweep runs the whole plan once per fault: go test ./conformance -run TestSweep -sweep")
	}
	haveBrowser := (&browser.Options{}).Find() == nil
	runs := map[string]sweepRun{}
	base := sweepPlan(t, server.Config{}, false)
	for id, st := range base.Findings {
		require.Equal(t, suite.Skip, st, "the reference server without faults: %s is %s", id, st)
	}
	runs[""] = base
	for _, f := range server.Faults() {
		cfg := server.Config{Faults: []server.Fault{f}}
		run := sweepPlan(t, cfg, false)
		if !caught(run) && haveBrowser {
			run = sweepPlan(t, cfg, true)
		}
		runs[string(f)] = run
		switch {
		case caught(run):
		case !haveBrowser:
			t.Logf("%s: not caught without the browser, and Chromium is not installed", f)
		default:
			t.Errorf("%s: no check fails", f)
		}
	}
	for _, v := range server.Variants() {
		run := sweepPlan(t, server.Config{Variants: []server.Variant{v}}, haveBrowser)
		runs[string(v)] = run
		for _, bad := range unlawful([]server.Variant{v}, run) {
			t.Errorf("variant %s: %s", v, bad)
		}
	}
	if *sweepOut != "" {
		b, err := json.MarshalIndent(runs, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(*sweepOut, append(b, '\n'), 0o644))
	}
}

// caught reports whether a run found anything but PASS and SKIP.
func caught(run sweepRun) bool {
	for _, st := range run.Findings {
		if st != suite.Skip {
			return true
		}
	}
	return false
}

// TestVariants runs the whole plan against the reference server with each
// variant on its own, and with the realistic combinations of
// variantCombos: a variant is a behaviour the specifications permit, so no
// check may FAIL or ERROR, and a check may WARN only where the variant's
// summary names it (a SHOULD the variant does not meet). A variant runs
// without the browser unless its setup says it is seen only through the
// pages (then it runs through them when Chromium is installed).
func TestVariants(t *testing.T) {
	haveBrowser := (&browser.Options{}).Find() == nil
	var runs [][]server.Variant
	for _, v := range server.Variants() {
		runs = append(runs, []server.Variant{v})
	}
	runs = append(runs, variantCombos...)
	for _, vs := range runs {
		name := joinVariants(vs)
		t.Run(name, func(t *testing.T) {
			st := setupOf(vs)
			if st.Browser && !haveBrowser {
				t.Skipf("%s is seen only through the login and consent pages, and Chromium is not installed (make deps)", name)
			}
			run := sweepPlanWith(t, server.Config{Variants: vs}, st.Browser, st)
			require.Positive(t, run.Passed)
			for _, bad := range unlawful(vs, run) {
				t.Error(bad)
			}
		})
	}
}

// variantSetup is what the plan needs to know about a variant to run
// against it, as a user would write it in the target's config.
type variantSetup struct {
	// Browser runs the plan through the login and consent pages.
	Browser bool
	// Server adjusts the reference server's config (beyond the variant).
	Server func(cfg *server.Config)
	// Target adjusts the target config once the server is up (a user
	// would write these keys in target.yaml); target is the URL the run
	// is pointed at.
	Target func(tcfg *target.Config, srv *server.Server, target *string)
}

// variantSetups holds the setup of the variants that need one; a variant
// not listed runs with the config of make conformance, without the
// browser.
var variantSetups = map[server.Variant]variantSetup{
	// The operator hands the suite the initial access token
	// (registration.initial_access_token).
	server.VariantRegistrationInitialAccessToken: {
		Server: func(cfg *server.Config) { cfg.InitialAccessToken = variantIAT },
		Target: func(tcfg *target.Config, _ *server.Server, _ *string) {
			tcfg.Registration.InitialAccessToken = variantIAT
		},
	},
	// Registered clients cannot use client_credentials: the operator
	// configures one that can (clients.client_credentials).
	server.VariantClientCredentialsRestricted: {
		Server: func(cfg *server.Config) {
			cfg.Clients = append(cfg.Clients, server.StaticClient{ID: variantCCClient, Secret: variantCCSecret,
				Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}, TokenEndpointAuthMethod: "client_secret_basic"}})
		},
		Target: func(tcfg *target.Config, _ *server.Server, _ *string) {
			tcfg.Clients.ClientCredentials = &target.ClientConfig{ClientID: variantCCClient, ClientSecret: variantCCSecret}
		},
	},
	// A server without resource indicators protects a plain resource:
	// an MCP server must check the audience (MCP authorization, Token
	// Handling).
	server.VariantResourceNotSupported: {
		Target: func(tcfg *target.Config, _ *server.Server, _ *string) {
			no := false
			tcfg.MCPServer = &no
		},
	},
}

// The credentials a variant's setup configures.
const (
	variantIAT      = "authspec-variant-initial-access-token"
	variantCCClient = "authspec-variant-service"
	variantCCSecret = "authspec-variant-service-secret-0123456789"
)

// variantCombos are realistic combinations of variants, each run as one
// server.
var variantCombos = [][]server.Variant{
	// Registration as oidc-provider offers it.
	{server.VariantRegistrationInitialAccessToken, server.VariantRegistrationTokenRotated, server.VariantSecretsExpire, server.VariantRefreshRotateAll},
	// Self-contained access tokens with a default audience.
	{server.VariantResourceDefaultAudience, server.VariantSelfContainedAccessTokens, server.VariantScopeNoMemberWhenEqual, server.VariantTokenTypeLowercase},
	// Strict client authentication, a service client configured apart.
	{server.VariantBasicOnly, server.VariantIntrospectionBasicOnly, server.VariantInvalidClient400Post, server.VariantClientCredentialsRestricted},
	// A plain OAuth server: no resource indicators, no refresh tokens.
	{server.VariantResourceNotSupported, server.VariantRefreshTokensNever, server.VariantUnknownScopeDropped, server.VariantExpiresInOmitted},
	// OAuth 2.1 PKCE everywhere, revocation of refresh tokens only.
	{server.VariantPKCERequiredAll, server.VariantPKCEMissingVerifierInvalidRequest, server.VariantRevocationRefreshOnly, server.VariantRefreshRotateAll},
	// A lenient server.
	{server.VariantPKCEPlainSupported, server.VariantPKCESyntaxUnchecked, server.VariantTokenJSONBody, server.VariantResourceAnyAbsoluteURI,
		server.VariantRefreshTokensAlways, server.VariantRefreshNarrowingIgnored, server.VariantCodeLifetime10Minutes},
}

// setupOf merges the setups of vs.
func setupOf(vs []server.Variant) variantSetup {
	var out variantSetup
	var servers []func(*server.Config)
	var targets []func(*target.Config, *server.Server, *string)
	for _, v := range vs {
		st := variantSetups[v]
		out.Browser = out.Browser || st.Browser
		if st.Server != nil {
			servers = append(servers, st.Server)
		}
		if st.Target != nil {
			targets = append(targets, st.Target)
		}
	}
	out.Server = func(cfg *server.Config) {
		for _, f := range servers {
			f(cfg)
		}
	}
	out.Target = func(tcfg *target.Config, srv *server.Server, u *string) {
		for _, f := range targets {
			f(tcfg, srv, u)
		}
	}
	return out
}

func joinVariants(vs []server.Variant) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = string(v)
	}
	return strings.Join(names, "+")
}

// unlawful lists what a run against a variant found that a lawful server
// must not get.
func unlawful(vs []server.Variant, run sweepRun) []string {
	var out []string
	for id, st := range run.Findings {
		switch {
		case st == suite.Skip:
		case st == suite.Warn && slices.ContainsFunc(vs, func(v server.Variant) bool { return strings.Contains(v.Description(), id) }):
		default:
			out = append(out, fmt.Sprintf("%s %s", st, id))
		}
	}
	sort.Strings(out)
	return out
}

// sweepPlan runs the whole plan against a fresh reference server with the
// behaviours of cfg: without the browser, or through the pages in Chromium.
func sweepPlan(t *testing.T, cfg server.Config, withBrowser bool) sweepRun {
	t.Helper()
	return sweepPlanWith(t, cfg, withBrowser, setupOf(cfg.Variants))
}

// sweepPlanWith is sweepPlan with a variant's setup.
func sweepPlanWith(t *testing.T, cfg server.Config, withBrowser bool, st variantSetup) sweepRun {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer ts.Close()
	cfg.Issuer, cfg.Consent, cfg.CIMD = ts.URL, server.ConsentAuto, server.CIMDLoopback
	tcfg := &target.Config{}
	mode := conformance.BrowserOff
	if withBrowser {
		cfg.Consent = server.ConsentForm
		mode = *sweepBrowser
		tcfg.Browser = target.BrowserConfig{
			Login:         []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "wonderland"}, {Click: "#login"}},
			Consent:       []target.Step{{Click: "#allow"}},
			Deny:          []target.Step{{Click: "#deny"}},
			RepeatConsent: target.RepeatConsentRemembered,
		}
	}
	st.Server(&cfg)
	srv, err := server.New(cfg)
	require.NoError(t, err)
	h = srv.Handler()
	tcfg.Resource = srv.ResourceURL()
	tcfg.ScopedResource = srv.ScopedResourceURL()
	// As make conformance declares it: the demo resource answers plain
	// JSON, not JSON-RPC, so a probe would take it for a plain resource
	// and the MCP checks would not run.
	mcp := true
	tcfg.MCPServer = &mcp
	u := ts.URL
	st.Target(tcfg, srv, &u)
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: u, Config: tcfg, Browser: mode})
	if err != nil {
		var ue *conformance.UsageError
		require.False(t, errors.As(err, &ue), "%v", err)
		// The target could not be used at all (unusable metadata): that is
		// a finding of the whole run.
		return sweepRun{Browser: withBrowser, Findings: map[string]suite.Status{"(run): " + err.Error(): suite.Error}}
	}
	return sweepRun{Browser: withBrowser, Passed: rep.Summary.Pass, Findings: findings(rep)}
}

// findings maps every check that did not PASS to its status.
func findings(rep *reports.Report) map[string]suite.Status {
	out := map[string]suite.Status{}
	for _, r := range rep.Results {
		if r.Status != suite.Pass {
			out[r.ID] = r.Status
		}
	}
	return out
}
