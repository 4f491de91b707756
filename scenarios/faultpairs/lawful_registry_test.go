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
