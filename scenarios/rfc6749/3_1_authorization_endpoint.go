package rfc6749

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// The authorization endpoint's request handling (RFC 6749 §3.1, §3.1.2,
// §3.1.2.3, §4.1.2.1): parameters, redirect URIs and which errors go back
// to the client.
func authorizationEndpointChecks() []*suite.Check {
	conf := []suite.Feature{suite.FeatureConfidential, suite.FeatureAuthCode}
	dcr := []suite.Feature{suite.FeatureDCR, suite.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc6749-4.1.2.1-missing-response-type", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "A request without response_type is redirected to the client with error=invalid_request and the state",
			Quote: "invalid_request: The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
			Run: func(ctx context.Context, t *suite.T) error {
				q, res, err := errorRedirect(ctx, t, url.Values{"response_type": {""}})
				if err != nil {
					return err
				}
				if q.Get("error") != "invalid_request" || q.Get("state") != res.state {
					got := fmt.Sprintf("error=%q state=%q", q.Get("error"), q.Get("state"))
					if q.Get("code") != "" {
						got = "an authorization code"
					}
					return expect.WithFix(expect.Fail(res.last, fmt.Sprintf("error=invalid_request&state=%q", res.state), got,
						"a request missing a required parameter is not reported as invalid_request with the client's state"),
						"answer a missing response_type with a redirect carrying error=invalid_request and the state")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-4.1.2.1-unknown-client-not-redirected", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.MustNot,
			Requires: conf, Profiles: []string{"core"},
			Title: "A request with an unknown client_id is not redirected, even to a redirect_uri that looks legitimate",
			Quote: "If the request fails due to a missing, invalid, or mismatching redirection URI, or if the client identifier is missing or invalid, the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ghost := &fixture.Client{ID: "authspec-unknown-" + fixture.RandomState(), RedirectURI: c.RedirectURI, AuthMethod: c.AuthMethod}
				return notRedirectedAt(ctx, t, t.NewAuthRequest(ghost), "an error page, no redirect",
					"the server redirects for a client it does not know: nothing vouches for that redirect URI",
					"show an error page when client_id is missing or unknown; never redirect")
			},
		},
		{
			ID: "rfc6749-3.1.2.3-redirect-uri-required-if-several", Spec: suite.RFC6749, Section: "3.1.2.3", Level: suite.Must,
			Requires: dcr, Profiles: []string{"core"},
			Title: "A client with several registered redirect URIs that omits redirect_uri gets an error page, not a redirect",
			Quote: "If multiple redirection URIs have been registered, if only part of the redirection URI has been registered, or if no redirection URI has been registered, the client MUST include a redirection URI with the authorization request using the \"redirect_uri\" request parameter.",
			Run: func(ctx context.Context, t *suite.T) error {
				first, second, err := twoRedirectURIs(t.Fixtures.RedirectURI)
				if err != nil {
					return err
				}
				r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"redirect_uris": []string{first, second}}))
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(r.Client)
				ar.OmitRedirectURI = true
				return notRedirectedAt(ctx, t, ar, "an error page: the request must name one of the two redirect URIs",
					"the server picked one of several registered redirect URIs itself",
					"when a client registered several redirect URIs, require redirect_uri and show an error page without it")
			},
		},
		{
			ID: "rfc6749-4.1.1-redirect-uri-optional-if-one", Spec: suite.RFC6749, Section: "4.1.1", Level: suite.Must,
			Requires: append(conf, suite.FeatureDCR), Profiles: []string{"core"},
			Title: "A client with exactly one registered redirect URI may omit redirect_uri: the code goes to that URI and is redeemed without it",
			Quote: "redirect_uri OPTIONAL. As described in Section 3.1.2.",
			Run: func(ctx context.Context, t *suite.T) error {
				// The run's client, when the suite registered it, has exactly
				// one redirect URI (and its consent is usually granted already).
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				if !c.Registered {
					r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), nil))
					if err != nil {
						return err
					}
					c = r.Client
				}
				ar := t.NewAuthRequest(c)
				ar.OmitRedirectURI = true
				code, res, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err != nil {
					if !fixture.IsUnavailable(err) || (res != nil && res.Interactive) {
						return err
					}
					return expect.WithFix(expect.Fail(lastResult(res), "a code delivered to the only registered redirect URI", err.Error(),
						"the server requires redirect_uri although the client registered exactly one"),
						"use the single registered redirect URI when the request omits redirect_uri")
				}
				tres, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, nil)
				if err != nil {
					return err
				}
				if _, err := t.Fixtures.ParseTokens(tres); err != nil {
					return expect.WithFix(expect.Fail(tres, "tokens: the authorization request carried no redirect_uri, so the token request needs none",
						fmt.Sprintf("HTTP %d", tres.Status), "the code cannot be redeemed without redirect_uri"),
						"require redirect_uri at the token endpoint only when the authorization request carried it (RFC 6749 §4.1.3)")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-3.1.2-redirect-query-retained", Spec: suite.RFC6749, Section: "3.1.2", Level: suite.Must,
			Requires: dcr, Profiles: []string{"core"},
			Title: "The query component of a registered redirect URI is kept when the code and state are added",
			Quote: "The endpoint URI MAY include an \"application/x-www-form-urlencoded\" formatted (per Appendix B) query component ([RFC3986] Section 3.4), which MUST be retained when adding additional query parameters.",
			Run: func(ctx context.Context, t *suite.T) error {
				withQuery := t.Fixtures.RedirectURI + "?tenant=authspec&lang=en"
				r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"redirect_uris": []string{withQuery}}))
				if err != nil {
					return err
				}
				if !r.OK() || r.Client.ID == "" {
					return suite.SkipErr("the server does not register a redirect URI with a query component (HTTP %d); nothing to check", r.Res.Status)
				}
				ar := t.NewAuthRequest(r.Client)
				ar.RedirectURI = withQuery
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil {
					return err
				}
				if res.Callback == nil {
					return suite.SkipErr("the authorization did not come back to the client")
				}
				q := res.Callback.Query()
				if q.Get("tenant") != "authspec" || q.Get("lang") != "en" || q.Get("code") == "" {
					return expect.WithFix(expect.Fail(res.Last, "tenant=authspec&lang=en kept next to code and state", res.Callback.Redacted(),
						"the redirect lost the registered query component"),
						"parse the registered redirect URI and add code, state and iss to its existing query")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-3.1-authorize-unknown-params-ignored", Spec: suite.RFC6749, Section: "3.1", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "Unknown parameters at the authorization endpoint are ignored",
			Quote: "The authorization server MUST ignore unrecognized request parameters.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.Extra = url.Values{"authspec_extension": {"1"}, "x-trace": {"abc"}}
				code, res, err := t.Fixtures.Code(ctx, t.HTTP, ar)
				if err == nil && code != "" {
					return nil
				}
				if !fixture.IsUnavailable(err) || (res != nil && res.Interactive) {
					return err
				}
				return expect.WithFix(expect.Fail(lastResult(res), "a code: unknown parameters change nothing", err.Error(),
					"a request with extension parameters the server does not know was refused"),
					"ignore request parameters you do not recognise (extensions add new ones all the time)")
			},
		},
		{
			ID: "rfc6749-3.1-authorize-duplicate-params-refused", Spec: suite.RFC6749, Section: "3.1", Level: suite.MustNot,
			Requires: conf, Profiles: []string{"core"},
			Title: "A parameter sent twice to the authorization endpoint is refused, not resolved by picking one value",
			Quote: "Request and response parameters MUST NOT be included more than once.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.Extra = url.Values{"response_type": {"code", "code"}}
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res == nil || res.Callback == nil {
					return nil // an error page: refused
				}
				q := res.Callback.Query()
				switch {
				case q.Get("code") != "":
					return expect.WithFix(expect.Fail(res.Last, "error=invalid_request", "an authorization code",
						"a request with response_type twice was accepted"),
						"refuse requests that repeat a parameter (except those defined as repeatable, such as resource) with invalid_request")
				case q.Get("error") != "invalid_request":
					return expect.WithFix(expect.Fail(res.Last, "error=invalid_request", "error="+q.Get("error"),
						"a repeated parameter is reported with another error code"), "report repeated parameters as invalid_request")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-3.1-authorize-empty-params-omitted", Spec: suite.RFC6749, Section: "3.1", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "An empty scope parameter at the authorization endpoint is treated as omitted",
			Quote: "Parameters sent without a value MUST be treated as if they were omitted from the request.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				// Control: the same request without scope must succeed, or an
				// empty scope cannot be told from an omitted one.
				control := t.NewAuthRequest(c)
				control.Scope = ""
				if _, cres, err := t.Fixtures.Code(ctx, t.HTTP, control); err != nil {
					if !fixture.IsUnavailable(err) || (cres != nil && cres.Interactive) {
						return err
					}
					return suite.SkipErr("a request without scope is refused too (%v), so an empty scope cannot be told from an omitted one", err)
				}
				ar := t.NewAuthRequest(c)
				ar.Scope = ""
				u, err := t.Fixtures.URL(ar)
				if err != nil {
					return err
				}
				// The fixture drops empty values; this request must carry "scope=".
				res, err := t.Fixtures.Authorizer.Authorize(ctx, t.HTTP, u+"&scope=", c.RedirectURI, fixture.FlowApprove)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res == nil || res.Callback == nil {
					if res != nil && res.Interactive {
						return suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser")
					}
					return expect.WithFix(expect.Fail(lastResult(res), "a code, as for the same request without scope", "no redirect to the client",
						"a request with scope= was refused although the same request without scope succeeds"), "treat parameters without a value as absent")
				}
				q := res.Callback.Query()
				if q.Get("code") == "" {
					return expect.WithFix(expect.Fail(res.Last, "a code, as for the same request without scope", "error="+q.Get("error"),
						"an empty scope was judged as a scope instead of being treated as omitted (the request without scope succeeds)"),
						"treat parameters without a value as absent: an empty scope means the default scope")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-4.1.2.1-unknown-scope-invalid-scope", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
			Requires: conf, Profiles: []string{"core"},
			Title: "An unknown scope at the authorization endpoint is redirected as invalid_scope, or dropped and the granted scope reported",
			Quote: "invalid_scope: The requested scope is invalid, unknown, or malformed.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				const unknown = "authspec-unknown-scope"
				ar := t.NewAuthRequest(c)
				ar.Scope = strings.TrimSpace(ar.Scope + " " + unknown)
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res == nil || res.Callback == nil {
					if res != nil && res.Interactive {
						return suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser")
					}
					return notRedirected(lastResult(res))
				}
				q := res.Callback.Query()
				if code := q.Get("code"); code != "" {
					// Ignoring the scope is allowed (§3.3) if the client is told.
					tres, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, nil)
					if err != nil {
						return err
					}
					ts, err := t.Fixtures.ParseTokens(tres)
					if err != nil {
						return suite.SkipErr("the code could not be redeemed (%v); the token endpoint checks report why", err)
					}
					if ts.Scope == "" || strings.Contains(" "+ts.Scope+" ", " "+unknown+" ") {
						return expect.WithFix(expect.Fail(tres, "error=invalid_scope, or tokens whose scope member omits "+unknown,
							fmt.Sprintf("scope %q", ts.Scope), "the unknown scope was silently ignored: the client believes it got it"),
							"refuse unknown scopes with invalid_scope, or report the scope actually granted (RFC 6749 §3.3)")
					}
					return nil
				}
				if e := q.Get("error"); e != "invalid_scope" || q.Get("state") != ar.State {
					return expect.WithFix(expect.Fail(res.Last, fmt.Sprintf("error=invalid_scope&state=%q", ar.State),
						fmt.Sprintf("error=%q state=%q", e, q.Get("state")), "an unknown scope is reported with the wrong error or without the state"),
						"answer an unknown scope with error=invalid_scope and the state")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-4.1.2.1-unauthorized-client", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
			Requires: append(dcr, suite.FeatureClientCredentials), Profiles: []string{"core"},
			Title: "A client registered only for client_credentials gets error=unauthorized_client at the authorization endpoint, not a code",
			Quote: "unauthorized_client: The client is not authorized to request an authorization code using this method.",
			Run: func(ctx context.Context, t *suite.T) error {
				method := regclient.SecretMethod(t)
				r, err := regclient.Register(ctx, t, regclient.Metadata(t, method, map[string]any{"grant_types": []string{"client_credentials"}, "response_types": []string{}}))
				if err != nil {
					return err
				}
				if !r.OK() || r.Client.ID == "" {
					return suite.SkipErr("the server does not register a client_credentials-only client with a redirect URI (HTTP %d)", r.Res.Status)
				}
				if gts, echoed, _ := expect.StringList(r.Info, "grant_types"); echoed && containsString(gts, "authorization_code") {
					return suite.SkipErr("the server registered the client for authorization_code although it asked only for client_credentials")
				}
				ar := t.NewAuthRequest(r.Client)
				ar.State = "authspec-uc-" + fixture.RandomState()
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res == nil || res.Callback == nil {
					if res != nil && res.Interactive {
						return suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser")
					}
					return notRedirected(lastResult(res))
				}
				q := res.Callback.Query()
				if q.Get("code") != "" {
					return expect.WithFix(expect.Fail(res.Last, "error=unauthorized_client", "an authorization code",
						"a client not registered for the authorization code grant got a code"),
						"check the client's registered grant_types and response_types at the authorization endpoint")
				}
				if q.Get("error") != "unauthorized_client" {
					return expect.WithFix(expect.Fail(res.Last, "error=unauthorized_client", "error="+q.Get("error"),
						"the refusal carries the wrong error code"), "answer with error=unauthorized_client")
				}
				return nil
			},
		},
	}
}

// notRedirectedAt sends ar and fails if the server redirected to the
// client at all: requests it cannot attribute to a verified redirect URI
// must end on an error page (RFC 6749 §4.1.2.1).
func notRedirectedAt(ctx context.Context, t *suite.T, ar *fixture.AuthRequest, want, why, fix string) error {
	res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
	if err != nil && !fixture.IsUnavailable(err) {
		return err
	}
	if res != nil && res.Callback != nil {
		return expect.WithFix(expect.Fail(res.Last, want, "a redirect to "+res.Callback.Redacted(), "%s", why), fix)
	}
	return nil
}

// twoRedirectURIs derives two distinct loopback redirect URIs from base.
func twoRedirectURIs(base string) (string, string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", "", fmt.Errorf("redirect URI %q: %w", base, err)
	}
	second := *u
	second.Path = strings.TrimSuffix(u.Path, "/") + "-second"
	return u.String(), second.String(), nil
}

func lastResult(res *fixture.AuthzResult) *httpx.Result {
	if res == nil {
		return nil
	}
	return res.Last
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
