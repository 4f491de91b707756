package target_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// TestDiscover_NoMetadataNamesURLsAndSuggestsTheIssuer: a target without
// metadata gets an error that names every URL tried and, when a shorter path
// of the same origin is an issuer whose metadata answers, suggests it.
func TestDiscover_NoMetadataNamesURLsAndSuggestsTheIssuer(t *testing.T) {
	var issuer string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/oauth-authorization-server/tenant" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": issuer, "token_endpoint": issuer + "/token"})
	}))
	t.Cleanup(ts.Close)
	issuer = ts.URL + "/tenant"
	preflight := func(target_ string) *target.PreflightError {
		t.Helper()
		hc := httpx.NewTransport(30*time.Second, 0).NewClient()
		_, err := target.Discover(context.Background(), hc, target_, nil)
		var pe *target.PreflightError
		require.ErrorAs(t, err, &pe)
		return pe
	}

	for _, wrong := range []string{issuer + "/oauth2/v1", issuer + "/.well-known/oauth-authorization-server"} {
		pe := preflight(wrong)
		u1, _ := target.WellKnownURL(wrong, "oauth-authorization-server")
		u2, _ := target.WellKnownURL(wrong, "openid-configuration")
		assert.Contains(t, pe.Msg, "no metadata for the issuer "+wrong+": tried "+u1+" (HTTP 404), "+u2+" (HTTP 404), "+wrong+"/.well-known/openid-configuration (HTTP 404)")
		assert.Equal(t, "the metadata of issuer "+issuer+" answers at "+ts.URL+"/.well-known/oauth-authorization-server/tenant: did you mean --target "+issuer+" (issuer: "+issuer+" in the config)?", pe.Hint)
	}

	// Nothing to suggest: the hint stays the general one.
	pe := preflight(ts.URL + "/other")
	assert.Contains(t, pe.Msg, "tried ")
	assert.Contains(t, pe.Hint, "is this an OAuth 2.0 authorization server")
}
