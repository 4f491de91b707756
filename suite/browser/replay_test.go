package browser_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// TestAuto_ReplaysConsent: once the browser has approved one client with
// the recipe, the next client's consent page is answered over HTTP with the
// page's own fields (fresh CSRF token); tokens follow as usual.
func TestAuto_ReplaysConsent(t *testing.T) {
	t.Parallel()
	second, trace := secondConsent(t, false)
	replayed := false
	for _, ex := range second.HTTP.Exchanges() {
		if strings.Contains(ex.Note, "submit the consent form") {
			replayed = true
			assert.Equal(t, http.MethodPost, ex.Request.Method)
		}
	}
	assert.True(t, replayed, "the second consent went over HTTP")
	assert.Contains(t, trace(), "browser: approve replayed over HTTP", "Options.Trace is told of the replay")
	assert.Contains(t, trace(), "browser: approve", "and of the flow in Chromium")
}

// TestAuto_NoReplay: with Options.NoReplay the second consent page is
// answered in Chromium too.
func TestAuto_NoReplay(t *testing.T) {
	t.Parallel()
	second, trace := secondConsent(t, true)
	for _, ex := range second.HTTP.Exchanges() {
		assert.NotContains(t, ex.Note, "submit the consent form", "nothing is replayed over HTTP")
	}
	assert.NotContains(t, trace(), "replayed over HTTP")
}

// secondConsent approves a first client in the browser, then a second one
// (whose consent page the reference server shows too), and returns the
// second check's T and what Options.Trace received.
func secondConsent(t *testing.T, noReplay bool) (*suite.T, func() string) {
	srv, issuer := referenceServer(t)
	var mu sync.Mutex
	var lines []string
	a := &browser.Auto{Options: browser.Options{Recipe: referenceRecipe, StepTimeout: 2 * time.Minute, NoReplay: noReplay,
		Engine: browser.SharedTestEngine(t),
		Trace:  func(line string) { mu.Lock(); defer mu.Unlock(); lines = append(lines, line) }}}
	t.Cleanup(func() { _ = a.Close() })

	ctx := context.Background()
	env, err := suite.Prepare(ctx, issuer, &target.Config{Resource: srv.ResourceURL()}, suite.PrepareOptions{Authorizer: a})
	require.NoError(t, err)

	first := suite.NewT(env, &suite.Check{ID: "first"})
	_, err = first.TokensFor(ctx, nil, nil)
	if errors.Is(err, browser.ErrUnavailable) && os.Getenv("CI") == "" {
		t.Skipf("%v", err)
	}
	require.NoError(t, err, "the first consent in the browser")

	second := suite.NewT(env, &suite.Check{ID: "second"})
	c2, err := second.Public(ctx)
	require.NoError(t, err)
	ts2, err := second.TokensFor(ctx, c2, nil)
	require.NoError(t, err, "the second client's consent")
	assert.NotEmpty(t, ts2.AccessToken)
	return second, func() string { mu.Lock(); defer mu.Unlock(); return strings.Join(lines, "\n") }
}

// TestAuto_ReplayFallsBack: on pages unlike the reference server's, the
// second consent is replayed over HTTP; when the consent form needs a field
// that a script fills in, the replay is refused by the server and the
// browser answers the page instead. Both end with a code.
func TestAuto_ReplayFallsBack(t *testing.T) {
	t.Parallel()
	for _, scripted := range []bool{false, true} {
		o := newOtherPages()
		o.scriptProof = scripted
		ts := httptest.NewServer(o)
		recipe := target.BrowserConfig{
			Login: []target.Step{
				{URL: ts.URL + "/u/login/identifier*", Fill: "input[name=identifier]", Value: "mallory@example.com"},
				{URL: ts.URL + "/u/login/identifier*", Click: "text=Next"},
				{Fill: "input[type=password]", Value: "s3cret pass"},
				{Click: "button:has-text('Continue')"},
			},
			Consent: []target.Step{{Click: "button[value=accept]"}},
		}
		a := &browser.Auto{Options: browser.Options{Recipe: recipe, StepTimeout: 2 * time.Minute, Engine: browser.SharedTestEngine(t)}}
		ctx := context.Background()
		res, err := a.Authorize(ctx, recorder(), otherAuthURL(ts.URL, "first"), otherRedirect, fixture.FlowApprove)
		if errors.Is(err, browser.ErrUnavailable) && os.Getenv("CI") == "" {
			t.Skipf("%v", err)
		}
		require.NoError(t, err)
		require.NotNil(t, res.Callback)
		require.NotEmpty(t, res.Callback.Query().Get("code"), "first approval in the browser")

		hc := recorder()
		res, err = a.Authorize(ctx, hc, otherAuthURL(ts.URL, "second"), otherRedirect, fixture.FlowApprove)
		require.NoError(t, err)
		require.NotNil(t, res.Callback)
		assert.NotEmpty(t, res.Callback.Query().Get("code"), "scripted=%v: the second approval succeeds", scripted)
		assert.Equal(t, "second", res.Callback.Query().Get("state"))
		var replay *httpx.Exchange
		for _, ex := range hc.Exchanges() {
			if strings.Contains(ex.Note, "submit the consent form") {
				ex := ex
				replay = &ex
			}
		}
		require.NotNil(t, replay, "scripted=%v: the replay was tried", scripted)
		if scripted {
			assert.Equal(t, http.StatusBadRequest, replay.Response.Status, "the server refused the replayed form")
			assert.Contains(t, hc.Exchanges()[len(hc.Exchanges())-1].Note, "browser", "then the browser answered")
		} else {
			assert.Equal(t, http.StatusSeeOther, replay.Response.Status)
		}
		_ = a.Close()
		ts.Close()
	}
}
