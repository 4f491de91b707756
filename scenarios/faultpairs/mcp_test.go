package faultpairs_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

var _ = add(map[string]pair{
	"mcp-2.3.1-prm-published":                     faults(server.FaultMCPPRMNotServed),
	"mcp-2.3.1-prm-authorization-servers":         faults(server.FaultMCPNoAuthorizationServers),
	"mcp-2.3.1-challenge-resource-metadata":       faults(server.FaultNoResourceMetadata),
	"mcp-2.3.1-invalid-token-resource-metadata":   faults(server.FaultMCPInvalidTokenNoMetadata),
	"mcp-2.3.1-post-challenge":                    faults(server.FaultMCPPostNoChallenge),
	"mcp-2025-11-25-challenge-scope":              faults(server.FaultMCPChallengeNoScope),
	"mcp-2025-11-25-insufficient-scope-challenge": faults(server.FaultMCPScopeChallengeNoMetadata),
	"mcp-2025-11-25-pkce-advertised":              observed(server.FaultMetadataNoS256),
	"mcp-2.5.1-resource-in-both-requests":         faults(server.FaultMCPResourceAtTokenRefused),
	"mcp-2.5.1-resource-no-trailing-slash":        faults(server.FaultResourceMetaWrongResource),
	"mcp-2.5.1-uppercase-resource-accepted":       faults(server.FaultMCPResourceCaseSensitive),
	"mcp-2.6.2-issued-token-accepted":             faults(server.FaultMCPTokenWithoutAudience),
	"mcp-2.6.2-audience-validated":                faults(server.FaultAudienceUnchecked),
	"mcp-2.6.2-invalid-token-401":                 faults(server.FaultMCPInvalidToken403),
	"mcp-2.7-insufficient-scope-403":              faults(server.FaultBearerScope401),
	"mcp-2.6.1-every-request-authorized":          faults(server.FaultMCPSessionCookie),
	"mcp-2.6.1-query-token-refused":               faults(server.FaultMCPQueryToken),
	"mcp-2.6.2-revoked-token-401":                 faults(server.FaultMCPInactiveAccepted),
	"mcp-2.4-public-client-registration":          faults(server.FaultMCPPublicDCRRefused),
	"mcp-security-consent-per-client":             faults(server.FaultMCPConsentPerUser),
	"mcp-2.6.2-as-refuses-foreign-tokens":         faults(server.FaultMCPForeignTokenAccepted),
	// The suite sends nothing to an origin the user did not allow: a user
	// whose server names http endpoints allows their origin to see why.
	"mcp-3.3-endpoints-https": {faults: []server.Fault{server.FaultMetadataEndpointHTTP},
		target: func(c *target.Config) { c.AllowedOrigins = []string{"http://as.example.com"} }},
})

var _ = add(map[string]pair{
	"mcp-2025-11-25-cimd-url-client-id":          faults(server.FaultCIMDBroken),
	"mcp-2025-11-25-cimd-client-id-matches-url":  faults(server.FaultCIMDClientIDUnchecked),
	"mcp-2025-11-25-cimd-redirect-uri-listed":    faults(server.FaultCIMDRedirectUnchecked),
	"mcp-2025-11-25-cimd-redirects-not-followed": faults(server.FaultCIMDFollowsRedirects),
	"mcp-2025-11-25-cimd-no-shared-secret":       faults(server.FaultCIMDSecretMethodAllowed),
	"mcp-2025-11-25-cimd-no-client-secret":       faults(server.FaultCIMDClientSecretAccepted),
	"mcp-2025-11-25-cimd-url-form":               faults(server.FaultCIMDURLFormUnchecked),
	"mcp-2025-11-25-cimd-invalid-json-refused":   faults(server.FaultCIMDLenientJSON),
	"mcp-2025-11-25-cimd-redirect-uris-required": faults(server.FaultCIMDRedirectURIsOptional),
	"mcp-2025-11-25-cimd-advertised":             faults(server.FaultCIMDNotAdvertised),
	"mcp-2025-11-25-cimd-supported":              faults(server.FaultCIMDNotAdvertised),
	"mcp-2025-11-25-cimd-size-limited":           faults(server.FaultCIMDNoSizeLimit),
	"mcp-2025-11-25-cimd-fetch-failure-aborts":   faults(server.FaultCIMDFetchFailureIgnored),
	"mcp-2025-11-25-cimd-errors-not-cached":      faults(server.FaultCIMDCachesFailures),
	"mcp-2025-11-25-cimd-client-host-shown":      faults(server.FaultConsentAnonymous),
	"mcp-2025-11-25-cimd-logo-prefetched":        missesShould(server.VariantConsentLogoHotlinked),
	"mcp-2025-11-25-cimd-redirect-host-shown":    faults(server.FaultConsentAnonymous),
})

// TestEveryRequestAuthorized_SessionID: an MCP server that serves the
// requests of a session on its Mcp-Session-Id alone (a new initialize
// still needs the token) fails mcp-2.6.1-every-request-authorized too,
// whose pair is the session cookie.
func TestEveryRequestAuthorized_SessionID(t *testing.T) {
	id := "mcp-2.6.1-every-request-authorized"
	for _, r := range runChecks(t, server.Config{Faults: []server.Fault{server.FaultMCPSessionIDStandsIn}}, checksByID(t, id)) {
		assert.Equal(t, suite.Fail, r.Status, describe(r))
		assert.Contains(t, r.Message, "Mcp-Session-Id", id)
	}
}

// TestPKCEAdvertised_OpenIDDiscovery: served by OpenID Connect discovery
// alone, metadata without code_challenge_methods_supported breaks the MUST
// of mcp-2025-11-25-pkce-advertised (its pair, RFC 8414 metadata, is an
// observation).
func TestPKCEAdvertised_OpenIDDiscovery(t *testing.T) {
	id := "mcp-2025-11-25-pkce-advertised"
	cfg := server.Config{Faults: []server.Fault{server.FaultMetadataNoS256}, Variants: []server.Variant{server.VariantOpenIDDiscoveryOnly}}
	for _, r := range runChecks(t, cfg, checksByID(t, id)) {
		assert.Equal(t, suite.Fail, r.Status, describe(r))
	}
}

// TestCIMDReadTruncated: a server that reads a client metadata document up
// to its limit and parses what it read limits the size it fetches, even
// when the JSON object within the limit makes a valid document.
func TestCIMDReadTruncated(t *testing.T) {
	id := "mcp-2025-11-25-cimd-size-limited"
	for _, r := range runChecks(t, server.Config{Variants: []server.Variant{server.VariantCIMDReadTruncated}}, checksByID(t, id)) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
		assert.Contains(t, strings.Join(r.Log, "\n"), "it stopped reading")
	}
}

// TestEveryRequestAuthorized_OpenServer: an MCP server that serves
// requests without any token (MCP makes authorization optional) has no
// token for a session to stand in for: the check cannot judge it.
func TestEveryRequestAuthorized_OpenServer(t *testing.T) {
	id := "mcp-2.6.1-every-request-authorized"
	open := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/mcp" && r.Header.Get("Authorization") == "" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"open","version":"1"}}}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	for _, r := range runChecksWrapped(t, server.Config{}, open, checksByID(t, id)) {
		assert.Equal(t, suite.Skip, r.Status, describe(r))
		assert.Contains(t, r.Message, "without any token", id)
	}
	// Nor is a challenge due where no token is needed.
	for _, r := range runChecksWrapped(t, server.Config{}, open, checksByID(t, "mcp-2.3.1-post-challenge")) {
		assert.Equal(t, suite.Skip, r.Status, describe(r))
	}
}

// TestIssuedTokenAccepted_MoreScopeNeeded: an MCP server that answers a
// token for it with 403 insufficient_scope accepts the token, and needs
// scopes the run did not ask for: no refusal of the token.
func TestIssuedTokenAccepted_MoreScopeNeeded(t *testing.T) {
	id := "mcp-2.6.2-issued-token-accepted"
	scoped := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/mcp" && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
				w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="tools:admin"`)
				w.WriteHeader(http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	for _, r := range runChecksWrapped(t, server.Config{}, scoped, checksByID(t, id)) {
		assert.Equal(t, suite.Skip, r.Status, describe(r))
		assert.Contains(t, r.Message, "tools:admin", id)
	}
}
