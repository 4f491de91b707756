package browser_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/target"
)

// TestAuto_ReplaysConsent: once the browser has approved one client with
// the recipe, the next client's consent page is answered over HTTP with the
// page's own fields (fresh CSRF token); tokens follow as usual.
func TestAuto_ReplaysConsent(t *testing.T) {
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer ts.Close()
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentForm})
	require.NoError(t, err)
	h = srv.Handler()
	a := &browser.Auto{Options: browser.Options{Recipe: referenceRecipe, StepTimeout: 15 * time.Second}}
	defer a.Close()

	ctx := context.Background()
	env, err := suite.Prepare(ctx, ts.URL, &target.Config{Resource: srv.ResourceURL()}, suite.PrepareOptions{Authorizer: a})
	require.NoError(t, err)

	first := suite.NewT(env, &suite.Check{ID: "first"})
	c1, err := first.Confidential(ctx)
	require.NoError(t, err)
	_, err = env.Fixtures.Tokens(ctx, first.HTTP, first.NewAuthRequest(c1))
	if errors.Is(err, browser.ErrUnavailable) && os.Getenv("CI") == "" {
		t.Skipf("%v", err)
	}
	require.NoError(t, err, "the first consent in the browser")

	second := suite.NewT(env, &suite.Check{ID: "second"})
	c2, err := second.Public(ctx)
	require.NoError(t, err)
	ts2, err := env.Fixtures.Tokens(ctx, second.HTTP, second.NewAuthRequest(c2))
	require.NoError(t, err, "the second client's consent, replayed")
	assert.NotEmpty(t, ts2.AccessToken)
	replayed := false
	for _, ex := range second.HTTP.Exchanges() {
		if strings.Contains(ex.Note, "submit the consent form") {
			replayed = true
			assert.Equal(t, http.MethodPost, ex.Request.Method)
		}
	}
	assert.True(t, replayed, "the second consent went over HTTP")
}
