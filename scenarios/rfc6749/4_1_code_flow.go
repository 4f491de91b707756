package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

func codeFlowChecks() []*suite.Check {
	conf := []suite.Feature{suite.FeatureConfidential, suite.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc6749-4.1.2-code-single-use", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "An authorization code can be redeemed only once",
			Quote: "The client MUST NOT use the authorization code more than once. If an authorization code is used more than once, the authorization server MUST deny the request",
			Run: func(ctx context.Context, t *suite.T) error {
				_, _, ar, code, err := redeemed(ctx, t)
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, nil)
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_grant")
				return expect.WithFix(err, "mark codes used atomically at redemption and refuse a second use with invalid_grant")
			},
		},
		{
			ID: "rfc6749-4.1.2-replay-revokes-tokens", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Should,
			Requires: conf, Profiles: []string{"core"},
			Title: "Replaying a code revokes the tokens issued from it",
			Quote: "If an authorization code is used more than once, the authorization server MUST deny the request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code.",
			Run: func(ctx context.Context, t *suite.T) error {
				if ok, why := probe.CanProbe(t); !ok {
					return suite.SkipErr("%s", why)
				}
				c, ts, ar, code, err := redeemed(ctx, t)
				if err != nil {
					return err
				}
				replay, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, nil)
				if err != nil {
					return err
				}
				if replay.Status == http.StatusOK {
					return suite.SkipErr("the replayed code was accepted (see rfc6749-4.1.2-code-single-use)")
				}
				active, res, err := probe.AccessTokenActive(ctx, t, c, ts.AccessToken)
				if err != nil {
					return err
				}
				if active {
					return expect.WithFix(expect.Evidence(expect.Fail(res, "the access token revoked after the code replay", "still accepted",
						"a stolen code replayed after the legitimate redemption leaves the legitimate tokens in the attacker's reach"), replay.Exchange),
						"on a replayed code, revoke every token of the grant")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-4.1.3-code-bound-to-client", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
			Requires: append(conf, suite.FeatureDCR), Profiles: []string{"core"},
			Title: "A code cannot be redeemed by another client",
			Quote: "ensure that the authorization code was issued to the authenticated confidential client, or if the client is public, ensure that the code was issued to \"client_id\" in the request",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				other, reg, err := t.Fixtures.Register(ctx, t.HTTP, fixture.DefaultMetadata(t.Fixtures.RedirectURI, c.AuthMethod, t.Target.Metadata.GrantTypes()))
				if err != nil {
					return err
				}
				if other.ID == "" {
					return suite.SkipErr("could not register a second client (HTTP %d)", reg.Status)
				}
				ar := t.NewAuthRequest(c)
				code, _, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				stolen := *ar
				stolen.Client = other
				res, err := t.Fixtures.Exchange(ctx, t.HTTP, &stolen, code, nil)
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_grant")
				return expect.WithFix(err, "bind each code to the client it was issued to and check it at redemption")
			},
		},
		{
			ID: "rfc6749-4.1.3-redirect-uri-must-match", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "A token request with another redirect_uri than the authorization request is refused",
			Quote: "ensure that the \"redirect_uri\" parameter is present if the \"redirect_uri\" parameter was included in the initial authorization request ... and if included ensure that their values are identical.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				code, _, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, url.Values{"redirect_uri": {c.RedirectURI + "/elsewhere"}})
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_grant")
				return expect.WithFix(err, "store the redirect_uri of the authorization request with the code and compare it at redemption")
			},
		},
		{
			ID: "rfc6749-4.1.2-state-echoed", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "state is returned exactly, including characters that need encoding",
			Quote: "state REQUIRED if the \"state\" parameter was present in the client authorization request. The exact value received from the client.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.State = "a b+c/d?e=f&g%h~ü" + fixture.RandomState()
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				if res.Callback == nil {
					return suite.SkipErr("the authorization did not come back to the client")
				}
				if got := res.Callback.Query().Get("state"); got != ar.State {
					return expect.WithFix(expect.Fail(res.Last, fmt.Sprintf("state=%q", ar.State), fmt.Sprintf("state=%q", got),
						"the client cannot match the response to its request (CSRF protection breaks)"),
						"return state byte for byte, URL-encoded in the redirect")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-4.1.2.1-error-carries-state", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "An error redirect carries error and the state of the request",
			Quote: "state REQUIRED if a \"state\" parameter was present in the client authorization request. The exact value received from the client.",
			Run: func(ctx context.Context, t *suite.T) error {
				q, res, err := errorRedirect(ctx, t, url.Values{"response_type": {"authspec_unknown"}})
				if err != nil {
					return err
				}
				if q.Get("error") == "" || q.Get("state") != res.state {
					return expect.Fail(res.last, fmt.Sprintf("error=…&state=%q", res.state),
						fmt.Sprintf("error=%q state=%q", q.Get("error"), q.Get("state")), "the error redirect does not carry the state")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-3.1.1-unsupported-response-type", Spec: suite.RFC6749, Section: "3.1.1", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "An unknown response_type is redirected as unsupported_response_type",
			Quote: "If an authorization request is missing the \"response_type\" parameter, or if the response type is not understood, the authorization server MUST return an error response as described in Section 4.1.2.1.",
			Run: func(ctx context.Context, t *suite.T) error {
				q, res, err := errorRedirect(ctx, t, url.Values{"response_type": {"authspec_unknown"}})
				if err != nil {
					return err
				}
				if q.Get("error") != "unsupported_response_type" {
					got := "error=" + q.Get("error")
					if q.Get("code") != "" {
						got = "an authorization code"
					}
					return expect.Fail(res.last, "error=unsupported_response_type", got, "an unknown response_type was not refused as RFC 6749 says")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-4.1.2.1-invalid-redirect-not-followed", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.MustNot,
			Requires: conf, Profiles: []string{"core"},
			Title: "A request with an unregistered redirect_uri is not redirected to it",
			Quote: "If the request fails due to a missing, invalid, or mismatching redirection URI ... the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.RedirectURI = "https://authspec.invalid/steal"
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res != nil && res.Callback != nil {
					return expect.WithFix(expect.Fail(res.Last, "an error page, no redirect", "a redirect to "+res.Callback.Redacted(),
						"the server redirects to a redirect URI it never registered: an open redirector"),
						"show errors about redirect_uri to the user; never redirect to an unregistered URI")
				}
				return nil
			},
		},
		{
			ID: "rfc9700-4.1.3-exact-redirect-match", Spec: suite.RFC9700, Section: "4.1.3", Level: suite.Must,
			Requires: conf, Profiles: []string{"core", "oauth2.1"},
			Title: "redirect_uri is compared by exact string matching (no prefix, path or query extension)",
			Quote: "When comparing client redirection URIs against pre-registered URIs, authorization servers MUST utilize exact string matching except for port numbers in localhost redirection URIs of native apps",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				for _, variant := range []string{c.RedirectURI + "/extra", c.RedirectURI + "?x=1", c.RedirectURI + "x"} {
					ar := t.NewAuthRequest(c)
					ar.RedirectURI = variant
					res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
					if err != nil && !fixture.IsUnavailable(err) {
						return err
					}
					if res != nil && res.Callback != nil && res.Callback.Query().Get("code") != "" {
						return expect.WithFix(expect.Fail(res.Last, "no code for "+variant, "a code delivered to "+res.Callback.Redacted(),
							"a redirect_uri that only starts like the registered one was accepted"),
							"compare redirect_uri with the registered URIs as strings, byte for byte")
					}
				}
				return nil
			},
		},
		{
			ID: "rfc8252-7.3-loopback-any-port", Spec: suite.RFC8252, Section: "7.3", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureAuthCode}, Profiles: []string{"core"},
			Title: "A native app's loopback redirect URI is accepted with any port",
			Quote: "The authorization server MUST allow any port to be specified at the time of the request for loopback IP redirect URIs, to accommodate clients that obtain an available ephemeral port from the operating system at the time of the request.",
			Run: func(ctx context.Context, t *suite.T) error {
				// RFC 8252 is about native apps, which are public clients
				// (§8.4): a web client's redirect URI may be matched exactly.
				c, err := nativeClient(ctx, t)
				if err != nil {
					return err
				}
				u, err := url.Parse(c.RedirectURI)
				if err != nil || u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") {
					return suite.SkipErr("the client's redirect URI %s is not a loopback IP URI", c.RedirectURI)
				}
				other := *u
				other.Host = u.Hostname() + ":" + otherPort(u.Port())
				if u.Hostname() == "::1" {
					other.Host = "[::1]:" + otherPort(u.Port())
				}
				ar := t.NewAuthRequest(c)
				ar.RedirectURI = other.String()
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res == nil || res.Callback == nil || res.Callback.Query().Get("code") == "" {
					var last *httpx.Result
					if res != nil {
						last = res.Last
					}
					return expect.WithFix(expect.Fail(last, "a code delivered to "+other.String(), "no code",
						"native apps that listen on an ephemeral port cannot log in"),
						"for http://127.0.0.1 and http://[::1] redirect URIs, ignore the port when matching")
				}
				return nil
			},
		},
		{
			ID: "rfc9207-2-iss-parameter", Spec: suite.RFC9207, Section: "2", Level: suite.Must,
			Requires: append(conf, suite.FeatureIssParameter), Profiles: []string{"core", "oauth2.1"},
			Title: "Authorization responses carry iss equal to the issuer when metadata advertises it",
			Quote: "Authorization servers supporting this specification MUST provide their issuer identifier to clients in the authorization response ... The iss parameter value is the issuer identifier of the authorization server",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, t.NewAuthRequest(c))
				if err != nil {
					return err
				}
				if res.Callback == nil {
					return suite.SkipErr("the authorization did not come back to the client")
				}
				if got := res.Callback.Query().Get("iss"); got != t.Target.Metadata.Issuer {
					return expect.WithFix(expect.Fail(res.Last, "iss="+t.Target.Metadata.Issuer, fmt.Sprintf("iss=%q", got),
						"clients that check iss (mix-up defence) reject the response"),
						"add iss=<issuer> to every authorization response, success and error")
				}
				return nil
			},
		},
	}
}

func otherPort(p string) string {
	if p == "51789" {
		return "51790"
	}
	return "51789"
}

// redeemed obtains a code and redeems it once.
func redeemed(ctx context.Context, t *suite.T) (*fixture.Client, *fixture.TokenSet, *fixture.AuthRequest, string, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, nil, nil, "", err
	}
	ar := t.NewAuthRequest(c)
	code, _, err := t.Fixtures.Code(ctx, t.HTTP, ar)
	if err != nil {
		return nil, nil, nil, "", err
	}
	res, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, nil)
	if err != nil {
		return nil, nil, nil, "", err
	}
	ts, err := t.Fixtures.ParseTokens(res)
	if err != nil {
		return nil, nil, nil, "", err
	}
	return c, ts, ar, code, nil
}

type errResult struct {
	last  *httpx.Result
	state string
}

// errorRedirect sends an authorization request altered by extra and returns
// the query of the redirect back to the client.
func errorRedirect(ctx context.Context, t *suite.T, extra url.Values) (url.Values, *errResult, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, nil, err
	}
	ar := t.NewAuthRequest(c)
	ar.State = "authspec-err-" + fixture.RandomState()
	ar.Extra = extra
	res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
	if err != nil && !fixture.IsUnavailable(err) {
		return nil, nil, err
	}
	if res == nil || res.Callback == nil {
		var last *httpx.Result
		if res != nil {
			last = res.Last
		}
		return nil, nil, notRedirected(last)
	}
	return res.Callback.Query(), &errResult{last: res.Last, state: ar.State}, nil
}

// nativeClient registers a native app (application_type native, a public
// client with a loopback redirect URI) when the target offers dynamic
// registration, else takes the configured public client.
func nativeClient(ctx context.Context, t *suite.T) (*fixture.Client, error) {
	if ok, _ := t.Target.Has(string(suite.FeatureDCR)); ok {
		method := "none"
		if !slices.Contains(t.Target.Metadata.AuthMethods(), "none") {
			return nil, suite.SkipErr("the target does not advertise token_endpoint_auth_method none, so no native app (a public client, RFC 8252 §8.4) can be registered")
		}
		md := regclient.Metadata(t, method, map[string]any{"application_type": "native", "client_name": "authspec native app"})
		r, err := regclient.MustRegister(ctx, t, md)
		if err != nil {
			return nil, err
		}
		return r.Client, nil
	}
	if ok, why := t.Target.Has(string(suite.FeaturePublicClient)); !ok {
		return nil, suite.SkipErr("no native app client: no dynamic registration and %s", why)
	}
	return t.Public(ctx)
}

// notRedirected reports an authorization error shown to the person instead
// of being sent to the client. RFC 6749 §4.1.2.1 redirects it; RFC 9700
// §4.11.2 lets a server that does not trust a redirect URI show it instead:
// the specifications are in tension, so it is a WARN (an observation).
func notRedirected(last *httpx.Result) error {
	return expect.Observation(expect.WithFix(expect.Fail(last, "a redirect to the client with error and state", "no redirect to the client",
		"the authorization error was shown to the person instead of being sent to the client, so the client cannot tell why its request failed "+
			"(RFC 6749 §4.1.2.1 redirects such errors; RFC 9700 §4.11.2 allows showing them when the redirect URI is not trusted)"),
		"send errors other than a bad client_id or redirect_uri to the client's registered redirect URI with error and state"))
}
