package faultpairs_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// Checks that cannot run SKIP and say what would let them run; they never
// judge what they could not observe.

// TestLoopbackAnyPort_LoginPageWithoutBrowser: a server with a login page
// and no browser recipe cannot show whether the other port is accepted.
func TestLoopbackAnyPort_LoginPageWithoutBrowser(t *testing.T) {
	id := "rfc8252-7.3-loopback-any-port"
	r := runWith(t, server.Config{Consent: server.ConsentForm}, runOpts{}, &target.Config{}, id)[id]
	assert.Equal(t, suite.Skip, r.Status, describe(r))
	assert.Contains(t, r.Message, "browser", id)
}

// TestDeny_NoDenyRecipe: without browser.deny there is no denial to judge,
// whatever the browser did.
func TestDeny_NoDenyRecipe(t *testing.T) {
	id := "rfc6749-4.1.2.1-deny-access-denied"
	tcfg := &target.Config{Browser: target.BrowserConfig{Login: referenceRecipe.Login, Consent: referenceRecipe.Consent}}
	r := runWith(t, server.Config{Consent: server.ConsentForm}, runOpts{browser: true}, tcfg, id)[id]
	assert.Equal(t, suite.Skip, r.Status, describe(r))
	assert.Contains(t, r.Message, "browser.deny", id)
}

// TestDeny_LoginNotPassed: a recipe that cannot sign in (a wrong password)
// never reaches the deny steps: no verdict on the server's denial.
func TestDeny_LoginNotPassed(t *testing.T) {
	id := "rfc6749-4.1.2.1-deny-access-denied"
	wrong := referenceRecipe
	wrong.Login = []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "not-the-password"}, {Click: "#login"}}
	r := runWith(t, server.Config{Consent: server.ConsentForm}, runOpts{browser: true}, &target.Config{Browser: wrong}, id)[id]
	assert.NotEqual(t, suite.Fail, r.Status, describe(r))
	assert.NotEqual(t, suite.Warn, r.Status, describe(r))
}

// TestReplayRevokesTokens_NeedsBaseline: a protected resource that never
// accepts the token cannot show that the replay revoked it.
func TestReplayRevokesTokens_NeedsBaseline(t *testing.T) {
	id := "rfc6749-4.1.2-replay-revokes-tokens"
	refuseAll := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/mcp") {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	r := runWith(t, server.Config{}, runOpts{wrap: refuseAll}, &target.Config{}, id)[id]
	assert.Equal(t, suite.Skip, r.Status, describe(r))
	assert.Contains(t, r.Message, "before the code is replayed", id)
}

// TestScopeNotWidened_IgnoredAndReported: a server may ignore the scope a
// refresh asks for beyond the grant and issue the original one, saying so
// (RFC 6749 §3.3 "MAY fully or partially ignore"): that is no widening.
func TestScopeNotWidened_IgnoredAndReported(t *testing.T) {
	id := "rfc6749-6-scope-not-widened"
	ignoreRefreshScope := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
				raw, _ := io.ReadAll(r.Body)
				if form, err := url.ParseQuery(string(raw)); err == nil && form.Get("grant_type") == "refresh_token" {
					form.Del("scope")
					raw = []byte(form.Encode())
				}
				r.Body = io.NopCloser(bytes.NewReader(raw))
				r.ContentLength = int64(len(raw))
			}
			next.ServeHTTP(w, r)
		})
	}
	r := runWith(t, server.Config{}, runOpts{wrap: ignoreRefreshScope}, &target.Config{}, id)[id]
	assert.Equal(t, suite.Pass, r.Status, describe(r))
}

// TestNoPasswordGrant_UnknownGrantsAnsweredAlike: a server that answers
// every grant type it does not offer with invalid_request (fosite) does not
// run the password grant; the wrong error code is
// rfc6749-5.2-unsupported-grant-type's finding, not this check's.
func TestNoPasswordGrant_UnknownGrantsAnsweredAlike(t *testing.T) {
	id := "rfc9700-2.4-no-password-grant"
	unknownGrant := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
				raw, _ := io.ReadAll(r.Body)
				form, _ := url.ParseQuery(string(raw))
				if gt := form.Get("grant_type"); gt == "password" || strings.HasPrefix(gt, "urn:authspec:") {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusBadRequest)
					_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"The request is missing a required parameter"}`))
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(raw))
			}
			next.ServeHTTP(w, r)
		})
	}
	r := runWith(t, server.Config{}, runOpts{wrap: unknownGrant}, &target.Config{}, id)[id]
	assert.Equal(t, suite.Pass, r.Status, describe(r))
}

// TestPKCERequiredPublic_LoginPageIsNoRefusal: without the browser a login
// page ends the flow; that is no refusal of the request without PKCE, so
// the check cannot PASS on it.
func TestPKCERequiredPublic_LoginPageIsNoRefusal(t *testing.T) {
	id := "rfc8252-8.1-pkce-required-native"
	r := runWith(t, server.Config{Consent: server.ConsentForm}, runOpts{}, &target.Config{}, id)[id]
	assert.Equal(t, suite.Skip, r.Status, describe(r))
}

// TestImplicitGrant_CompliantPasses: a server that offers the implicit
// grant (RFC 9700 §2.1.2 advises against it, which its own check reports)
// and answers it as RFC 6749 §4.2 says passes the §4.2 checks.
func TestImplicitGrant_CompliantPasses(t *testing.T) {
	ids := []string{"rfc6749-4.2.1-implicit-redirect-verified", "rfc6749-4.2.2-implicit-token-response"}
	for _, r := range runChecks(t, server.Config{Faults: []server.Fault{server.FaultBCPImplicitGrant}}, checksByID(t, ids...)) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}

// TestPasswordGrant_CompliantPasses: a server that serves the password
// grant (RFC 9700 §2.4 forbids it, which its own check reports) and
// authenticates client and resource owner passes the §4.3.2 check, which
// reached the grant with the recipe's credentials.
func TestPasswordGrant_CompliantPasses(t *testing.T) {
	id := "rfc6749-4.3.2-password-grant-authenticates"
	withLogin := func(c *target.Config) { c.Browser.Login = referenceRecipe.Login }
	for _, r := range runChecksConfig(t, server.Config{Faults: []server.Fault{server.FaultBCPPasswordGrant}}, nil, withLogin, checksByID(t, id)) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
		assert.NotContains(t, strings.Join(r.Log, "\n"), "does not serve", "the grant was reached")
	}
}

// TestBearerMethods_FormBodyToJSONRPC: an MCP server that lists "body" in
// bearer_methods_supported and answers a form-encoded POST with 415 (its
// endpoint takes JSON-RPC) has not refused the token: the method cannot be
// judged that way, and the header method is.
func TestBearerMethods_FormBodyToJSONRPC(t *testing.T) {
	id := "rfc9728-2-bearer-methods-honoured"
	listBody := rewriteJSON("/.well-known/oauth-protected-resource", func(_ *http.Request, m map[string]any) {
		m["bearer_methods_supported"] = []any{"header", "body"}
	})
	formRefused := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/mcp" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				http.Error(w, "unsupported media type", http.StatusUnsupportedMediaType)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	wrap := func(next http.Handler) http.Handler { return listBody(formRefused(next)) }
	for _, r := range runChecksWrapped(t, server.Config{}, wrap, checksByID(t, id)) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
		assert.Contains(t, strings.Join(r.Log, "\n"), "bearer method body: HTTP 415 is no refusal")
	}
}

// TestIssuerGivenWithoutItsFinalSlash: a server whose issuer ends with a
// slash, run with the issuer typed without it, publishes the one metadata
// URL both spellings give: which one is the issuer is the configuration's
// to fix, not a fault of the server.
func TestIssuerGivenWithoutItsFinalSlash(t *testing.T) {
	id, other := "rfc8414-3.3-issuer-identical", "rfc8414-3.3-openid-configuration-consistent"
	res := runWith(t, server.Config{Variants: []server.Variant{server.VariantIssuerTrailingSlash}}, runOpts{}, &target.Config{}, id, other)
	assert.Equal(t, suite.Skip, res[id].Status, describe(res[id]))
	assert.Contains(t, res[id].Message, "only by a final slash")
	assert.Equal(t, suite.Pass, res[other].Status, describe(res[other]))
}

// TestWellKnownOfAnotherIdentifier: a resource configured by a URL below
// its identifier (the origin), whose challenge names the metadata at the
// identifier's own well-known URL, serves its metadata where RFC 9728 §3.1
// says: the check cannot judge the configured URL as the identifier.
func TestWellKnownOfAnotherIdentifier(t *testing.T) {
	id := "rfc9728-3-well-known-uri"
	originMetadata := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			base := "http://" + r.Host
			switch {
			case r.URL.Path == "/.well-known/oauth-protected-resource/mcp":
				http.NotFound(w, r)
			case r.URL.Path == "/.well-known/oauth-protected-resource":
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"resource":"` + base + `","authorization_servers":["` + base + `"]}`))
			case r.URL.Path == "/mcp" && r.Header.Get("Authorization") == "":
				w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="`+base+`/.well-known/oauth-protected-resource"`)
				w.WriteHeader(http.StatusUnauthorized)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
	for _, r := range runChecksWrapped(t, server.Config{}, originMetadata, checksByID(t, id)) {
		assert.Equal(t, suite.Skip, r.Status, describe(r))
		assert.Contains(t, r.Message, "set resource:")
	}
}

// TestEntropyEstimate_SlowFlowsCutAtTheDeadline: code flows that wait (for
// a consent page, for other checks' approvals) may not all fit in the
// check's deadline: the estimate is SKIP naming --check-timeout, not an
// ERROR of a server that did nothing wrong.
func TestEntropyEstimate_SlowFlowsCutAtTheDeadline(t *testing.T) {
	id := "rfc6749-10.10-credentials-entropy-estimate"
	slow := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/authorize" {
				time.Sleep(2 * time.Second)
			}
			next.ServeHTTP(w, r)
		})
	}
	r := runWith(t, server.Config{}, runOpts{wrap: slow, checkTimeout: 12 * time.Second}, &target.Config{}, id)[id]
	assert.Equal(t, suite.Skip, r.Status, describe(r))
	assert.Contains(t, r.Message, "--check-timeout", id)
}

// TestEntropyEstimate_JudgesWhatTheRunWasIssued: the estimate runs after
// the other checks and counts the codes and tokens they were issued, so a
// full run does not spend as many flows again.
func TestEntropyEstimate_JudgesWhatTheRunWasIssued(t *testing.T) {
	id := "rfc6749-10.10-credentials-entropy-estimate"
	others := []string{"rfc6749-10.10-credentials-can-hold-128-bits", "rfc6749-5.1-cache-control-no-store", "rfc6749-5.1-expires-in-seconds", "rfc6749-5.1-pragma-no-cache"}
	r := runWith(t, server.Config{}, runOpts{}, &target.Config{}, append(others, id)...)[id]
	assert.Equal(t, suite.Pass, r.Status, describe(r))
	assert.NotContains(t, strings.Join(r.Log, "\n"), "issued to the run's other checks: 0 codes", "the other checks' codes count")
}

// TestEntropyEstimate_RegistrationTokensCounter: registration access
// tokens are judged too (RFC 7592 §5), codes and tokens being random.
func TestEntropyEstimate_RegistrationTokensCounter(t *testing.T) {
	id := "rfc6749-10.10-credentials-entropy-estimate"
	r := runWith(t, server.Config{Faults: []server.Fault{server.FaultRegistrationTokensCounter}}, runOpts{}, &target.Config{}, id)[id]
	assert.Equal(t, suite.Fail, r.Status, describe(r))
	assert.Contains(t, r.Message, "registration access tokens", id)
}

// TestChallengeScope_NoScopeRequired: a resource that accepts a token
// granted no scope requires none; its challenge has no scope to indicate
// (RFC 6750's scope attribute cannot be empty). Simulated by a server whose
// challenge names no scope and whose token responses name none granted.
func TestChallengeScope_NoScopeRequired(t *testing.T) {
	id := "mcp-2025-11-25-challenge-scope"
	noScopeGranted := rewriteJSON("/token", func(_ *http.Request, body map[string]any) { delete(body, "scope") })
	res := runChecksWrapped(t, server.Config{Faults: []server.Fault{server.FaultMCPChallengeNoScope}}, noScopeGranted, checksByID(t, id))
	assert.Equal(t, suite.Pass, res[0].Status, describe(res[0]))
	assert.Contains(t, strings.Join(res[0].Log, "\n"), "requires none", id)
}

// TestOneDefectOneFinding_InvalidGrant401: a server that refuses what it
// must but answers invalid_grant with 401 (go-oauth2) breaks RFC 6749
// §5.2's form of that error, which the checks of that form report; the
// checks whose sentence asks only for a denial pass, logging the form,
// instead of reporting the one defect again under sentences it does not
// break.
func TestOneDefectOneFinding_InvalidGrant401(t *testing.T) {
	form := []string{"rfc6749-4.1.3-unknown-code-invalid-grant", "rfc6749-6-unknown-refresh-token-invalid-grant"}
	denials := []string{"rfc6749-4.1.2-code-single-use", "rfc6749-4.1.3-code-bound-to-client", "rfc6749-4.1.3-redirect-uri-must-match",
		"rfc6749-10.4-refresh-bound-to-client", "rfc9700-4.14.2-public-refresh-rotation",
		"rfc7636-4.6-wrong-verifier-refused", "rfc7636-4.4-challenge-bound-to-code"}
	res := runChecks(t, server.Config{Faults: []server.Fault{server.FaultTokenInvalidGrant401}}, checksByID(t, append(form, denials...)...))
	for _, r := range res {
		switch {
		case slices.Contains(form, r.ID):
			assert.Equal(t, suite.Fail, r.Status, describe(r))
		default:
			assert.Equal(t, suite.Pass, r.Status, describe(r))
			assert.Contains(t, strings.Join(r.Log, "\n"), "HTTP 401", "%s logs the form of the refusal", r.ID)
		}
	}
}

// TestTokenRequired_RevocationAtTheTokenEndpoint: a server whose
// revocation endpoint is its token endpoint (Cloudflare's
// workers-oauth-provider) reads a request without token as a token request
// without grant_type; its answer is judged by the token endpoint's check,
// not again as a revocation error.
func TestTokenRequired_RevocationAtTheTokenEndpoint(t *testing.T) {
	id := "rfc7009-2.1-token-required"
	oneEndpoint := rewriteJSON("/.well-known/oauth-authorization-server", func(_ *http.Request, body map[string]any) {
		body["revocation_endpoint"] = body["token_endpoint"]
	})
	res := runChecksWrapped(t, server.Config{Faults: []server.Fault{server.FaultTokenMissingGrantTypeErr}}, oneEndpoint, checksByID(t, id, "rfc6749-5.2-missing-grant-type-invalid-request"))
	for _, r := range res {
		switch r.ID {
		case id:
			assert.Equal(t, suite.Skip, r.Status, describe(r))
			assert.Contains(t, r.Message, "rfc6749-5.2-missing-grant-type-invalid-request")
		default:
			assert.Equal(t, suite.Fail, r.Status, describe(r))
		}
	}
}

// TestTokenEndpointRequired_ImplicitOnly: RFC 8414 §2 requires
// token_endpoint "unless only the implicit grant type is supported"; a
// document listing only implicit may leave it out, while one that omits
// grant_types_supported has the default, authorization_code with it.
func TestTokenEndpointRequired_ImplicitOnly(t *testing.T) {
	id := "rfc8414-2-token-endpoint-required"
	for _, tc := range []struct {
		name   string
		grants any
		want   suite.Status
	}{
		{"implicit only", []string{"implicit"}, suite.Pass},
		{"default grants", nil, suite.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edit := rewriteJSON("/.well-known/oauth-authorization-server", func(_ *http.Request, body map[string]any) {
				delete(body, "token_endpoint")
				if tc.grants == nil {
					delete(body, "grant_types_supported")
				} else {
					body["grant_types_supported"] = tc.grants
				}
			})
			res := runChecksWrapped(t, server.Config{}, edit, checksByID(t, id))
			require.Len(t, res, 1)
			assert.Equal(t, tc.want, res[0].Status, describe(res[0]))
		})
	}
}

// TestInvalidTokenError_OpenResource: a resource that serves requests
// without a token may serve one with a token it does not know alike: no
// invalid_token is due where no token is needed.
func TestInvalidTokenError_OpenResource(t *testing.T) {
	open := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/mcp" && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || strings.Contains(r.Header.Get("Authorization"), "authspec-invalid-") {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"open","version":"1"}}}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	res := runChecksWrapped(t, server.Config{}, open, checksByID(t, "rfc6750-3.1-invalid-token-error"))
	assert.Equal(t, suite.Skip, res[0].Status, describe(res[0]))
}
