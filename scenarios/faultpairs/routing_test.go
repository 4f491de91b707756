package faultpairs_test

import (
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/internal/testutil"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// The clients of the routing tests: a web client that may not use the
// client_credentials grant (RFC 6749 lets a server allow a grant to some
// clients only) and a service client that may use nothing else.
const (
	webClient, webSecret         = "authspec-web", "web-secret-Aa1"
	serviceClient, serviceSecret = "authspec-service", "service-secret-Bb2"
	routingRedirect              = "http://127.0.0.1:8976/callback"
)

func routingClients() []server.StaticClient {
	return []server.StaticClient{
		{ID: webClient, Secret: webSecret, Metadata: store.ClientMetadata{RedirectURIs: []string{routingRedirect},
			GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"}}},
		{ID: serviceClient, Secret: serviceSecret, Metadata: store.ClientMetadata{
			GrantTypes: []string{"client_credentials"}}},
	}
}

// routingConfig is a target config naming the web client, with no
// registration (so that no check registers a client of its own).
func routingConfig(withService bool) *target.Config {
	cfg := &target.Config{}
	cfg.Registration.Disabled = true
	cfg.Clients.Confidential = &target.ClientConfig{ClientID: webClient, ClientSecret: webSecret, AuthMethod: "client_secret_basic"}
	if withService {
		cfg.Clients.ClientCredentials = &target.ClientConfig{ClientID: serviceClient, ClientSecret: serviceSecret, AuthMethod: "client_secret_basic"}
	}
	return cfg
}

// runOpts adjust runWith: wrap wraps the server's handler (nil: as is);
// browser runs the browser checks in the shared Chromium; checkTimeout is
// the deadline of each check (0: two minutes).
type runOpts struct {
	wrap         func(http.Handler) http.Handler
	browser      bool
	checkTimeout time.Duration
}

// runWith runs checks against a reference server with cfg (and the
// routing clients) with the target config tcfg.
func runWith(t *testing.T, cfg server.Config, o runOpts, tcfg *target.Config, ids ...string) map[string]suite.Result {
	t.Helper()
	checks := checksByID(t, ids...)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	cfg.Issuer = ts.URL
	if cfg.Consent == "" {
		cfg.Consent = server.ConsentAuto
	}
	cfg.Clients = append(cfg.Clients, routingClients()...)
	srv, err := server.New(cfg)
	require.NoError(t, err)
	h = srv.Handler()
	if o.wrap != nil {
		h = o.wrap(h)
	}
	tcfg.Resource = srv.ResourceURL()
	opts := suite.PrepareOptions{Timeout: 30 * time.Second} // a safety net: a loaded machine answers late
	if o.browser {
		opts.Authorizer = sharedBrowser(t)
	}
	ctx := context.Background()
	env, err := suite.Prepare(ctx, ts.URL, tcfg, opts)
	require.NoError(t, err)
	env.Target.SetFeature(vocab.FeatureBrowser, o.browser, "no browser in this test run")
	timeout := cmp.Or(o.checkTimeout, 2*time.Minute)
	out := map[string]suite.Result{}
	for _, r := range runner.Run(ctx, env, checks, runner.Options{Parallel: 4, CheckTimeout: timeout}) {
		out[r.ID] = r
	}
	return out
}

// tokenEndpointChecks need a confidential client at the token endpoint and
// nothing more: none may depend on the client_credentials grant.
var tokenEndpointChecks = []string{
	"rfc6749-2.3-single-auth-method", "rfc6749-2.3.1-credentials-not-in-uri", "rfc6749-2.3.1-basic-auth-accepted",
	"rfc6749-2.3.1-basic-form-urldecoded", "rfc6749-3.1-duplicate-parameters", "rfc6749-3.2-post-required",
	"rfc6749-3.2-unknown-params-ignored", "rfc6749-3.2-empty-params-omitted", "rfc6749-3.2.1-secret-compared-exactly",
	"rfc6749-3.3-default-scope-reported", "rfc6749-5.1-expires-in-seconds", "rfc6749-5.1-pragma-no-cache",
	"rfc6749-5.1-cache-control-no-store", "rfc6749-5.1-token-type", "rfc6749-5.2-invalid-client-401",
	"rfc7662-2.3-invalid-client-401",
}

// clientCredentialsChecks are about the client_credentials grant itself.
var clientCredentialsChecks = []string{
	"rfc6749-4.4.2-client-authentication-required", "rfc6749-4.4.3-no-refresh-token", "rfc6749-5.2-unknown-scope-invalid-scope",
}

// TestTokenChecks_ClientCredentialsNotAllowed: when the confidential client
// may not use client_credentials, the token endpoint checks redeem codes
// instead and PASS with that evidence; the checks of the grant itself SKIP
// and name the config key that would let them run, and run with it.
func TestTokenChecks_ClientCredentialsNotAllowed(t *testing.T) {
	res := runWith(t, server.Config{}, runOpts{}, routingConfig(false), append(tokenEndpointChecks, clientCredentialsChecks...)...)
	for _, id := range tokenEndpointChecks {
		r := res[id]
		assert.Equal(t, suite.Pass, r.Status, describe(r))
		if strings.HasPrefix(id, "rfc6749-") {
			assert.True(t, routedThroughCode(r), "%s: the log says a code was redeemed instead: %v", id, r.Log)
		}
	}
	for _, id := range clientCredentialsChecks {
		r := res[id]
		assert.Equal(t, suite.Skip, r.Status, describe(r))
		assert.Contains(t, r.Message, "clients.client_credentials", id)
	}
	res = runWith(t, server.Config{}, runOpts{}, routingConfig(true), clientCredentialsChecks...)
	for _, id := range clientCredentialsChecks {
		assert.Equal(t, suite.Pass, res[id].Status, describe(res[id]))
	}
}

// TestTokenChecks_CodeRouteStillFails: routed through the code exchange, the
// checks still catch the faults they were built for.
func TestTokenChecks_CodeRouteStillFails(t *testing.T) {
	for id, f := range map[string]server.Fault{
		"rfc6749-2.3.1-basic-auth-accepted":     server.FaultBasicAuthIgnored,
		"rfc6749-2.3.1-basic-form-urldecoded":   server.FaultBasicNoURLDecode,
		"rfc6749-3.2.1-secret-compared-exactly": server.FaultTokenSecretCaseInsensitive,
		"rfc6749-3.2-unknown-params-ignored":    server.FaultTokenUnknownParamFatal,
		"rfc6749-3.1-duplicate-parameters":      server.FaultDuplicateParamsOK,
		"rfc6749-5.1-pragma-no-cache":           server.FaultTokenNoPragma,
		"rfc6749-5.2-invalid-client-401":        server.FaultNoWWWAuthenticate,
	} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			r := runWith(t, server.Config{Faults: []server.Fault{f}}, runOpts{}, routingConfig(false), id)[id]
			want := suite.Fail
			if pairs[id].want == suite.Warn {
				want = suite.Warn // an observation of a MUST (observed)
			}
			assert.Equal(t, want, r.Status, describe(r))
		})
	}
}

// TestTokenChecks_MadeUpCode: with no code to be had (a login page and no
// browser) and no client_credentials, the checks that only ask whether the
// client authenticated judge a request with a made-up code, controlled
// with a wrong secret; they PASS, and still FAIL with their fault.
func TestTokenChecks_MadeUpCode(t *testing.T) {
	ids := []string{"rfc6749-2.3.1-basic-auth-accepted", "rfc6749-5.2-invalid-client-401", "rfc6749-3.2.1-secret-compared-exactly",
		"rfc6749-2.3-single-auth-method"}
	tcfg := func() *target.Config {
		c := routingConfig(false)
		c.Clients.Confidential.AuthMethod = "client_secret_post"
		return c
	}
	res := runWith(t, server.Config{Consent: server.ConsentForm}, runOpts{}, tcfg(), ids...)
	for _, id := range ids {
		assert.Equal(t, suite.Pass, res[id].Status, describe(res[id]))
		assert.Contains(t, strings.Join(res[id].Log, "\n"), "made-up code", id)
	}
	r := runWith(t, server.Config{Consent: server.ConsentForm, Faults: []server.Fault{server.FaultBasicAuthIgnored}}, runOpts{}, tcfg(), ids[0])[ids[0]]
	assert.Equal(t, suite.Fail, r.Status, describe(r))
}

// TestFeatures_UnderAdvertisedMetadata: a server whose metadata omits
// refresh_token from grant_types_supported, lists only "none" as client
// authentication method and no code_challenge_methods_supported, but
// issues refresh tokens, supports Basic and PKCE: with features: in the
// config, the refresh, Basic and PKCE checks run and PASS.
func TestFeatures_UnderAdvertisedMetadata(t *testing.T) {
	ids := []string{"rfc6749-6-unknown-refresh-token-invalid-grant", "rfc6749-6-confidential-must-authenticate",
		"rfc6749-6-omitted-scope-original", "rfc6749-2.3.1-basic-auth-accepted", "rfc6749-5.2-invalid-client-401",
		"rfc9700-2.1.1-pkce-downgrade", "rfc7636-4.6-wrong-verifier-refused"}
	tcfg := routingConfig(false)
	tcfg.Scopes = []string{"read", "write"}
	res := runWith(t, server.Config{}, runOpts{wrap: underAdvertise}, tcfg, ids...)
	for _, id := range ids[:3] {
		assert.Equal(t, suite.Skip, res[id].Status, describe(res[id]))
	}
	tcfg = routingConfig(false)
	tcfg.Scopes = []string{"read", "write"}
	tcfg.Features = map[string]bool{"refresh_token": true, "pkce": true}
	res = runWith(t, server.Config{}, runOpts{wrap: underAdvertise}, tcfg, ids...)
	for _, id := range ids {
		assert.Equal(t, suite.Pass, res[id].Status, describe(res[id]))
	}
}

// underAdvertise rewrites the metadata document as a server that
// advertises less than it supports would serve it.
func underAdvertise(next http.Handler) http.Handler {
	return testutil.EditJSON(next, "/.well-known/", func(_ *http.Request, md map[string]any) {
		md["grant_types_supported"] = []string{"authorization_code"}
		md["token_endpoint_auth_methods_supported"] = []string{"none"}
		delete(md, "code_challenge_methods_supported")
	})
}

// routedThroughCode reports whether a result's log says the check used the
// authorization code grant because client_credentials was refused.
func routedThroughCode(r suite.Result) bool {
	return strings.Contains(strings.Join(r.Log, "\n"), "uses the authorization code grant instead")
}
