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
			if !c.Level.Mandatory() {
				want = suite.Warn
			}
			assert.Equal(t, want, resultOf(t, runChecks(t, server.Config{Variants: tt.variants, Faults: []server.Fault{tt.fault}}, plan), tt.id).Status, "with %s", tt.fault)
			assert.Equal(t, suite.Pass, resultOf(t, runChecks(t, server.Config{Variants: tt.variants}, plan), tt.id).Status, "without a fault")
		})
	}
}

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
