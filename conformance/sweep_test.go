package conformance_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
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

	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

var (
	sweep    = flag.Bool("sweep", false, "run the whole plan against the reference server once per fault (minutes; scripts/fault-sweep.sh --quick)")
	sweepOut = flag.String("sweep.out", "", "with -sweep, write every run's findings (check ID to status, PASS left out) to this JSON file")
	// sweepOnly narrows the sweep to the behaviours whose name holds it.
	sweepOnly = flag.String("sweep.only", "", "with -sweep, only the faults and variants whose name contains this string")
	// The browser mode of the runs through the pages: auto, as make
	// conformance runs (the browser when the target shows a login page),
	// or on.
	runGaps      = flag.Bool("gaps", false, "with TestVariants, run the variants of knownGaps too, to measure them")
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
		if !strings.Contains(string(f), *sweepOnly) {
			continue
		}
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
		if !strings.Contains(string(v), *sweepOnly) {
			continue
		}
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

// noWaits is the MaxWait of the tests that run the whole plan many times:
// the checks that wait out a lifetime on the server (a request_uri's
// expires_in) SKIP there, and run in the fault pairs and make conformance.
const noWaits = -1 * time.Nanosecond

// TestVariants runs the whole plan against the reference server with each
// variant on its own, and with the realistic combinations of
// variantCombos: a variant is a behaviour the specifications permit, so no
// check may FAIL or ERROR, and a check may WARN only where the variant's
// summary names it (a SHOULD the variant does not meet). Nor may a check
// that passes against the defaults hide behind a SKIP, unless the variant's
// setup lists it (with the reason in a comment). A variant runs without the
// browser unless its setup says it is seen only through the pages (then it
// runs through them when Chromium is installed).
func TestVariants(t *testing.T) {
	haveBrowser := (&browser.Options{}).Find() == nil
	var baseOnce [2]sync.Once
	var baseRuns [2]sweepRun
	baseline := func(withBrowser bool) sweepRun {
		i := 0
		if withBrowser {
			i = 1
		}
		baseOnce[i].Do(func() { baseRuns[i] = sweepPlan(t, server.Config{}, withBrowser) })
		return baseRuns[i]
	}
	var runs [][]server.Variant
	for _, v := range server.Variants() {
		runs = append(runs, []server.Variant{v})
	}
	runs = append(runs, variantCombos...)
	// The runs through the login pages take longest: they start first, so
	// that the short ones fill the time beside them.
	slices.SortStableFunc(runs, func(a, b []server.Variant) int {
		switch ab, bb := setupOf(a).Browser, setupOf(b).Browser; {
		case ab && !bb:
			return -1
		case bb && !ab:
			return 1
		}
		return 0
	})
	for _, vs := range runs {
		name := joinVariants(vs)
		t.Run(name, func(t *testing.T) {
			// Each run has its own server; most of a run's time is spent
			// waiting on loopback exchanges and on Chromium.
			t.Parallel()
			st := setupOf(vs)
			if st.Browser && !haveBrowser {
				t.Skipf("%s is seen only through the login and consent pages, and Chromium is not installed (make deps)", name)
			}
			if gap, ok := knownGaps[name]; ok && !*runGaps {
				t.Skipf("KNOWN GAP, not yet met by the plan: %s", gap)
			}
			run := sweepPlanWith(t, server.Config{Variants: vs}, st.Browser, st)
			require.Positive(t, run.Passed)
			for _, bad := range unlawful(vs, run) {
				t.Error(bad)
			}
			base := baseline(st.Browser)
			for id, status := range run.Findings {
				if status == suite.Skip && base.Findings[id] != suite.Skip && !slices.Contains(st.Skips, id) {
					t.Errorf("SKIP %s, which passes against the defaults (list it in the variant's Skips if it truly cannot run)", id)
				}
			}
		})
	}
}

// knownGaps are lawful variants the plan does not accept yet, each with
// what it measured: the test says so on every run (go test -v), and the
// variant stays in the reference server so that the gap can be closed and
// measured again (go test ./conformance -run TestVariants/NAME -gaps).
var knownGaps = map[string]string{}

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
	// Skips are the checks that pass against the defaults but cannot run
	// against the variant.
	Skips []string
	// Waits lets the plan wait out a lifetime on the server, as make
	// conformance does, with request_uri values of 3 s and access tokens
	// and codes of a minute (the sweeps run without waits).
	Waits bool
	// TLS serves the server over TLS, the run trusting its certificate
	// (tls.ca_file).
	TLS bool
}

// variantSetups holds the setup of the variants that need one; a variant
// not listed runs with the config of make conformance, without the
// browser.
var variantSetups = map[server.Variant]variantSetup{
	// The variants of the login and consent pages are seen only through
	// them; the recipe says what a user would write for each.
	server.VariantConsentNone: {Browser: true, Target: func(tcfg *target.Config, _ *server.Server, _ *string) {
		// No consent page: nothing to approve, nothing to deny.
		tcfg.Browser.Consent, tcfg.Browser.Deny, tcfg.Browser.RepeatConsent = nil, nil, ""
	}, Skips: consentPageChecks},
	server.VariantConsentEveryTime: {Browser: true, Target: func(tcfg *target.Config, _ *server.Server, _ *string) {
		tcfg.Browser.RepeatConsent = target.RepeatConsentAlways
	}},
	// A server that keeps one grant per user and client is found out as
	// such (no one_grant_per_client in the config): each check then has
	// clients of its own.
	// A server that treats every client as an OAuth 2.1 client: the run
	// says so (oauth21_clients), and RFC 6749's rule for OAuth 2.0 clients
	// is not judged.
	server.VariantOAuth21Clients: {Target: func(tcfg *target.Config, _ *server.Server, _ *string) {
		tcfg.OAuth21Clients = true
	}, Skips: []string{"rfc6749-4.1.3-redirect-uri-required"}},
	// A public client's remembered approval shows only on its second
	// consent page, which the browser meets.
	server.VariantConsentRememberedPublic: {Browser: true},
	// A server that ends a client's earlier codes when it issues a new one:
	// which challenge an older code is bound to cannot be seen, as the
	// older code is refused whatever its verifier.
	server.VariantEarlierGrantsRevoked: {Skips: []string{"rfc7636-4.4-challenge-bound-to-code"}},
	// The client's logo is seen only in the pages.
	server.VariantConsentLogoHidden:    {Browser: true, Skips: []string{"mcp-2025-11-25-cimd-logo-prefetched"}},
	server.VariantConsentLogoHotlinked: {Browser: true},
	// The consent form's token is seen only in the pages.
	server.VariantConsentTokenUnnamed: {Browser: true},
	// Frame-busting script is seen only in the pages.
	server.VariantFrameBustingScript: {Browser: true},
	// A reload is the same browser again: its session is seen only
	// through the pages.
	server.VariantPARReloadAllowed: {Browser: true},
	// Without DPoP, the checks of RFC 9449 have nothing to judge.
	server.VariantDPoPNotSupported: {Skips: checksRequiring(vocab.FeatureDPoP)},
	server.VariantLoginTwoStep: {Browser: true, Target: func(tcfg *target.Config, _ *server.Server, _ *string) {
		tcfg.Browser.Login = []target.Step{{Fill: "#username", Value: "alice"}, {Click: "#next"},
			{Fill: "#password", Value: "wonderland"}, {Click: "#login"}}
	}},
	// The error page is met by the browser too, where it is neither the
	// login nor the consent page.
	server.VariantErrorPageBare: {Browser: true},
	// Without the browser, a page served with 200 cannot be told from a
	// login page: the checks that expect an error shown, not redirected,
	// SKIP (through the pages they pass: the combinations below).
	server.VariantErrorPage200:      {Skips: errorShownChecks},
	server.VariantErrorPageRedirect: {Skips: errorShownChecks},
	// The target is the issuer, with its path or its final slash.
	server.VariantIssuerPath:          {Target: targetIssuer},
	server.VariantIssuerTrailingSlash: {Target: targetIssuer},
	// No default scope: the user names the scopes to ask for (scopes:),
	// as for any server that requires one.
	server.VariantScopeRequired: {
		Target: func(tcfg *target.Config, _ *server.Server, _ *string) { tcfg.Scopes = []string{"read"} },
		// No default scope, so none to report.
		Skips: []string{"rfc6749-3.3-default-scope-reported"},
	},
	// Introspection says active and nothing else: no cnf, exp or aud to
	// judge (the reference server's access tokens are opaque).
	server.VariantIntrospectionMinimal: {Skips: []string{"rfc9449-6.1-cnf-jkt-thumbprint", "rfc7662-2.2-numeric-dates",
		"rfc8707-2-audience-restricted", "mcp-2.6.2-audience-validated"}},
	// Relative redirects show only on the way through the login and
	// consent pages.
	server.VariantRelativeLocations: {Browser: true},
	// The consent form's redirect shows only on the way through the pages.
	server.VariantConsentRedirect302: {Browser: true},
	// A second authorization server: the resource's scopes may be its.
	server.VariantResourceSecondAS: {Skips: []string{"rfc9728-2-scopes-supported-requestable"}},
	// One scope a grant: no grant to narrow at refresh.
	server.VariantScopeOnePerGrant: {Skips: []string{"rfc6749-6-new-refresh-token-scope"}},
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

// consentPageChecks judge the consent page, which consent-none does not
// have.
var consentPageChecks = []string{
	"rfc6749-10.12-consent-csrf-token", "rfc6749-10.12-consent-not-by-get", "rfc6749-10.2-consent-names-client",
	"rfc6749-10.2-remembered-consent-scope", "rfc6749-4.1.2.1-deny-access-denied",
	"rfc7591-2-client-uri-shown", "rfc7591-2-tos-uri-shown", "rfc7591-2-policy-uri-shown", "rfc7591-2-logo-uri-shown",
	"mcp-2025-11-25-cimd-client-host-shown", "mcp-2025-11-25-cimd-redirect-host-shown", "mcp-2025-11-25-cimd-logo-prefetched",
	"rfc8252-8.6-public-consent-asked-again",
}

// errorShownChecks expect a request to be refused with a page, not
// redirected.
var errorShownChecks = []string{
	"mcp-2025-11-25-cimd-client-id-matches-url", "mcp-2025-11-25-cimd-no-shared-secret", "mcp-2025-11-25-cimd-redirect-uri-listed",
	"mcp-2025-11-25-cimd-redirects-not-followed", "mcp-2025-11-25-cimd-invalid-json-refused", "mcp-2025-11-25-cimd-redirect-uris-required",
	"mcp-2025-11-25-cimd-errors-not-cached", "mcp-2025-11-25-cimd-fetch-failure-aborts", "mcp-2025-11-25-cimd-size-limited", "mcp-2025-11-25-cimd-url-form",
	"mcp-2025-11-25-cimd-no-client-secret",
	"rfc6749-3.1.2.3-redirect-uri-required-if-several",
	"rfc6749-4.1.2.1-invalid-redirect-not-followed", "rfc6749-4.1.2.1-missing-client-not-redirected", "rfc6749-4.1.2.1-unknown-client-not-redirected",
	"rfc6749-4.2.1-implicit-redirect-verified",
	"rfc9700-4.1.3-exact-redirect-match", "rfc9700-4.1.3-no-redirect-patterns", "rfc8252-8.4-loopback-path-exact",
	"rfc9126-2.2-bound-to-client", "rfc9126-4-single-use",
	"rfc7592-2.3-deleted-client-not-authorized",
}

// targetIssuer points the run at the server's issuer identifier.
func targetIssuer(_ *target.Config, srv *server.Server, u *string) { *u = srv.Issuer() }

// The credentials a variant's setup configures.
const (
	variantIAT      = "authspec-variant-initial-access-token"
	variantCCClient = "authspec-variant-service"
	variantCCSecret = "authspec-variant-service-secret-0123456789"
)

// variantCombos are realistic combinations of variants, each run as one
// server.
var variantCombos = [][]server.Variant{
	// A multi-tenant OpenID provider.
	{server.VariantIssuerPath, server.VariantOpenIDDiscoveryOnly},
	{server.VariantIssuerPath, server.VariantIssuerTrailingSlash, server.VariantOpenIDDiscoveryOnly},
	// A first-party login that never asks for consent, and shows its
	// errors with 200.
	{server.VariantConsentNone, server.VariantErrorPage200},
	// An identity provider's two-step login, a consent page every time, and
	// errors on its own error page.
	{server.VariantLoginTwoStep, server.VariantConsentEveryTime, server.VariantErrorPageRedirect},
	// An MCP server behind a gateway: POST only, its metadata elsewhere,
	// chatty challenges, 401 for everything.
	{server.VariantResourceGet405, server.VariantResourceMetadataCustomURL, server.VariantChallengeExtraParams, server.VariantBearerMalformed401},
	// Registration as oidc-provider offers it.
	{server.VariantRegistrationInitialAccessToken, server.VariantRegistrationTokenRotated, server.VariantSecretsExpire, server.VariantRefreshRotateAll},
	// Self-contained access tokens with a default audience.
	{server.VariantResourceDefaultAudience, server.VariantSelfContainedAccessTokens, server.VariantScopeNoMemberWhenEqual, server.VariantTokenTypeLowercase},
	// Strict client authentication, a service client configured apart.
	{server.VariantBasicOnly, server.VariantIntrospectionBasicOnly, server.VariantInvalidClient400Post, server.VariantClientCredentialsRestricted},
	// A plain OAuth server: no resource indicators, no refresh tokens.
	{server.VariantResourceNotSupported, server.VariantRefreshTokensNever, server.VariantUnknownScopeDropped, server.VariantExpiresInOmitted},
	// PKCE errors as missing parameters, revocation of refresh tokens only.
	{server.VariantPKCEMissingVerifierInvalidRequest, server.VariantRevocationRefreshOnly, server.VariantRefreshRotateAll},
	// A lenient server.
	{server.VariantPKCEOptionalConfidential, server.VariantPKCEPlainSupported, server.VariantPKCESyntaxUnchecked, server.VariantTokenJSONBody, server.VariantResourceAnyAbsoluteURI,
		server.VariantRefreshTokensAlways, server.VariantRefreshNarrowingIgnored, server.VariantCodeLifetime10Minutes},
	// oidc-provider as commonly deployed: OpenID discovery only, a
	// registration behind an initial access token whose registration
	// access token rotates, no consent for first-party clients.
	{server.VariantOpenIDDiscoveryOnly, server.VariantRegistrationInitialAccessToken, server.VariantRegistrationTokenRotated,
		server.VariantConsentNone},
	// A FAPI 2.0-style server: every authorization request pushed, PKCE
	// from every client, the consent page every time.
	{server.VariantPARRequired, server.VariantConsentEveryTime},
	// An MCP gateway in front of a server with a default audience.
	{server.VariantResourceDefaultAudience, server.VariantResourceGet405, server.VariantResourceMetadataCustomURL, server.VariantBasicOnly},
}

// lawfulSkips are the checks that pass against the defaults but have
// nothing to judge on a variant: the behaviour they need is one the variant
// lawfully does without. Each SKIP says why in its message.
var lawfulSkips = map[server.Variant][]string{
	// A request_uri that lives 600 s outlasts the check's deadline: the
	// check cannot wait for it to expire.
	server.VariantPARLongLived: {"rfc9126-4-expired-refused"},
	// Without client_secret_post, a secret in the body is an unrecognised
	// parameter: there is no second method to combine with Basic;
	// private_key_jwt is neither advertised nor accepted either: the checks
	// of JWT client authentication have no client to try.
	server.VariantBasicOnly: {"rfc6749-2.3-single-auth-method", "rfc9126-2-client-assertion-audiences", "rfc6749-3.2.1-client-assertion-verified"},
	// Registered clients get no client_credentials grant: the checks that
	// register a client for it, or compare it with the code grant, have no
	// client to try (the configured service client is not theirs to change).
	server.VariantClientCredentialsRestricted: {
		"rfc6749-4.4-confidential-only", "rfc6749-4.4.2-client-authentication-required", "rfc8414-2-scopes-supported-accepted",
		"rfc6749-4.1.2.1-unauthorized-client", "rfc6749-4.4.3-no-refresh-token", "rfc6749-5.2-unknown-scope-invalid-scope",
		"rfc8707-2-token-fragment-invalid-target", "rfc8707-2-token-relative-invalid-target",
	},
	// No expires_in: nothing says how long tokens live.
	server.VariantExpiresInOmitted: {"rfc6750-5.3-short-lived-tokens"},
	// No refresh tokens at all.
	server.VariantRefreshTokensNever: {
		"rfc7009-2.1-refresh-revokes-access", "rfc6749-6-confidential-must-authenticate", "rfc6749-6-unknown-refresh-token-invalid-grant",
		"rfc6749-6-scope-not-widened", "rfc8707-2.2-refresh-unknown-invalid-target", "rfc9700-4.14.2-replay-revokes-family",
		"rfc6749-6-missing-refresh-token-invalid-request", "rfc6749-6-omitted-scope-original", "rfc7009-2.1-hint-not-binding",
		"rfc7009-2.1-refresh-token-revoked", "rfc9700-4.14.2-public-refresh-rotation", "rfc6749-10.4-refresh-bound-to-client",
		"rfc7009-2.2-invalid-hint-ignored", "rfc7009-2.1-foreign-refresh-not-revoked",
		"rfc9449-5-public-refresh-bound", "rfc6749-10.4-public-refresh-bound-to-client", "rfc6749-6-new-refresh-token-scope",
		"rfc9700-4.14.2-refresh-token-integrity",
		"oauth21-4.3.1-refresh-bound-to-client-id",
	},
	// The resource takes the token from the Authorization header only (the
	// body method is a MAY): a request with the header and a body token
	// uses one method it knows.
	server.VariantBearerHeaderOnly: {"rfc6750-3.1-two-methods-invalid-request"},
	// Every token is for the one resource: no token for another resource
	// to offer the MCP server.
	server.VariantResourceDefaultAudience: {"mcp-2.6.2-audience-validated"},
	// No resource indicators: the resource is a plain protected resource
	// (declared so: an MCP server must validate audiences), and the
	// resource parameter is ignored.
	server.VariantResourceNotSupported: {
		"mcp-2.3.1-challenge-resource-metadata", "rfc8707-2-fragment-invalid-target", "rfc8707-2-relative-invalid-target",
		"rfc8707-2.2-token-resource-within-grant", "mcp-2.6.2-revoked-token-401", "mcp-2.6.1-query-token-refused",
		"mcp-2.6.2-issued-token-accepted", "rfc8707-2.2-refresh-unknown-invalid-target", "mcp-2.3.1-prm-published",
		"mcp-2.5.1-resource-in-both-requests", "rfc8707-2-audience-restricted", "rfc8707-2-token-fragment-invalid-target",
		"rfc8707-2-token-relative-invalid-target",
		"mcp-2.6.1-every-request-authorized", "mcp-2.3.1-post-challenge", "mcp-2.3.1-prm-authorization-servers",
		"mcp-2.6.2-invalid-token-401", "mcp-2.5.1-uppercase-resource-accepted", "mcp-2.6.2-audience-validated",
		"mcp-2.7-insufficient-scope-403", "mcp-2025-11-25-challenge-scope",
		"mcp-2.3.1-invalid-token-resource-metadata", "mcp-2.5.1-resource-no-trailing-slash", "mcp-2025-11-25-insufficient-scope-challenge",
	},
	// Access tokens cannot be revoked (unsupported_token_type), or stay
	// valid until they expire: no revoked access token to judge.
	server.VariantRevocationRefreshOnly:     revokedAccessTokenChecks,
	server.VariantSelfContainedAccessTokens: append([]string{"rfc7009-2.1-refresh-revokes-access"}, revokedAccessTokenChecks...),
	// DPoP without server nonces: no nonce to compare, to count or to
	// leave out.
	server.VariantDPoPNoNonce: {"rfc9449-8-nonce-mismatch-refused", "rfc9449-8-one-nonce-header", "rfc9449-11.3-nonce-required-once-given"},
}

// checksRequiring lists the built-in checks that require f.
func checksRequiring(f vocab.Feature) []string {
	reg, err := scenarios.Registry()
	if err != nil {
		panic(fmt.Sprintf("the built-in checks: %v", err))
	}
	var ids []string
	for _, c := range reg.Checks() {
		if slices.Contains(c.Requires, f) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// revokedAccessTokenChecks judge what happens to a revoked access token.
var revokedAccessTokenChecks = []string{
	"rfc7009-2.1-access-token-revoked", "rfc7662-2.2-revoked-inactive", "mcp-2.6.2-revoked-token-401", "rfc6750-3-challenge-on-revoked-token",
	"rfc6750-3.1-revoked-token-invalid-token",
}

// setupOf merges the setups of vs.
func setupOf(vs []server.Variant) variantSetup {
	var out variantSetup
	var servers []func(*server.Config)
	var targets []func(*target.Config, *server.Server, *string)
	for _, v := range vs {
		st := variantSetups[v]
		out.Browser = out.Browser || st.Browser
		out.Skips = append(out.Skips, st.Skips...)
		out.Skips = append(out.Skips, lawfulSkips[v]...)
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

// faultSetups holds what a user would configure for the target a fault
// concerns, when make conformance's config does not say it.
var faultSetups = map[server.Fault]variantSetup{
	// The consent of each client binds MCP proxies (mcp_proxy).
	server.FaultMCPConsentPerUser: {Target: func(tcfg *target.Config, _ *server.Server, _ *string) { tcfg.MCPProxy = true }},
	// A token without audience is refused by the resource, which cannot
	// then show that it speaks MCP: its user declares it (mcp_server).
	server.FaultMCPTokenWithoutAudience: {Target: declareMCPServer},
	// A server with DPoP nonces may tell a proof's age by its nonce
	// instead of iat (RFC 9449 §11.1), and may issue DPoP-bound tokens
	// of any lifetime (§11.2): these faults show without nonces.
	server.FaultDPoPIATNotChecked:     {Server: withoutDPoPNonces},
	server.FaultDPoPFutureIATAccepted: {Server: withoutDPoPNonces},
	server.FaultDPoPLongLivedTokens:   {Server: withoutDPoPNonces},
	// Where every client must send a code_challenge, no code exists to
	// downgrade: the fault shows where confidential clients may leave PKCE out.
	server.FaultPKCEDowngrade: {Server: func(cfg *server.Config) {
		cfg.Variants = append(cfg.Variants, server.VariantPKCEOptionalConfidential)
	}},
	// Only a check that waits out a request_uri's, an access token's or a
	// code's lifetime sees them.
	server.FaultPARExpiredAccepted:      {Waits: true},
	server.FaultIntrospectExpiredActive: {Waits: true},
	server.FaultResourceExpiryUnchecked: {Waits: true},
	server.FaultCodeNeverExpires:        {Waits: true},
	// Only a server served over TLS shows which versions it completes.
	server.FaultTLS12Unsupported: {TLS: true},
	// Faults of a grant or a response that exists only with another fault.
	server.FaultImplicitRedirectUnverified: {Server: withFault(server.FaultBCPImplicitGrant)},
	server.FaultImplicitRefreshToken:       {Server: withFault(server.FaultBCPImplicitGrant)},
	server.FaultPasswordGrantUnchecked:     {Server: withFault(server.FaultBCPPasswordGrant)},
	server.FaultResourceCacheable:          {Server: withFault(server.FaultMCPQueryToken)},
	// A raw '+' in a Basic password is tried only with a secret that has one.
	server.FaultBasicPlusKept: {Server: func(cfg *server.Config) { cfg.SecretsWithPlus = true }},
	// Several resources: a second one the server issues tokens for
	// (other_resource).
	server.FaultRefreshResourcesNarrowed: {Server: withOtherResource, Target: declareOtherResource},
	server.FaultAudienceFirstOnly:        {Server: withOtherResource, Target: declareOtherResource},
	server.FaultAudienceAllResources:     {Server: withOtherResource, Target: declareOtherResource},
	// Tokens that outlive their client's deletion, or their revocation at
	// the resource, are told from a propagation delay only where
	// revocation is synchronous.
	server.FaultRegMgmtDeleteKeepsTokens: {Target: synchronousRevocation},
	server.FaultMCPInactiveAccepted:      {Target: synchronousRevocation},
}

// synchronousRevocation declares that the resource learns of a revocation
// at once (synchronous_revocation), as the reference server's does.
func synchronousRevocation(tcfg *target.Config, _ *server.Server, _ *string) {
	tcfg.SynchronousRevocation = true
}

// otherResourcePath is the second resource of withOtherResource.
const otherResourcePath = "/other-api"

func withFault(f server.Fault) func(*server.Config) {
	return func(cfg *server.Config) { cfg.Faults = append(cfg.Faults, f) }
}

func withOtherResource(cfg *server.Config) {
	cfg.Resources = []string{strings.TrimSuffix(cfg.Issuer, "/") + "/mcp", strings.TrimSuffix(cfg.Issuer, "/") + otherResourcePath}
}

func declareOtherResource(tcfg *target.Config, srv *server.Server, _ *string) {
	tcfg.OtherResource = strings.TrimSuffix(srv.Issuer(), "/") + otherResourcePath
}

func withoutDPoPNonces(cfg *server.Config) {
	cfg.Variants = append(cfg.Variants, server.VariantDPoPNoNonce)
}

func declareMCPServer(tcfg *target.Config, _ *server.Server, _ *string) {
	yes := true
	tcfg.MCPServer = &yes
}

// sweepPlan runs the whole plan against a fresh reference server with the
// behaviours of cfg: without the browser, or through the pages in Chromium.
func sweepPlan(t *testing.T, cfg server.Config, withBrowser bool) sweepRun {
	t.Helper()
	st := setupOf(cfg.Variants)
	for _, f := range cfg.Faults {
		fs, ok := faultSetups[f]
		if !ok {
			continue
		}
		st.Waits = st.Waits || fs.Waits
		st.TLS = st.TLS || fs.TLS
		if fs.Target != nil {
			prev := st.Target
			st.Target = func(tcfg *target.Config, srv *server.Server, u *string) {
				prev(tcfg, srv, u)
				fs.Target(tcfg, srv, u)
			}
		}
		if fs.Server != nil {
			prev := st.Server
			st.Server = func(cfg *server.Config) {
				prev(cfg)
				fs.Server(cfg)
			}
		}
	}
	return sweepPlanWith(t, cfg, withBrowser, st)
}

// sweepPlanWith is sweepPlan with a variant's setup.
func sweepPlanWith(t *testing.T, cfg server.Config, withBrowser bool, st variantSetup) sweepRun {
	t.Helper()
	var h http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer ts.Close()
	scheme := "http://"
	if st.TLS {
		scheme = "https://"
	}
	cfg.Issuer, cfg.Consent, cfg.CIMD = scheme+ts.Listener.Addr().String(), server.ConsentAuto, server.CIMDLoopback
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
	if st.Waits {
		cfg.PARLifetime = 3 * time.Second
		cfg.AccessTokenTTL, cfg.CodeTTL = time.Minute, time.Minute
	}
	srv, err := server.New(cfg)
	require.NoError(t, err)
	h = srv.Handler()
	if st.TLS {
		ts.TLS = srv.TLSConfig()
		ts.StartTLS()
		tcfg.TLS.CAFile = filepath.Join(t.TempDir(), "ca.pem")
		require.NoError(t, os.WriteFile(tcfg.TLS.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600))
	} else {
		ts.Start()
	}
	if st.Waits {
		tcfg.CodeLifetime = srv.CodeLifetime()
		tcfg.ClockSkew = time.Second // the reference resource allows none
	}
	tcfg.Resource = srv.ResourceURL()
	tcfg.ScopedResource = srv.ScopedResourceURL()
	u := scheme + ts.Listener.Addr().String() // as ts.URL once started
	st.Target(tcfg, srv, &u)
	maxWait, checkTimeout := noWaits, time.Duration(0)
	if st.Waits {
		// The default, and room for a minute's wait.
		maxWait, checkTimeout = 0, 2*time.Minute
	}
	// The reference server claims OAuth 2.1 and MCP 2025-06-18: a fault
	// may break a rule that only the claim's checks judge. The defaults
	// and the variants, which are lawful without the claim, run unclaimed.
	var claims []vocab.Profile
	if len(cfg.Faults) > 0 {
		claims = []vocab.Profile{vocab.ProfileOAuth21, vocab.ProfileMCP0618}
	}
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: u, Config: tcfg, Browser: mode,
		MaxWait: maxWait, CheckTimeout: checkTimeout, Claims: claims})
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
