package faultpairs_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
)

// The checks that a lawful variant leads down another path (the metadata
// found at another URL, an issuer with a path or a final slash, the
// challenge rewritten, the resource called by POST) still fail with their
// fault on that path, and pass without it.
func TestVariantFaultPairs(t *testing.T) {
	tests := []struct {
		id       string
		variants []server.Variant
		fault    server.Fault
	}{
		// The OpenID Connect Discovery document is judged as the RFC 8414 one.
		{"openapi-metadata-responses", []server.Variant{server.VariantOpenIDDiscoveryOnly}, server.FaultMetadataNotJSON},
		{"rfc8414-3.2-json-content-type", []server.Variant{server.VariantOpenIDDiscoveryOnly}, server.FaultMetadataNotJSON},
		{"rfc8414-2-required-members", []server.Variant{server.VariantOpenIDDiscoveryOnly}, server.FaultMetadataNoRespTypes},
		// The issuer compared is the one the metadata was fetched for,
		// path and final slash included.
		{"rfc8414-3.3-issuer-identical", []server.Variant{server.VariantIssuerPath}, server.FaultIssuerMismatch},
		{"rfc8414-3.3-issuer-identical", []server.Variant{server.VariantIssuerTrailingSlash}, server.FaultIssuerMismatch},
		{"rfc8414-3.3-issuer-identical", []server.Variant{server.VariantIssuerPath, server.VariantOpenIDDiscoveryOnly}, server.FaultIssuerMismatch},
		{"rfc9207-2-iss-parameter", []server.Variant{server.VariantIssuerTrailingSlash}, server.FaultIssParamMissing},
		{"rfc9728-3.3-resource-identical", []server.Variant{server.VariantIssuerPath}, server.FaultResourceMetaWrongResource},
		// The challenge with more auth-params, or resource_metadata
		// elsewhere, is still read.
		{"mcp-2.3.1-challenge-resource-metadata", []server.Variant{server.VariantChallengeExtraParams}, server.FaultNoResourceMetadata},
		{"rfc6750-3.1-invalid-token-error", []server.Variant{server.VariantChallengeExtraParams}, server.FaultBearerNoErrorCode},
		{"rfc9728-3.2-json-content-type", []server.Variant{server.VariantResourceMetadataCustomURL}, server.FaultResourceMetaNotJSON},
		// A resource that serves POST only is judged by POST.
		{"rfc6750-3-challenge-has-auth-params", []server.Variant{server.VariantResourceGet405}, server.FaultBearerBareChallenge},
		{"mcp-2.6.2-invalid-token-401", []server.Variant{server.VariantResourceGet405}, server.FaultMCPInvalidToken403},
	}
	tests = append(tests, parRequiredPairs...)
	reg := registry(t)
	for _, tt := range tests {
		names := make([]string, len(tt.variants))
		for i, v := range tt.variants {
			names[i] = string(v)
		}
		t.Run(tt.id+"/"+strings.Join(names, "+"), func(t *testing.T) {
			t.Parallel()
			c, ok := reg.Get(tt.id)
			require.True(t, ok, "no check %s", tt.id)
			plan := planFor(reg, c)
			want := suite.Fail
			if !c.Level.Mandatory() || pairs[tt.id].want == suite.Warn {
				want = suite.Warn // a SHOULD, or an observation of a MUST (observed)
			}
			faulty := runChecksEnv(t, server.Config{Variants: tt.variants, Faults: []server.Fault{tt.fault}}, nil, skipWaits(c), plan)
			assert.Equal(t, want, resultOf(t, faulty, tt.id).Status, "with %s", tt.fault)
			compliant := runChecksEnv(t, server.Config{Variants: tt.variants}, nil, skipWaits(c), plan)
			assert.Equal(t, suite.Pass, resultOf(t, compliant, tt.id).Status, "without a fault")
		})
	}
}

// parRequiredPairs are the checks that take another path against a server
// that requires pushed authorization requests: the probe pushed (its
// parameters validated by the PAR endpoint, RFC 9126 §2.1), or sent plain
// (the request anyone can send a person to, which such a server refuses
// by an error redirect, RFC 9126 §4).
var parRequiredPairs = func() []struct {
	id       string
	variants []server.Variant
	fault    server.Fault
} {
	pairs := []struct {
		id    string
		fault server.Fault
	}{
		// Pushed.
		{"rfc6749-4.1.2.1-missing-response-type", server.FaultAuthzMissingRTWrongError},
		{"rfc6749-3.1.1-unsupported-response-type", server.FaultResponseTypeUnchecked},
		{"rfc6749-4.1.2.1-unknown-scope-invalid-scope", server.FaultAuthzUnknownScopeWrongErr},
		{"rfc6749-3.1-authorize-unknown-params-ignored", server.FaultAuthzUnknownParamRejected},
		{"rfc6749-3.1-authorize-duplicate-params-refused", server.FaultDuplicateParamsOK},
		{"rfc6749-3.1-authorize-empty-params-omitted", server.FaultAuthzEmptyScopeInvalid},
		{"rfc6749-3.1.2-redirect-query-retained", server.FaultAuthzRedirectQueryDropped},
		{"rfc6749-4.1.2-state-echoed", server.FaultStateDropped},
		{"rfc7636-4.3-default-method-plain", server.FaultPKCEDefaultS256},
		{"rfc7636-4.4.1-required-challenge-invalid-request", server.FaultPKCERequiredWrongError},
		{"rfc7636-4.4.1-unsupported-method-invalid-request", server.FaultPKCEUnknownMethodS256},
		{"rfc8252-8.1-pkce-required-native", server.FaultPKCENotRequired},
		{"rfc9700-4.1.3-exact-redirect-match", server.FaultRedirectPrefixMatch},
		{"rfc9700-4.1.3-no-redirect-patterns", server.FaultBCPRedirectPatterns},
		{"rfc8252-7.3-loopback-any-port", server.FaultLoopbackPortStrict},
		{"rfc9207-2-iss-parameter", server.FaultIssParamMissing},
		{"mcp-2025-11-25-cimd-url-client-id", server.FaultCIMDBroken},
		{"mcp-2025-11-25-cimd-client-id-matches-url", server.FaultCIMDClientIDUnchecked},
		// (cimd-redirect-uri-unchecked does not reach this path: the
		// authorization endpoint checks the pushed redirect URI against
		// the document again, RFC 9126 §4, and refuses it.)
		{"mcp-2025-11-25-cimd-no-shared-secret", server.FaultCIMDSecretMethodAllowed},
		{"rfc9126-5-require-par-honoured", server.FaultPARRequiredNotEnforced},
		// Pushed, the refusal read from the PAR endpoint's answer.
		{"rfc8414-2-response-types-not-refused", server.FaultMetadataUnsupportedRespType},
		{"rfc8414-2-scopes-supported-accepted", server.FaultMetadataUnsupportedScope},
		{"rfc9728-2-scopes-supported-requestable", server.FaultResourceMetaUnknownScope},
		{"rfc8707-2-resource-repeatable", server.FaultResourceNotRepeatable},
		{"rfc7591-2-defaults-registered", server.FaultRegisterNoDefaults},
		{"mcp-2.5.1-resource-in-both-requests", server.FaultMCPResourceAtTokenRefused},
		{"mcp-2.5.1-uppercase-resource-accepted", server.FaultMCPResourceCaseSensitive},
		// Plain.
		{"rfc6749-4.1.2.1-error-carries-state", server.FaultErrorStateDropped},
		{"rfc9207-2-iss-on-error-response", server.FaultIssMissingOnErrors},
		{"rfc6749-4.1.2.1-unknown-client-not-redirected", server.FaultAuthzUnknownClientRedirect},
		{"rfc6749-4.1.2.1-missing-client-not-redirected", server.FaultAuthzMissingClientRedirect},
		{"rfc6749-4.1.2.1-invalid-redirect-not-followed", server.FaultOpenRedirect},
		{"rfc6749-3.1.2.3-redirect-uri-required-if-several", server.FaultAuthzFirstRedirectDefault},
	}
	out := make([]struct {
		id       string
		variants []server.Variant
		fault    server.Fault
	}, len(pairs))
	for i, p := range pairs {
		out[i].id, out[i].variants, out[i].fault = p.id, []server.Variant{server.VariantPARRequired}, p.fault
	}
	return out
}()

func resultOf(t *testing.T, results []suite.Result, id string) suite.Result {
	t.Helper()
	for _, r := range results {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no result for %s", id)
	return suite.Result{}
}
