package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenEndpointChecks returns the checks of RFC 6749 §3.2, Token Endpoint.
func tokenEndpointChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials}
	cc := []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials}
	return []*suite.Check{
		{
			ID: "rfc6749-3.2-form-encoded-body", Spec: suite.RFC6749, Section: "3.2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "The token endpoint does not take a JSON body in place of form encoding",
			Quote: "The client makes a request to the token endpoint by sending the following parameters using the \"application/x-www-form-urlencoded\" format",
			Run:   runFormEncodedBody,
		},
		{
			ID: "rfc6749-3.2-post-required", Spec: suite.RFC6749, Section: "3.2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "The token endpoint does not issue tokens to a GET request",
			Quote:    "The client MUST use the HTTP \"POST\" method when making access token requests.",
			Run:      runPostRequired,
		},
		{
			ID: "rfc6749-3.2-unknown-params-ignored", Spec: suite.RFC6749, Section: "3.2", Level: suite.Must,
			Requires: cc, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Unrecognised token request parameters are ignored",
			Quote: "The authorization server MUST ignore unrecognized request parameters.",
			Run:   runUnknownParamsIgnored,
		},
		{
			ID: "rfc6749-3.2-empty-params-omitted", Spec: suite.RFC6749, Section: "3.2", Level: suite.Must,
			Requires: cc, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A token request parameter without a value is treated as omitted",
			Quote: "Parameters sent without a value MUST be treated as if they were omitted from the request.",
			Run:   runEmptyParamsOmitted,
		},
	}
}

func runFormEncodedBody(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	res, err := sendRaw(ctx, t, http.MethodPost, t.Target.Metadata.TokenEndpoint, "application/json", `{"grant_type":"client_credentials"}`,
		basic(c.ID, c.Secret), "client_credentials as a JSON body")
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return expect.Fail(res, "error=invalid_request", "tokens",
			"the token endpoint accepts JSON; clients built against it break on compliant servers").
			WithFix("read token requests only as application/x-www-form-urlencoded")
	}
	return nil
}

func runUnknownParamsIgnored(ctx context.Context, t *suite.T) error {
	return acceptedLikeBaseline(ctx, t, "authspec_unrecognized", "1", "client_credentials with an unrecognised parameter",
		"an unrecognised parameter made the server refuse a request it accepts without it",
		"ignore token request parameters the server does not know (extensions add parameters all the time)")
}

func runEmptyParamsOmitted(ctx context.Context, t *suite.T) error {
	return acceptedLikeBaseline(ctx, t, "scope", "", "client_credentials with an empty scope parameter",
		"an empty scope= made the server refuse a request it accepts without scope",
		"drop parameters that have no value before processing a token request")
}

// acceptedLikeBaseline sends a client_credentials request of the run's
// confidential client with the parameter name=value added, and requires
// tokens whenever the plain request gets them: a failure only counts when
// the baseline succeeds.
func acceptedLikeBaseline(ctx context.Context, t *suite.T, name, value, note, why, fix string) error {
	form := clientCredentials()
	form.Set(name, value)
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, c, form, note)
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return nil
	}
	base, err := t.Token(ctx, c, clientCredentials(), "the same request without the variation")
	if err != nil {
		return err
	}
	if base.Status != http.StatusOK {
		return suite.SkipErr("the plain client_credentials request fails too (HTTP %d; see rfc6749-2.3.1-basic-auth-accepted)", base.Status)
	}
	return expect.Fail(res, "HTTP 200 with tokens, as without the variation",
		fmt.Sprintf("HTTP %d %s", res.Status, res.Snippet()), "%s", why).
		WithEvidence(base.Exchange).
		WithFix(fix)
}

func runPostRequired(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	u, err := tokenURL(t, clientCredentials())
	if err != nil {
		return err
	}
	res, err := sendRaw(ctx, t, http.MethodGet, u, "", "", basic(url.QueryEscape(c.ID), url.QueryEscape(c.Secret)),
		"client_credentials as a GET request with the parameters in the query")
	if err != nil {
		return err
	}
	if issuedTokens(res) {
		return expect.Fail(res, "an error (e.g. 405 or 400 invalid_request)", "HTTP 200 with tokens",
			"the token endpoint issues tokens to GET: parameters in URIs end up in logs, histories and Referer headers").
			WithFix("accept only POST at the token endpoint")
	}
	return nil
}
