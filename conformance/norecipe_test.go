package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
)

// TestRun_LoginPageWithoutRecipe is the README's first example against a
// server with login and consent pages: `authspec run --target URL`, no
// recipe. Nothing can get past the login page, so every check that needs
// to is SKIP with the command that writes a recipe; none FAILs (the
// loopback redirect check used to, at MUST level).
func TestRun_LoginPageWithoutRecipe(t *testing.T) {
	t.Parallel()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close) // after the parallel subtests
	// No flow gets past the login page, so a request_uri is used within
	// milliseconds of its push: rfc9126-4-expired-refused waits three
	// seconds for one to expire rather than ten.
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentForm, PARLifetime: 3 * time.Second})
	require.NoError(t, err)
	h = srv.Handler()
	for _, mode := range []string{conformance.BrowserAuto, conformance.BrowserOff} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			runWithoutRecipe(t, ts.URL, mode)
		})
	}
}

// runWithoutRecipe runs the whole plan in browser mode mode against
// issuer, whose login page no recipe gets past.
func runWithoutRecipe(t *testing.T, issuer, mode string) {
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: issuer, Browser: mode})
	require.NoError(t, err)
	byID := map[string]suite.Result{}
	for _, r := range rep.Results {
		byID[r.ID] = r
		assert.NotEqual(t, suite.Fail, r.Status, "%s: %s FAILs without a recipe: %s", mode, r.ID, r.Message)
		assert.NotEqual(t, suite.Error, r.Status, "%s: %s: %s", mode, r.ID, r.Message)
	}
	loopback := byID["rfc8252-7.3-loopback-any-port"]
	assert.Equal(t, suite.Skip, loopback.Status, mode)
	assert.Contains(t, loopback.Message, "authspec browser inspect --target "+issuer, mode)
	needs := 0
	for _, r := range rep.Results {
		if r.Status == suite.Skip && strings.Contains(r.Message, "authspec browser inspect") {
			needs++
		}
	}
	assert.Greater(t, needs, 10, "%s: the checks behind the login page say how to get past it", mode)
}
