package faultpairs_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// The protected-resource checks against lawful behaviours the reference
// server does not have, emulated in front of it: each must PASS or SKIP,
// and WARN only where a SHOULD is not met.

// resourceChecks are the checks of RFC 6750, RFC 8707, RFC 9728 and MCP
// that need no browser.
func resourceChecks(t *testing.T) []*suite.Check {
	var out []*suite.Check
	for _, c := range registry(t).Checks() {
		if needsBrowser(c) {
			continue
		}
		switch c.Spec {
		case suite.RFC6750, suite.RFC8707, suite.RFC9728, suite.MCP:
			out = append(out, c)
		}
	}
	return out
}

// assertLawful requires no FAIL and no ERROR, and WARN only for warn.
func assertLawful(t *testing.T, results []suite.Result, warn ...string) {
	t.Helper()
	for _, r := range results {
		switch r.Status {
		case suite.Fail, suite.Error:
			t.Errorf("%s", describe(r))
		case suite.Warn:
			assert.Contains(t, warn, r.ID, describe(r))
		}
	}
}

// TestResourceVariant_GetNotServed: a resource that answers every GET with
// 405, as a Streamable HTTP MCP server without an SSE stream does (RFC 6750
// §3.1 names 405 among the usual statuses), is judged by POST: as a plain
// protected resource and as an MCP server.
func TestResourceVariant_GetNotServed(t *testing.T) {
	cfg := server.Config{Variants: []server.Variant{server.VariantResourceGet405}}
	plain := func(c *target.Config) { no := false; c.MCPServer = &no }
	assertLawful(t, runChecksConfig(t, cfg, nil, plain, resourceChecks(t)))
	assertLawful(t, runChecks(t, cfg, resourceChecks(t)))
}

func TestResourceVariant_DefaultAudience(t *testing.T) {
	cfg := server.Config{Variants: []server.Variant{server.VariantResourceDefaultAudience}}
	assertLawful(t, runChecksWrapped(t, cfg, nil, resourceChecks(t)))
	noOther := func(c *target.Config) { c.OtherResource = "" }
	res := runChecksConfig(t, cfg, nil, noOther, resourceChecks(t))
	assertLawful(t, res)
	for _, r := range res {
		if r.ID == "mcp-2.6.2-audience-validated" {
			assert.Equal(t, suite.Skip, r.Status, describe(r))
			assert.Contains(t, r.Message, "default resource")
		}
	}
}

// TestResourceVariant_MetadataElsewhere: a challenge whose
// resource_metadata is not the well-known URL (RFC 9728 §5.1: the parameter
// is "the URL of the protected resource metadata").
func TestResourceVariant_MetadataElsewhere(t *testing.T) {
	cfg := server.Config{Variants: []server.Variant{server.VariantResourceMetadataCustomURL}}
	assertLawful(t, runChecks(t, cfg, resourceChecks(t)))
}

// TestResourceVariant_MalformedAs401: a malformed Authorization header
// answered 401 invalid_token reads the value as a malformed token, which
// RFC 6750 §3.1 lists under invalid_token: lawful, as is every MCP check.
func TestResourceVariant_MalformedAs401(t *testing.T) {
	res := runChecks(t, server.Config{Variants: []server.Variant{server.VariantBearerMalformed401}}, resourceChecks(t))
	assertLawful(t, res)
}

// plainResource makes the demo resource answer an authorized POST with
// plain JSON, as a protected resource that is not an MCP server does;
// refusals pass through unchanged.
func plainResource(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/mcp" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code < 200 || rec.Code > 299 {
			copyResponse(w, rec)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"resource":"demo","ok":true}`)
	})
}

// TestResourceKindProbed: without mcp_server in the config, the suite asks
// the resource: the reference server's JSON-RPC answer makes it an MCP
// server (the MCP checks of the resource run, and pass), and plain JSON
// makes it a plain protected resource (they SKIP, saying why).
func TestResourceKindProbed(t *testing.T) {
	undecided := func(c *target.Config) { c.MCPServer = nil }
	var mcpChecks []*suite.Check
	for _, c := range resourceChecks(t) {
		if slices.Contains(c.Requires, vocab.FeatureMCPServer) {
			mcpChecks = append(mcpChecks, c)
		}
	}
	require.NotEmpty(t, mcpChecks)
	for _, r := range runChecksConfig(t, server.Config{}, nil, undecided, mcpChecks) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
	for _, r := range runChecksConfig(t, server.Config{}, plainResource, undecided, mcpChecks) {
		assert.Equal(t, suite.Skip, r.Status, describe(r))
		assert.Contains(t, r.Message, "no JSON-RPC response", r.ID)
	}
}

// TestResourceVariant_OutsideGrantIgnored: a server that ignores a token
// request's resource outside the grant, and issues the token for the
// grant's resources, widens nothing (RFC 8707 §2.2 leaves the acceptable
// resources to it): the observations of a resource outside the grant
// accepted do not apply.
func TestResourceVariant_OutsideGrantIgnored(t *testing.T) {
	cfg := server.Config{Variants: []server.Variant{server.VariantResourceOutsideGrantIgnored}}
	for _, r := range runChecks(t, cfg, checksByID(t, "rfc8707-2.2-token-resource-within-grant", "rfc8707-2.2-refresh-unknown-invalid-target")) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
		assert.Contains(t, strings.Join(r.Log, "\n"), "it ignored the resource outside the grant", r.ID)
	}
}
