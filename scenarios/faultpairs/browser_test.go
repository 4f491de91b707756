package faultpairs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
)

var _ = add(map[string]pair{
	"rfc6749-4.1.2.1-deny-access-denied": faults(server.FaultDenyNotRedirects),
	"rfc6749-4.1.2-state-after-login":    faults(server.FaultStateDropped),
	"rfc9700-4.16-no-framing":            faults(server.FaultFramingAllowed),
})

var _ = add(map[string]pair{
	"rfc6749-10.12-consent-not-by-get": faults(server.FaultConsentByGET),
	"rfc6749-3.1-owner-authenticated":  faults(server.FaultOwnerNotAuthenticated),
	"rfc6749-10.12-consent-csrf-token": observed(server.FaultConsentNoCSRF),
})

var _ = add(map[string]pair{
	"rfc6749-10.2-consent-names-client":     faults(server.FaultConsentAnonymous),
	"rfc6749-10.2-remembered-consent-scope": faults(server.FaultConsentAnyScope),
})

// TestConsentCSRF_CrossSiteForgery: a consent form without a CSRF token is
// judged by forging its POST as another site would; with a SameSite=None
// session cookie the forgery works, and the check fails.
func TestConsentCSRF_CrossSiteForgery(t *testing.T) {
	c, ok := registry(t).Get("rfc6749-10.12-consent-csrf-token")
	require.True(t, ok)
	res := runChecks(t, server.Config{Faults: []server.Fault{server.FaultConsentCrossSite}}, []*suite.Check{c})
	require.Len(t, res, 1)
	assert.Equal(t, suite.Fail, res[0].Status, describe(res[0]))
	assert.Contains(t, res[0].Message, "posted from another site")
}

// TestConsentCSRF_TokenUnnamed: a consent form whose CSRF token has a name
// that does not say so (Keycloak's per-flow code) is judged by what an
// attacker can copy, the form of the attacker's own session: refused with
// the person's cookies, it protects the approval.
func TestConsentCSRF_TokenUnnamed(t *testing.T) {
	cfg := server.Config{Variants: []server.Variant{server.VariantConsentTokenUnnamed}}
	for _, r := range runChecks(t, cfg, checksByID(t, "rfc6749-10.12-consent-csrf-token", "rfc6749-10.12-consent-not-by-get")) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}

// TestFrameBustingScript: pages that forbid framing by frame-busting
// JavaScript (a countermeasure RFC 9700 §4.16 names) prevent clickjacking;
// they miss only the SHOULD of CSP.
func TestFrameBustingScript(t *testing.T) {
	cfg := server.Config{Variants: []server.Variant{server.VariantFrameBustingScript}}
	res := runChecks(t, cfg, checksByID(t, "rfc9700-4.16-no-framing", "rfc9700-4.16-csp-frame-ancestors"))
	assert.Equal(t, suite.Pass, res[0].Status, describe(res[0]))
	assert.Equal(t, suite.Warn, res[1].Status, describe(res[1]))
}

// TestConsentRedirect302: RFC 9700 §4.12 is about redirects answering a
// request "that potentially contains the user's credentials"; a consent
// form answered 302 carries none, so neither check judges it.
func TestConsentRedirect302(t *testing.T) {
	cfg := server.Config{Variants: []server.Variant{server.VariantConsentRedirect302}}
	for _, r := range runChecks(t, cfg, checksByID(t, "rfc9700-4.12-303-after-post", "rfc9700-4.12-no-307-after-post")) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}
