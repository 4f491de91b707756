package rfc8707

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// resourceChecks returns the checks of RFC 8707 §2, Resource Parameter.
func resourceChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	cc := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureClientCredentials}
	return []*suite.Check{
		{
			ID: "rfc8707-2-fragment-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A resource parameter with a fragment is refused with invalid_target",
			Quote: "The value of the resource parameter MUST be an absolute URI ... and MUST NOT include a fragment component.",
			Run: func(ctx context.Context, t *suite.T) error {
				return badResource(ctx, t, t.Target.Resource+"#fragment")
			},
		},
		{
			ID: "rfc8707-2-relative-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A relative resource parameter is refused with invalid_target",
			Quote: "The value of the resource parameter MUST be an absolute URI, as specified by Section 4.3 of [RFC3986].",
			Run: func(ctx context.Context, t *suite.T) error {
				return badResource(ctx, t, "/relative/resource")
			},
		},
		{
			ID: "rfc8707-2-audience-restricted", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An access token issued without the resource is not accepted by the resource",
			Quote: "The authorization server SHOULD audience-restrict issued access tokens to the resource(s) indicated by the resource parameter.",
			Run:   runAudienceRestricted,
		},
		{
			ID: "rfc8707-2-authorize-unknown-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An authorization request for a resource the server does not serve is refused with invalid_target, keeping state",
			Quote: "If the authorization server fails to parse the provided value(s) or does not consider the resource(s) acceptable, it should reject the request with an error response using the error code \"invalid_target\" as the value of the \"error\" parameter and can provide additional information regarding the reasons for the error using the \"error_description\".",
			Run:   runAuthorizeUnknownInvalidTarget,
		},
		{
			ID: "rfc8707-2-token-unknown-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: cc, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A client credentials request for a resource the server does not serve is refused with invalid_target",
			Quote: "If the authorization server fails to parse the provided value(s) or does not consider the resource(s) acceptable, it should reject the request with an error response using the error code \"invalid_target\" as the value of the \"error\" parameter and can provide additional information regarding the reasons for the error using the \"error_description\".",
			Run:   runTokenUnknownInvalidTarget,
		},
		{
			ID: "rfc8707-2-token-fragment-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: cc, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A token request whose resource has a fragment is refused with invalid_target, not served with the fragment dropped",
			Quote: "The value of the resource parameter MUST be an absolute URI ... and MUST NOT include a fragment component.",
			Run:   runTokenFragmentInvalidTarget,
		},
		{
			ID: "rfc8707-2-resource-repeatable", Spec: suite.RFC8707, Section: "2", Level: suite.May,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An authorization request with the resource parameter twice is not refused as a repeated parameter",
			Quote: "Multiple \"resource\" parameters MAY be used to indicate that the requested token is intended to be used at multiple resources.",
			Run:   runResourceRepeatable,
		},
	}
}

func runAudienceRestricted(ctx context.Context, t *suite.T) error {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	c := ts.Client
	if ok, res, err := probe.AccessTokenActive(ctx, t, c, ts.AccessToken); err != nil || !ok {
		if err != nil {
			return err
		}
		return expect.Fail(res, "the token requested for the resource accepted", "refused",
			"a token requested with resource=%s is refused by that resource", t.Target.Resource)
	}
	other, err := t.TokensFor(ctx, c, func(r *fixture.AuthRequest) { r.Resources = nil })
	if err != nil {
		return err
	}
	ok, res, err := probe.AccessTokenActive(ctx, t, c, other.AccessToken)
	if err != nil {
		return err
	}
	if ok {
		return expect.Fail(res, "a token not issued for this resource refused", "accepted",
			"the resource accepts a token that was not requested for it (no audience restriction)").
			WithFix("bind access tokens to the requested resource (aud) and have the resource check it")
	}
	return nil
}

func runAuthorizeUnknownInvalidTarget(ctx context.Context, t *suite.T) error {
	return badResource(ctx, t, unknownResource)
}

func runTokenUnknownInvalidTarget(ctx context.Context, t *suite.T) error {
	res, err := clientCredentials(ctx, t, unknownResource)
	if err != nil {
		return err
	}
	return invalidTarget(res, unknownResource, "refuse token requests for resources this server does not issue tokens for with 400 invalid_target")
}

func runTokenFragmentInvalidTarget(ctx context.Context, t *suite.T) error {
	v := t.Target.Resource + "#fragment"
	res, err := clientCredentials(ctx, t, v)
	if err != nil {
		return err
	}
	return invalidTarget(res, v, "refuse resource values with a fragment at the token endpoint too; do not strip it")
}

func runResourceRepeatable(ctx context.Context, t *suite.T) error {
	// The only resource known is the configured one: name it
	// twice. Refusing it with invalid_target is the server's
	// choice; invalid_request means resource was treated like
	// the single-valued parameters of RFC 6749 §3.1.
	res, _, err := authorizeWith(ctx, t, t.Target.Resource, t.Target.Resource)
	if err != nil {
		return err
	}
	if res.Callback == nil {
		return suite.SkipErr("the authorization request did not come back to the client; cannot judge")
	}
	q := res.Callback.Query()
	if q.Get("error") == "invalid_request" {
		return expect.Fail(res.Last, "a code (or invalid_target)", "error=invalid_request: "+q.Get("error_description"),
			"two resource parameters were refused as a malformed request").
			WithFix("exempt resource from the RFC 6749 §3.1 rule against repeated parameters: RFC 8707 defines it as repeatable")
	}
	return nil
}

// clientCredentials sends a client credentials token request of the
// confidential client for resource.
func clientCredentials(ctx context.Context, t *suite.T, resource string) (*httpx.Result, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {resource}}
	if len(t.Target.Config.Scopes) > 0 {
		form.Set("scope", t.Target.Config.Scopes[0])
	}
	return t.Token(ctx, c, form, "client credentials token request with resource="+resource)
}

// authorizeWith sends an authorization request of the confidential client
// with resources.
func authorizeWith(ctx context.Context, t *suite.T, resources ...string) (*fixture.AuthzResult, *fixture.AuthRequest, error) {
	ar, err := t.AuthRequestFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = resources })
	if err != nil {
		return nil, nil, err
	}
	res, err := t.TryAuthorize(ctx, ar)
	return res, ar, err
}

// badResource sends an authorization request with resource v, which is
// unacceptable, and expects an invalid_target error redirect carrying the
// request's state.
func badResource(ctx context.Context, t *suite.T, v string) error {
	res, ar, err := authorizeWith(ctx, t, v)
	if err != nil {
		return err
	}
	if res.Callback == nil {
		return expect.Fail(res.Last, "a redirect to the client with error=invalid_target", "no redirect to the client",
			"the authorization request with resource=%q did not come back to the client", ar.Resources)
	}
	q := res.Callback.Query()
	if q.Get("error") != "invalid_target" {
		got := "error=" + q.Get("error")
		if q.Get("code") != "" {
			got = "an authorization code"
		}
		return expect.Fail(res.Last, "error=invalid_target", got, "the resource %q was not refused", ar.Resources).
			WithFix("validate resource parameters: absolute URI, no fragment, a resource this server issues tokens for")
	}
	if ar.State != "" && q.Get("state") != ar.State {
		return expect.Fail(res.Last, "state="+ar.State, "state="+q.Get("state"),
			"the invalid_target error response does not return the request's state").
			WithFix("return state in every error redirect (RFC 6749 §4.1.2.1)")
	}
	return nil
}
