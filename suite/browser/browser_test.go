package browser_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
)

// ReferenceRecipe gets through the reference server's pages.
var referenceRecipe = target.BrowserConfig{
	Login:   []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "wonderland"}, {Click: "#login"}},
	Consent: []target.Step{{WaitFor: "#allow"}, {Click: "#allow"}},
	Deny:    []target.Step{{Click: "#deny"}},
}

func launch(t *testing.T, recipe target.BrowserConfig) *browser.Browser {
	t.Helper()
	return launchWith(t, recipe, 2*time.Minute) // a safety net: steps end on events
}

func launchWith(t *testing.T, recipe target.BrowserConfig, stepTimeout time.Duration) *browser.Browser {
	t.Helper()
	b, err := browser.Launch(browser.Options{Recipe: recipe, StepTimeout: stepTimeout, Engine: browser.SharedTestEngine(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// referenceServer starts the reference server with its login and consent
// pages and returns it with its issuer.
func referenceServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentForm})
	require.NoError(t, err)
	h = srv.Handler()
	return srv, ts.URL
}

// referenceT returns a check's T for the reference server (referenceServer)
// whose flows go through its pages in Chromium with referenceRecipe.
func referenceT(t *testing.T) *suite.T {
	t.Helper()
	srv, issuer := referenceServer(t)
	b := launch(t, referenceRecipe)
	env, err := suite.Prepare(context.Background(), issuer, &target.Config{Resource: srv.ResourceURL()}, suite.PrepareOptions{Authorizer: b})
	require.NoError(t, err)
	return suite.NewT(env, &suite.Check{ID: "x"})
}

func TestBrowser_ReferenceServerConsent(t *testing.T) {
	t.Parallel()
	tt := referenceT(t)
	ctx := context.Background()
	c, err := tt.Confidential(ctx)
	require.NoError(t, err)

	ar := tt.NewAuthRequest(c)
	ts1, err := tt.Tokens(ctx, ar)
	require.NoError(t, err, "login and consent in the browser, then the code exchange")
	assert.NotEmpty(t, ts1.AccessToken)

	deny := tt.NewAuthRequest(c)
	deny.Flow = fixture.FlowDeny
	deny.Extra = map[string][]string{"prompt": {"consent"}}
	res, err := tt.Authorize(ctx, deny)
	require.NoError(t, err)
	require.NotNil(t, res.Callback)
	assert.Equal(t, "access_denied", res.Callback.Query().Get("error"))
	assert.Equal(t, deny.State, res.Callback.Query().Get("state"))
}

func TestBrowser_FailureAttachesScreenshot(t *testing.T) {
	t.Parallel()
	_, issuer := referenceServer(t)
	// A recipe that does not fit the login page fails as soon as the page
	// has loaded, not after the step timeout, which is far above need.
	b, err := browser.Launch(browser.Options{StepTimeout: 2 * time.Minute, Engine: browser.SharedTestEngine(t),
		Recipe: target.BrowserConfig{Login: []target.Step{{Click: "#no-such-button"}}}})
	require.NoError(t, err)
	defer b.Close()
	ctx := context.Background()
	env, err := suite.Prepare(ctx, issuer, nil, suite.PrepareOptions{Authorizer: b})
	require.NoError(t, err)
	// Any check whose authorization fails in the browser gets the
	// screenshot and the page URL in its result.
	check := &suite.Check{ID: "x-browser-failure", Spec: suite.RFC6749, Section: "4.1", Level: suite.Must, Title: "x",
		Run: func(ctx context.Context, tt *suite.T) error {
			c, err := tt.Confidential(ctx)
			if err != nil {
				return err
			}
			_, err = tt.Authorize(ctx, tt.NewAuthRequest(c))
			return err
		}}
	res := runner.RunOne(ctx, env, check, time.Minute)
	assert.Equal(t, suite.Error, res.Status)
	assert.Contains(t, res.Message, "#no-such-button")
	var kinds []string
	for _, a := range res.Attachments {
		kinds = append(kinds, a.ContentType)
		if a.ContentType == "text/plain" {
			assert.Contains(t, string(a.Data), issuer, "the page URL is attached")
		}
	}
	assert.ElementsMatch(t, []string{"image/png", "text/plain"}, kinds)
}

// TestBrowser_PrivateUseSchemeRedirect: Chromium aborts a redirect to a
// private-use scheme without showing it; the flow ends at once with
// fixture.ErrRedirectNotFollowed instead of waiting out the step timeout.
func TestBrowser_PrivateUseSchemeRedirect(t *testing.T) {
	t.Parallel()
	tt := referenceT(t)
	ctx := context.Background()
	const redirect = "com.example.app:/oauth2redirect"
	c, _, err := tt.Register(ctx, map[string]any{"application_type": "native", "redirect_uris": []string{redirect},
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code"}, "response_types": []string{"code"}})
	require.NoError(t, err)
	ar := tt.NewAuthRequest(c)
	ar.RedirectURI = redirect
	_, err = tt.Authorize(ctx, ar)
	require.ErrorIs(t, err, fixture.ErrRedirectNotFollowed)
	assert.Contains(t, err.Error(), "com.example.app")
}
