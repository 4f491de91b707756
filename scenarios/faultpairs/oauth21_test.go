package faultpairs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

var _ = add(map[string]pair{
	"oauth21-1.7.1-long-state-echoed": faults(server.FaultStateTruncated),
	// A server without RFC 9207: no iss, and the metadata does not say it
	// sends one (rfc9207-2-iss-parameter then has nothing to ask for).
	"oauth21-4.1.2-iss-required":                       faults(server.FaultIssParamMissing, server.FaultMetadataIssNotAdvertised),
	"oauth21-3.2.2-public-client-secret-authenticated": faults(server.FaultPublicClientSecretIgnored),
	"oauth21-4.1.2.1-error-page-400":                   missesShould(server.VariantErrorPage200),
	"oauth21-4.1.2.1-pkce-required-public":             faults(server.FaultPKCENotRequired),
	// The reference server treats its clients as OAuth 2.0 clients unless
	// its variant oauth21-clients is on: a run that says otherwise
	// (oauth21_clients) meets a server that requires redirect_uri.
	"oauth21-10.2-redirect-uri-not-required":    {target: func(c *target.Config) { c.OAuth21Clients = true }},
	"oauth21-4.1.2.1-iss-on-error-response":     faults(server.FaultIssMissingOnErrors, server.FaultMetadataIssNotAdvertised),
	"oauth21-4.3.1-refresh-bound-to-client-id":  faults(server.FaultRefreshNotBound),
	"oauth21-7.5.3-invalid-replay-keeps-tokens": faults(server.FaultReplayRevokesUnverified),
	"oauth21-5.1-query-token-ignored":           faults(server.FaultMCPQueryToken),
	// The MCP server's session cookie holds the access token, without Secure.
	"oauth21-7.1.1.2-no-token-cookie-in-clear": faults(server.FaultMCPSessionCookie),
	// The rules OAuth 2.1 adds to what RFC 6749, RFC 7636 and RFC 9700
	// leave open: the variants are lawful OAuth 2.0 servers, which the
	// checks judge only under the claim the harness makes.
	"oauth21-2.4.1-client-secret-post-supported": claimBroken(server.VariantBasicOnly),
	"oauth21-4.1.1-plain-refused":                claimBroken(server.VariantPKCEPlainSupported),
	"oauth21-4.1.2.1-pkce-required-confidential": claimBroken(server.VariantPKCEOptionalConfidential),
	"oauth21-7.5.1.1-pkce-enforced-with-nonce":   missesShould(server.VariantPKCEOptionalConfidential),
})

// claimBroken pairs a check with a claim (suite.Check.Claim) with variants
// that are lawful without the claim and break the claimed profile's rule:
// the check must FAIL (WARN at SHOULD level) under the claim.
func claimBroken(v ...server.Variant) pair { return pair{variants: v} }

// TestClaimedChecksSkipWithoutTheClaim: a server that does not claim
// OAuth 2.1 is lawful where only OAuth 2.1 binds it: against the variant
// that breaks the draft's rule, and against the reference server, each
// check with a Claim is SKIP in a run that makes no claim, its reason
// naming the config key and the flag.
func TestClaimedChecksSkipWithoutTheClaim(t *testing.T) {
	reg := registry(t)
	unclaimed := func(env *suite.Env) { env.Claims = nil }
	for id, p := range pairs {
		c, ok := reg.Get(id)
		if !ok || c.Claim == "" {
			continue
		}
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			for _, cfg := range []server.Config{{}, {Faults: p.faults, Variants: p.variants}} {
				for _, r := range runChecksEnv(t, cfg, nil, unclaimed, []*suite.Check{c}) {
					assert.Equal(t, suite.Skip, r.Status, "variants %v: %s", cfg.Variants, describe(r))
					assert.Contains(t, r.Message, "claims: ["+string(c.Claim)+"]")
					assert.Contains(t, r.Message, "--claim "+string(c.Claim))
				}
			}
		})
	}
}
