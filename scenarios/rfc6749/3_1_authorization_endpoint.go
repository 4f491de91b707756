package rfc6749

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationEndpointChecks returns the checks of RFC 6749 §3.1,
// Authorization Endpoint.
func authorizationEndpointChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-3.1-endpoint-url", Spec: suite.RFC6749, Section: "3.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureMetadata, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "The authorization endpoint is an absolute https URL without fragment",
			Quote: "The endpoint URI MUST NOT include a fragment component. Since requests to the authorization endpoint result in user authentication and the transmission of clear-text credentials (in the HTTP response), " +
				"the authorization server MUST require the use of TLS as described in Section 1.6 when sending requests to the authorization endpoint.",
			Run: func(_ context.Context, t *suite.T) error {
				return judgeEndpointURL(t, "authorization_endpoint", t.Target.Metadata.AuthorizationEndpoint)
			},
		},
		ownerAuthenticated, getSupported, authorizeUnknownParamsIgnored,
		authorizeDuplicateParamsRefused, authorizeEmptyParamsOmitted, duplicateParameters,
	}
}

var getSupported = &suite.Check{
	ID: "rfc6749-3.1-get-supported", Spec: suite.RFC6749, Section: "3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The authorization endpoint takes requests by GET",
	Quote: "The authorization server MUST support the use of the HTTP \"GET\" method [RFC2616] for the authorization endpoint and MAY support the use of the \"POST\" method as well.",
	Run:   runGetSupported,
}

// runGetSupported sends the run's authorization request by GET, as a
// person's browser follows a link, and fails a refusal of the method
// (405, 501) when the same request sent by POST gets another answer.
// Whatever else the endpoint answers (a login page, an error redirect for
// a request it wants pushed) is about the request, not the method.
func runGetSupported(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	q := url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {c.RedirectURI}, "state": {fixture.RandomState()}}
	u, err := url.Parse(t.Target.Metadata.AuthorizationEndpoint)
	if err != nil || !u.IsAbs() {
		return suite.SkipErr("the authorization endpoint %q is not an absolute URL (see rfc6749-3.1-endpoint-url)", t.Target.Metadata.AuthorizationEndpoint)
	}
	all := u.Query()
	for k, v := range q {
		all[k] = v
	}
	u.RawQuery = all.Encode()
	res, err := sendRaw(ctx, t, http.MethodGet, u.String(), "", "", "", "the authorization request by GET")
	if err != nil {
		return err
	}
	if res.Status != http.StatusMethodNotAllowed && res.Status != http.StatusNotImplemented {
		return nil
	}
	post, err := sendRaw(ctx, t, http.MethodPost, t.Target.Metadata.AuthorizationEndpoint, formType, q.Encode(), "", "control: the same request by POST")
	if err != nil {
		return err
	}
	if post.Status == http.StatusMethodNotAllowed || post.Status == http.StatusNotImplemented || post.Status == http.StatusNotFound {
		return suite.SkipErr("the authorization endpoint refuses POST as well (HTTP %d): it does not look like the endpoint", post.Status)
	}
	return expect.Fail(res, "the request taken by GET", expect.Outcome(res), "the authorization endpoint refuses GET, which every link and redirect to it uses").
		WithEvidence(post.Exchange).
		WithFix("serve the authorization endpoint for GET (POST may be served as well)")
}

var authorizeUnknownParamsIgnored = &suite.Check{
	ID: "rfc6749-3.1-authorize-unknown-params-ignored", Spec: suite.RFC6749, Section: "3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Unknown parameters at the authorization endpoint are ignored",
	Quote: "The authorization server MUST ignore unrecognized request parameters.",
	Run:   runAuthorizeUnknownParamsIgnored,
}

func runAuthorizeUnknownParamsIgnored(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, func(r *fixture.AuthRequest) {
		r.Extra = url.Values{"authspec_extension": {"1"}, "x-trace": {"abc"}}
	})
	if err == nil || g == nil || !fixture.Refused(err, g.Authz) {
		return err
	}
	// Control: the same request without the extension parameters.
	if _, cerr := t.CodeFor(ctx, nil, nil); cerr != nil {
		return suite.SkipErr("the same request without the extension parameters fails too (%v)", cerr)
	}
	return expect.Fail(g.Authz.LastResponse(), "a code: unknown parameters change nothing", err.Error(),
		"a request with extension parameters the server does not know was refused, although the same request without them gets a code").
		WithFix("ignore request parameters you do not recognise (extensions add new ones all the time)")
}

var authorizeDuplicateParamsRefused = &suite.Check{
	ID: "rfc6749-3.1-authorize-duplicate-params-refused", Spec: suite.RFC6749, Section: "3.1", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "A parameter sent twice to the authorization endpoint is refused with invalid_request; one accepted is reported as an observation",
	Quote:       "Request and response parameters MUST NOT be included more than once.",
	Keywordless: keywordlessDuplicate + " At the authorization endpoint the code is §4.1.2.1's invalid_request (\"includes a parameter more than once\").",
	Run:         runAuthorizeDuplicateParamsRefused,
}

func runAuthorizeDuplicateParamsRefused(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	ar.Extra = url.Values{"response_type": {"code", "code"}}
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Callback == nil {
		if res.Interactive {
			return suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser (--browser on) with a login recipe")
		}
		// An error page, or a refused push: refused, if the same request
		// without the repetition is accepted.
		if _, err := t.CodeFor(ctx, c, nil); err != nil {
			return suite.SkipErr("the same request without the repeated parameter fails too (%v)", err)
		}
		if code := res.PushError(); res.PushRefused() && code != "invalid_request" {
			return expect.Fail(res.Push, "error=invalid_request", "error="+code,
				"the pushed request with a repeated parameter was refused, but with an error code that does not say why").
				WithFix("report repeated parameters as invalid_request").AsObservation()
		}
		return nil
	}
	q := res.Callback.Query()
	switch {
	case q.Get("code") != "":
		return expect.Fail(res.Last, "error=invalid_request", "an authorization code",
			"a request with response_type twice was accepted").
			WithFix("refuse requests that repeat a parameter (except those defined as repeatable, such as resource) with invalid_request").
			AsObservation()
	case q.Get("error") != "invalid_request":
		return expect.Fail(res.Last, "error=invalid_request", "error="+q.Get("error"),
			"the request with a repeated parameter was refused, but with an error code that does not say why").
			WithFix("report repeated parameters as invalid_request").AsObservation()
	}
	return nil
}

var authorizeEmptyParamsOmitted = &suite.Check{
	ID: "rfc6749-3.1-authorize-empty-params-omitted", Spec: suite.RFC6749, Section: "3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An empty scope parameter at the authorization endpoint is treated as omitted",
	Quote: "Parameters sent without a value MUST be treated as if they were omitted from the request.",
	Run:   runAuthorizeEmptyParamsOmitted,
}

func runAuthorizeEmptyParamsOmitted(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	// Control: the same request without scope must succeed, or an
	// empty scope cannot be told from an omitted one.
	control := t.NewAuthRequest(c)
	control.Scope = ""
	_, cres, cerr := t.Code(ctx, control)
	if cerr != nil && !fixture.Refused(cerr, cres) {
		return cerr
	}
	ar := t.NewAuthRequest(c)
	ar.Scope = ""
	res, err := emptyScopeRequest(ctx, t, ar)
	if res == nil || (err != nil && !fixture.IsUnavailable(err)) {
		return err
	}
	if cerr != nil {
		// A server without a default scope refuses a request without
		// scope (RFC 6749 §3.3): the empty one must be refused alike.
		if code := cres.ErrorCode(); code != "" && res.Callback != nil && res.Callback.Query().Get("error") == code {
			t.Logf("the request without scope is refused alike (error=%s): the empty scope was treated as omitted", code)
			return nil
		}
		return suite.SkipErr("a request without scope is refused too (%v), and the one with scope= otherwise, so an empty scope cannot be told from an omitted one", cerr)
	}
	if res.PushRefused() {
		return expect.Fail(res.Push, "HTTP 201 with a request_uri, as for the same request without scope", expect.Outcome(res.Push),
			"a pushed request with scope= was refused although the same request without scope succeeds").
			WithFix("treat parameters without a value as absent, at the PAR endpoint as at the authorization endpoint")
	}
	if res.Callback == nil {
		if res.Interactive {
			return suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser")
		}
		return expect.Fail(res.LastResponse(), "a code, as for the same request without scope", "no redirect to the client",
			"a request with scope= was refused although the same request without scope succeeds").
			WithFix("treat parameters without a value as absent")
	}
	q := res.Callback.Query()
	if q.Get("code") == "" {
		return expect.Fail(res.Last, "a code, as for the same request without scope", "error="+q.Get("error"),
			"an empty scope was judged as a scope instead of being treated as omitted (the request without scope succeeds)").
			WithFix("treat parameters without a value as absent: an empty scope means the default scope")
	}
	return nil
}

// emptyScopeRequest sends ar with "scope=": in the authorization URL (the
// fixture drops empty values, so it is added by hand), or, where the
// client must push its requests, in the pushed request (RFC 9126 §2.1: the
// PAR endpoint validates it as the authorization endpoint would), whose
// request_uri is then sent. The result is nil when the request could not
// be sent at all.
func emptyScopeRequest(ctx context.Context, t *suite.T, ar *fixture.AuthRequest) (*fixture.AuthzResult, error) {
	if !t.MustPush(ar.Client) {
		u, err := t.AuthURL(ctx, ar)
		if err != nil {
			return nil, err
		}
		return t.AuthorizeURL(ctx, u+"&scope=", ar.Client.RedirectURI, fixture.FlowApprove)
	}
	pushed, push, err := t.PushFor(ctx, ar, func(form url.Values) { form.Set("scope", "") })
	if err != nil {
		return &fixture.AuthzResult{Push: push}, err
	}
	res, err := t.TryAuthorize(ctx, pushed)
	if res != nil {
		res.Push = push
	}
	return res, err
}

var duplicateParameters = &suite.Check{
	ID: "rfc6749-3.1-duplicate-parameters", Spec: suite.RFC6749, Section: "3.1", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "A token request with a parameter sent twice is refused with invalid_request (the same sentence closes §3.2); one accepted is reported as an observation",
	Quote:       "Request and response parameters MUST NOT be included more than once.",
	Keywordless: keywordlessDuplicate + " At the token endpoint the code is §5.2's invalid_request (\"repeats a parameter\").",
	Run:         runDuplicateParameters,
}

func runDuplicateParameters(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return err
	}
	res, err := src.Send(ctx, src.Client, func(form url.Values) { form.Add("grant_type", form.Get("grant_type")) }, "grant_type sent twice")
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		return expect.Fail(res, "error=invalid_request", "HTTP 200 with tokens", "a token request with grant_type twice was accepted").
			WithFix("refuse requests in which a parameter appears more than once (except those defined as repeatable, such as resource)").
			AsObservation()
	}
	base, err := src.Confirm(ctx)
	if err != nil {
		return err
	}
	if code := expect.ErrorCode(res); code != "invalid_request" {
		return expect.Fail(res, "error=invalid_request", outcomeOf(res),
			"the request with a repeated parameter was refused, but with an error code that does not say why").
			WithEvidence(base.Exchange).
			WithFix("report repeated parameters as 400 error=invalid_request").AsObservation()
	}
	return nil
}

// keywordlessDuplicate is why the §3.1 and §3.2 sentence on repeated
// parameters binds the server.
const keywordlessDuplicate = "The MUST NOT binds the sender of a request; its server side is the definition of invalid_request, " +
	"a request that repeats a parameter: a server that refuses such a request says so with that code. No sentence obliges the server to refuse it, " +
	"so a request with a repeated parameter that is accepted is reported as an observation (WARN), as a request with two client authentication methods is (§2.3), " +
	"and so is a refusal with another error code."

var ownerAuthenticated = &suite.Check{
	ID: "rfc6749-3.1-owner-authenticated", Spec: suite.RFC6749, Section: "3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A browser without a session gets no code before the person signs in",
	Quote: "The authorization server MUST first verify the identity of the resource owner.",
	Run:   runOwnerAuthenticated,
}

// runOwnerAuthenticated judges the run's fresh-login flow (a browser
// context without any session): a code that comes back although the
// recipe's login steps never ran on a page was issued to nobody verified.
// It needs login steps in the config: without them the server may
// authenticate people by other means (a client certificate, the network).
func runOwnerAuthenticated(ctx context.Context, t *suite.T) error {
	if len(t.Target.Config.Browser.Login) == 0 {
		return suite.SkipErr("the config has no browser.login steps: the server may authenticate people by other means (a client certificate, the network); " +
			"give the login recipe to see whether a browser without a session gets a code")
	}
	res, err := pages.LoginAndConsent(ctx, t)
	if err != nil {
		return err
	}
	if res.Param("code") == "" {
		ended := res.Shown.Describe()
		if res.Callback != nil {
			ended = "error=" + res.Param("error")
		}
		return suite.SkipErr("the fresh-login flow did not end with a code at the redirect URI (%s): nothing was issued without a sign-in", ended)
	}
	if res.LoggedIn || slices.ContainsFunc(res.Pages, func(p fixture.PageVisit) bool { return p.Stage == "login" }) {
		return nil // a page where the person signed in, perhaps also the consent page
	}
	return expect.Fail(res.LastResponse(), "the login page before any code", "a code at the redirect URI, the login recipe never run",
		"a browser with no session got an authorization code without anyone signing in: the server did not verify who the resource owner is").
		WithFix("authenticate the person (a login page, or a session from an earlier sign-in) before showing consent or issuing a code")
}
