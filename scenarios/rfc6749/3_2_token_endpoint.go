package rfc6749

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenEndpointChecks returns the checks of RFC 6749 §3.2, Token Endpoint.
func tokenEndpointChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-3.2-endpoint-url", Spec: suite.RFC6749, Section: "3.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "The token endpoint is an absolute https URL without fragment",
			Quote: "The endpoint URI MUST NOT include a fragment component. Since requests to the token endpoint result in the transmission of clear-text credentials (in the HTTP request and response), " +
				"the authorization server MUST require the use of TLS as described in Section 1.6 when sending requests to the token endpoint.",
			Run: func(_ context.Context, t *suite.T) error {
				return judgeEndpointURL(t, "token_endpoint", t.Target.Metadata.TokenEndpoint)
			},
		},
		postRequired, unknownParamsIgnored, emptyParamsOmitted,
	}
}

var unknownParamsIgnored = &suite.Check{
	ID: "rfc6749-3.2-unknown-params-ignored", Spec: suite.RFC6749, Section: "3.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Unrecognised token request parameters are ignored",
	Quote: "The authorization server MUST ignore unrecognized request parameters.",
	Run:   runUnknownParamsIgnored,
}

func runUnknownParamsIgnored(ctx context.Context, t *suite.T) error {
	return acceptedLikeBaseline(ctx, t, "authspec_unrecognized", "1", "the token request with an unrecognised parameter",
		"an unrecognised parameter made the server refuse a request it accepts without it",
		"ignore token request parameters the server does not know (extensions add parameters all the time)")
}

var emptyParamsOmitted = &suite.Check{
	ID: "rfc6749-3.2-empty-params-omitted", Spec: suite.RFC6749, Section: "3.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A token request parameter without a value is treated as omitted",
	Quote: "Parameters sent without a value MUST be treated as if they were omitted from the request.",
	Run:   runEmptyParamsOmitted,
}

// runEmptyParamsOmitted sends the run's token request with scope= and,
// unless it is accepted, the same request without scope: an empty scope
// must be answered as an omitted one. A server without a default scope
// refuses both (RFC 6749 §3.3 lets it fail a request without scope).
func runEmptyParamsOmitted(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return err
	}
	res, err := src.Send(ctx, src.Client, func(form url.Values) { form.Set("scope", "") }, "the token request with an empty scope parameter")
	if err != nil || src.Accepted(res) {
		return err
	}
	omitted, err := src.Send(ctx, src.Client, func(form url.Values) { form.Del("scope") }, "control: the same request without scope")
	if err != nil {
		return err
	}
	if !src.Accepted(omitted) {
		if omitted.Status == res.Status && expect.ErrorCode(omitted) == expect.ErrorCode(res) {
			t.Logf("the request without scope is refused alike (HTTP %d error=%q): the empty scope was treated as omitted", res.Status, expect.ErrorCode(res))
			return nil
		}
		return suite.SkipErr("the request without scope is refused too, otherwise (HTTP %d error=%q against HTTP %d error=%q): an empty scope cannot be told from an omitted one",
			omitted.Status, expect.ErrorCode(omitted), res.Status, expect.ErrorCode(res))
	}
	return expect.Fail(res, "HTTP 200 with tokens, as without scope", outcomeOf(res)+" "+res.Snippet(),
		"an empty scope= made the server refuse a request it accepts without scope").
		WithEvidence(omitted.Exchange).
		WithFix("drop parameters that have no value before processing a token request")
}

// acceptedLikeBaseline sends the token request of the run's confidential
// client (tokenreq) with the parameter name=value added, and requires
// tokens whenever the plain request gets them: a failure only counts when
// the baseline succeeds.
func acceptedLikeBaseline(ctx context.Context, t *suite.T, name, value, note, why, fix string) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return err
	}
	res, err := src.Send(ctx, src.Client, func(form url.Values) { form.Set(name, value) }, note)
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		return nil
	}
	base, err := src.Confirm(ctx)
	if err != nil {
		return err
	}
	return expect.Fail(res, "HTTP 200 with tokens, as without the variation", outcomeOf(res)+" "+res.Snippet(), "%s", why).
		WithEvidence(base.Exchange).
		WithFix(fix)
}

var postRequired = &suite.Check{
	ID: "rfc6749-3.2-post-required", Spec: suite.RFC6749, Section: "3.2", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The token endpoint does not issue tokens to a GET request",
	Quote: "The client MUST use the HTTP \"POST\" method when making access token requests.",
	Keywordless: "The MUST binds the client; no sentence obliges the server to refuse GET. A server that issues tokens to GET invites codes " +
		"and secrets into URIs, logs and Referer headers, so accepting it is reported as an observation (WARN).",
	Run: runPostRequired,
}

func runPostRequired(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return err
	}
	c := src.Client
	form, err := src.Form(ctx)
	if err != nil {
		return err
	}
	u, err := tokenURL(t, form)
	if err != nil {
		return err
	}
	res, err := sendRaw(ctx, t, http.MethodGet, u, "", "", basic(url.QueryEscape(c.ID), url.QueryEscape(c.Secret)),
		"the token request as a GET with the parameters in the query ("+src.Describe()+")")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "an error (e.g. 405 or 400 invalid_request)", "HTTP 200 with tokens",
			"the token endpoint issues tokens to GET: parameters in URIs end up in logs, histories and Referer headers").
			WithFix("accept only POST at the token endpoint").AsObservation()
	}
	_, err = src.Confirm(ctx)
	return err
}
