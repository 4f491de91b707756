package faultpairs_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
)

// lawful runs the checks ids against the reference server behind wrap and
// requires the statuses of want (an ID missing from want must PASS).
func lawful(t *testing.T, cfg server.Config, wrap func(http.Handler) http.Handler, want map[string]suite.Status, ids ...string) {
	t.Helper()
	reg := registry(t)
	var checks []*suite.Check
	for _, id := range ids {
		c, ok := reg.Get(id)
		require.True(t, ok, id)
		checks = append(checks, c)
	}
	results := runChecksWrapped(t, cfg, wrap, checks)
	require.Len(t, results, len(ids))
	for _, r := range results {
		status, ok := want[r.ID]
		if !ok {
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
	lawful(t, server.Config{}, accessRevocation(true),
		map[string]suite.Status{"rfc7009-2.1-access-token-revoked": suite.Skip}, revocationChecks...)
}

// TestRevocationOfSelfContainedAccessTokens: a server whose access tokens
// stay valid after a 200 does not meet RFC 7009 §2's SHOULD (a WARN, never
// a FAIL), and revoking the refresh token is judged only for servers that
// revoke access tokens.
func TestRevocationOfSelfContainedAccessTokens(t *testing.T) {
	lawful(t, server.Config{}, accessRevocation(false),
		map[string]suite.Status{"rfc7009-2.1-access-token-revoked": suite.Warn}, revocationChecks...)
}

var introspectionChecks = []string{"rfc7662-2.1-requires-authorization", "rfc7662-2.1-hint-not-binding", "rfc7662-2.2-active-token",
	"rfc7662-2.2-unknown-token-inactive", "rfc7662-2.2-json-response", "rfc7662-2.2-numeric-dates", "rfc7662-2.2-revoked-inactive",
	"rfc7662-2.2-inactive-no-details", "rfc7662-2.3-invalid-client-401"}

// TestIntrospectionOfEveryTokenInactive: an endpoint that reports every
// token inactive breaks RFC 7662 §2.2 for a token just issued to the
// caller; the checks that need an active token cannot run.
func TestIntrospectionOfEveryTokenInactive(t *testing.T) {
	lawful(t, server.Config{}, introspectAlways(false), map[string]suite.Status{
		"rfc7662-2.2-active-token": suite.Fail, "rfc7662-2.1-hint-not-binding": suite.Skip,
		"rfc7662-2.2-numeric-dates": suite.Skip, "rfc7662-2.2-revoked-inactive": suite.Skip,
	}, introspectionChecks...)
}

// TestIntrospectionOfEveryTokenActive: an endpoint that reports every
// token active breaks RFC 7662 §2.2's MUST for tokens that do not exist and
// for revoked ones.
func TestIntrospectionOfEveryTokenActive(t *testing.T) {
	lawful(t, server.Config{}, introspectAlways(true), map[string]suite.Status{
		"rfc7662-2.2-unknown-token-inactive": suite.Fail, "rfc7662-2.2-revoked-inactive": suite.Fail,
		"rfc7662-2.2-inactive-no-details": suite.Skip, "rfc7662-2.2-numeric-dates": suite.Skip,
	}, introspectionChecks...)
}

// TestIntrospectionForResourceServersOnly: a server that refuses clients at
// its introspection endpoint leaves nothing to judge but the refusals.
func TestIntrospectionForResourceServersOnly(t *testing.T) {
	want := map[string]suite.Status{"rfc8414-2-introspection-endpoint-introspects": suite.Skip}
	for _, id := range introspectionChecks {
		want[id] = suite.Skip
	}
	want["rfc7662-2.1-requires-authorization"], want["rfc7662-2.3-invalid-client-401"] = suite.Pass, suite.Pass
	lawful(t, server.Config{}, introspectionForResourceServersOnly, want, append(introspectionChecks, "rfc8414-2-introspection-endpoint-introspects")...)
}
