package faultpairs_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// lawful runs the checks ids against the reference server behind wrap and
// requires the statuses of want (an ID missing from want must PASS).
func lawful(t *testing.T, cfg server.Config, wrap func(http.Handler) http.Handler, want map[string]suite.Status, ids ...string) {
	t.Helper()
	checks := checksByID(t, ids...)
	results := runChecksWrapped(t, cfg, wrap, checks)
	require.Len(t, results, len(ids))
	for _, r := range results {
		status, ok := want[r.ID]
		switch {
		case ok:
		case slices.Contains(tlsChecks, r.ID):
			status = suite.Skip // these servers are plain http
		default:
			status = suite.Pass
		}
		assert.Equal(t, status, r.Status, describe(r))
	}
}

var revocationChecks = []string{"rfc7009-2.1-access-token-revoked", "rfc7009-2.1-refresh-token-revoked", "rfc7009-2.1-refresh-revokes-access",
	"rfc7009-2.1-hint-not-binding", "rfc7009-2.1-foreign-token-not-revoked", "rfc7009-2.1-client-authentication"}

// TestRevocationOfAccessTokensRefused: RFC 7009 §2 makes revoking access
// tokens a SHOULD and §2.2.1 defines unsupported_token_type for a server
// that does not: nothing fails, the access-token check cannot run.
func TestRevocationOfAccessTokensRefused(t *testing.T) {
	lawful(t, server.Config{Variants: []server.Variant{server.VariantRevocationRefreshOnly}}, nil,
		map[string]suite.Status{"rfc7009-2.1-access-token-revoked": suite.Skip}, revocationChecks...)
}

// TestRevocationOfSelfContainedAccessTokens: a server whose access tokens
// stay valid after a 200 does not meet RFC 7009 §2's SHOULD (a WARN, never
// a FAIL), and revoking the refresh token, which leaves them valid too, is
// judged only for servers that revoke access tokens (SKIP).
func TestRevocationOfSelfContainedAccessTokens(t *testing.T) {
	lawful(t, server.Config{Variants: []server.Variant{server.VariantSelfContainedAccessTokens}}, nil,
		map[string]suite.Status{"rfc7009-2.1-access-token-revoked": suite.Warn, "rfc7009-2.1-refresh-revokes-access": suite.Skip}, revocationChecks...)
}

var introspectionChecks = []string{"rfc7662-2.1-requires-authorization", "rfc7662-2.1-hint-not-binding", "rfc7662-2.2-active-token",
	"rfc7662-2.2-unknown-token-inactive", "rfc7662-2.2-json-response", "rfc7662-2.2-numeric-dates", "rfc7662-2.2-revoked-inactive",
	"rfc7662-2.2-inactive-no-details", "rfc7662-2.3-invalid-client-401"}

// TestIntrospectionOfEveryTokenInactive: an endpoint that reports every
// token inactive, even a token just issued to the caller, is reported as
// an observation (RFC 7662 §2.2 lets a server answer false to a caller it
// does not allow to introspect that token); the checks that need an active
// token cannot run.
func TestIntrospectionOfEveryTokenInactive(t *testing.T) {
	lawful(t, server.Config{Faults: []server.Fault{server.FaultIntrospectAlwaysInactive}}, nil, map[string]suite.Status{
		"rfc7662-2.2-active-token": suite.Warn, "rfc7662-2.1-hint-not-binding": suite.Skip,
		"rfc7662-2.2-numeric-dates": suite.Skip, "rfc7662-2.2-revoked-inactive": suite.Skip,
	}, introspectionChecks...)
}

// TestIntrospectionOfEveryTokenActive: an endpoint that reports every
// token active breaks RFC 7662 §2.2's MUST for tokens that do not exist and
// for revoked ones.
func TestIntrospectionOfEveryTokenActive(t *testing.T) {
	lawful(t, server.Config{Faults: []server.Fault{server.FaultIntrospectAlwaysActive}}, nil, map[string]suite.Status{
		"rfc7662-2.2-unknown-token-inactive": suite.Fail, "rfc7662-2.2-revoked-inactive": suite.Fail,
		"rfc7662-2.2-inactive-no-details": suite.Skip, "rfc7662-2.2-numeric-dates": suite.Skip,
	}, introspectionChecks...)
}

// TestIntrospectionForResourceServersOnly: a server that refuses clients at
// its introspection endpoint leaves nothing to judge but the refusals.
func TestIntrospectionForResourceServersOnly(t *testing.T) {
	want := map[string]suite.Status{"rfc8414-2-introspection-endpoint-introspects": suite.Skip, "rfc8414-2-introspection-auth-methods-authenticate": suite.Skip}
	for _, id := range introspectionChecks {
		want[id] = suite.Skip
	}
	want["rfc7662-2.1-requires-authorization"] = suite.Pass
	lawful(t, server.Config{}, introspectionForResourceServersOnly, want, append(introspectionChecks, "rfc8414-2-introspection-endpoint-introspects", "rfc8414-2-introspection-auth-methods-authenticate")...)
}

// idsWithPrefix lists the checks whose ID starts with one of prefixes.
func idsWithPrefix(t *testing.T, prefixes ...string) []string {
	var out []string
	for _, c := range registry(t).Checks() {
		for _, p := range prefixes {
			if strings.HasPrefix(c.ID, p) && !needsBrowser(c) {
				out = append(out, c.ID)
			}
		}
	}
	return out
}

// noFalseAlarm runs ids and requires no FAIL and no ERROR, and a WARN only
// for the checks in warn.
func noFalseAlarm(t *testing.T, cfg server.Config, wrap func(http.Handler) http.Handler, warn []string, ids ...string) []suite.Result {
	t.Helper()
	checks := checksByID(t, ids...)
	results := runChecksWrapped(t, cfg, wrap, checks)
	require.Len(t, results, len(ids))
	for _, r := range results {
		switch r.Status {
		case suite.Fail, suite.Error:
			t.Errorf("false alarm: %s", describe(r))
		case suite.Warn:
			if !slices.Contains(warn, r.ID) {
				t.Errorf("unexpected WARN: %s", describe(r))
			}
		}
	}
	return results
}

// TestRegistrationVariants: what RFC 7591 and RFC 7592 leave to the server
// raises no alarm: an initial access token required (RFC 7591 §3 MAY; the
// checks that need a registration SKIP and name the config key, and only
// the SHOULD of open registration is unmet), a registration access token
// replaced on every update (RFC 7592 §2.2 MAY), secrets that expire (RFC
// 7591 §3.2.1).
func TestRegistrationVariants(t *testing.T) {
	ids := idsWithPrefix(t, "rfc7591-", "rfc7592-", "rfc8414-2-registration-endpoint-registers", "openapi-registration-responses")
	t.Run("initial access token required", func(t *testing.T) {
		cfg := server.Config{InitialAccessToken: "authspec-variant-iat", Variants: []server.Variant{server.VariantRegistrationInitialAccessToken}}
		for _, r := range noFalseAlarm(t, cfg, nil, []string{"rfc7591-3-open-registration"}, ids...) {
			if r.Status == suite.Skip && strings.Contains(r.Message, "requires authorization") {
				assert.Contains(t, r.Message, "registration.initial_access_token", r.ID)
			}
		}
	})
	rotated := server.Config{Variants: []server.Variant{server.VariantRegistrationTokenRotated}}
	t.Run("registration access token rotated on read and update", func(t *testing.T) {
		lawful(t, rotated, nil, nil, ids...)
	})
	t.Run("token rotated, a chosen client_id ignored", func(t *testing.T) {
		lawful(t, rotated, updateIgnoresClientID, nil, ids...)
	})
	t.Run("secrets that expire", func(t *testing.T) {
		lawful(t, server.Config{Variants: []server.Variant{server.VariantSecretsExpire}}, nil, nil, ids...)
	})
	// Which values an update may set is the server's policy: a new
	// redirect URI refused (400 invalid_redirect_uri) or replaced by the
	// old one while the new name is taken.
	for _, replace := range []bool{false, true} {
		t.Run(fmt.Sprintf("new redirect URI against policy, replaced=%v", replace), func(t *testing.T) {
			res := noFalseAlarm(t, server.Config{}, updateRedirectsByPolicy(replace), nil, "rfc7592-2.2-update-replaces")
			want := map[bool]suite.Status{false: suite.Skip, true: suite.Pass}[replace]
			assert.Equal(t, want, res[0].Status, describe(res[0]))
		})
	}
}

// TestRegistrationForMachinesOnly: a server that registers only machine
// clients replaces the requested grant types with client_credentials and
// keeps no redirect URI (RFC 7591 §3.2.1 lets it replace values): the
// response returns what it registered, and no redirect URI is missing.
func TestRegistrationForMachinesOnly(t *testing.T) {
	machinesOnly := rewriteJSON("/register", func(r *http.Request, body map[string]any) {
		if r.Method != http.MethodPost {
			return
		}
		body["grant_types"] = []string{"client_credentials"}
		body["response_types"] = []string{}
		delete(body, "redirect_uris")
	})
	res := runChecksWrapped(t, server.Config{}, machinesOnly, checksByID(t, "rfc7591-3.2.1-metadata-echoed"))
	assert.Equal(t, suite.Pass, res[0].Status, describe(res[0]))
	// The same response for a server that still lists authorization_code
	// leaves out the redirect URIs it registered.
	codeKept := rewriteJSON("/register", func(r *http.Request, body map[string]any) {
		if r.Method == http.MethodPost {
			delete(body, "redirect_uris")
		}
	})
	res = runChecksWrapped(t, server.Config{}, codeKept, checksByID(t, "rfc7591-3.2.1-metadata-echoed"))
	assert.Equal(t, suite.Fail, res[0].Status, describe(res[0]))
}

// TestPKCESupportDeclaredOutsideTheMetadata: RFC 9700 §2.1.1 lets a server
// make its PKCE support known another way than code_challenge_methods_supported;
// with the config saying so (features: pkce), the missing S256 is no WARN.
func TestPKCESupportDeclaredOutsideTheMetadata(t *testing.T) {
	c, ok := registry(t).Get("rfc8414-2-code-challenge-methods-s256")
	require.True(t, ok)
	declared := func(env *suite.Env) { env.Target.SetFeature(vocab.FeaturePKCE, true, "") }
	for _, r := range runChecksEnv(t, server.Config{Faults: []server.Fault{server.FaultMetadataNoS256}}, nil, declared, []*suite.Check{c}) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}

// TestScopeForPeopleOnly: a scope the server grants only in the
// authorization code flow is supported all the same (RFC 8414 §2
// scopes_supported; RFC 6749 §3.3 leaves the policy to the server).
func TestScopeForPeopleOnly(t *testing.T) {
	lawful(t, server.Config{}, scopeForPeopleOnly("write"), nil, "rfc8414-2-scopes-supported-accepted")
}

// TestPKCEErrorsShownAreWarnings: a PKCE error shown to the person instead
// of redirected to the client is judged as every authorization error is
// (RFC 9700 §4.11.2 against RFC 6749 §4.1.2.1): a WARN, never a FAIL.
func TestPKCEErrorsShownAreWarnings(t *testing.T) {
	ids := []string{"rfc7636-4.3-default-method-plain", "rfc7636-4.4.1-required-challenge-invalid-request", "rfc7636-4.4.1-unsupported-method-invalid-request"}
	want := map[string]suite.Status{}
	for _, id := range ids {
		want[id] = suite.Warn
	}
	lawful(t, server.Config{Faults: []server.Fault{server.FaultErrorsNotRedirected}}, nil, want, ids...)
}

// TestMissingVerifierInvalidRequest: a missing code_verifier answered with
// invalid_request (RFC 6749 §5.2: a missing parameter) passes.
func TestMissingVerifierInvalidRequest(t *testing.T) {
	lawful(t, server.Config{Variants: []server.Variant{server.VariantPKCEMissingVerifierInvalidRequest}}, nil, nil, "rfc7636-4.6-missing-verifier-refused")
}

// TestContractJudgesOnlyRFCs: answers that only authspec's contract fixes
// (GET of the token endpoint answered 404, a POST to the resource answered
// 405 as by a resource that is no MCP server) fail no openapi-* check.
func TestContractJudgesOnlyRFCs(t *testing.T) {
	var plan []*suite.Check
	for _, c := range registry(t).Checks() {
		if !needsBrowser(c) {
			plan = append(plan, c)
		}
	}
	wrap := func(h http.Handler) http.Handler {
		h = answer(http.MethodGet, "/token", http.StatusNotFound, nil, "404 page not found")(h)
		return answer(http.MethodPost, "/mcp", http.StatusMethodNotAllowed, http.Header{"Allow": {"GET"}}, "")(h)
	}
	// The contract judges what the other checks observed: none waits out
	// a lifetime (skipWaits).
	noWaits := func(env *suite.Env) { env.MaxWait = -1 }
	for _, r := range runChecksEnv(t, server.Config{}, wrap, noWaits, plan) {
		if strings.HasPrefix(r.ID, "openapi-") {
			// PASS, or SKIP when no answer had a status the contract
			// documents (every POST to the resource answered 405).
			assert.Contains(t, []suite.Status{suite.Pass, suite.Skip}, r.Status, describe(r))
		}
	}
}

// TestRevocationOfRefreshTokensOnly: a server that revokes no access token
// (unsupported_token_type) and keeps the grant's access tokens valid when
// its refresh token is revoked does not meet the condition of RFC 7009
// §2.1's SHOULD ("and the authorization server supports the revocation of
// access tokens"): SKIP, not WARN.
func TestRevocationOfRefreshTokensOnly(t *testing.T) {
	lawful(t, server.Config{Faults: []server.Fault{server.FaultRevokeKeepsAccess}, Variants: []server.Variant{server.VariantRevocationRefreshOnly}}, nil,
		map[string]suite.Status{"rfc7009-2.1-access-token-revoked": suite.Skip, "rfc7009-2.1-refresh-revokes-access": suite.Skip},
		"rfc7009-2.1-access-token-revoked", "rfc7009-2.1-refresh-revokes-access", "rfc7009-2.1-refresh-token-revoked")
}
