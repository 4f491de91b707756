package rfc9126

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// errorChecks returns the checks of RFC 9126 §2.3, Error Response.
func errorChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9126-2.3-error-json", Spec: suite.RFC9126, Section: "2.3", Level: suite.Must,
			Requires: par, Profiles: profiles,
			Title: "A refused push is answered with an RFC 6749 §5.2 JSON error",
			Quote: "The authorization server returns an error response with the same format as is specified for error responses from the token endpoint in Section 5.2 of [RFC6749] using the appropriate error code from therein or from Section 4.1.2.1 of [RFC6749].",
			Keywordless: "RFC 9126 §2.3 states the form of every error of the PAR endpoint, the token endpoint's, whose RFC 6749 §5.2 format is normative: " +
				"clients parse it to learn why a push failed",
			Run: runErrorJSON,
		},
		{
			ID: "rfc9126-2.3-post-only", Spec: suite.RFC9126, Section: "2.3", Level: suite.Should,
			Requires: par, Profiles: profiles,
			Title: "The PAR endpoint does not take a pushed request sent by GET",
			Quote: "405: If the request did not use the POST method, the authorization server responds with an HTTP 405 (Method Not Allowed) status code.",
			Keywordless: "RFC 9126 §2 defines the endpoint as one \"that accepts HTTP POST requests with parameters in the HTTP request message body\", and §2.3 says the endpoint \"can also make use of\" 405 for any other method: " +
				"the status is left open, so the check asks only that a GET is refused, and WARNs otherwise (the parameters of a GET travel in the URL, which PAR exists to avoid)",
			Run: runPostOnly,
		},
	}
}

// runErrorJSON pushes a request without response_type: an error the
// authorization endpoint would report, and the push must report as JSON.
func runErrorJSON(ctx context.Context, t *suite.T) error {
	base, err := push(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	res, err := t.Push(ctx, base.Pushed, func(form url.Values) { form.Del("response_type") })
	if err != nil {
		return err
	}
	fix := "answer a refused push as the token endpoint answers errors: HTTP 400 (401 for invalid_client), application/json, {\"error\": \"invalid_request\", ...}"
	if res.Status < 400 || res.Status >= 500 {
		return expect.Fail(res, "HTTP 400 with a JSON error", fmt.Sprintf("HTTP %d%s", res.Status, expect.BodyHint(res)),
			"the PAR endpoint did not refuse a pushed request without response_type").WithFix(fix).WithEvidence(base.Res.Exchange)
	}
	m, err := expect.JSONObject(res, true)
	if err != nil {
		return expect.WithFix(err, fix)
	}
	if _, err := expect.Member(res, m, "error"); err != nil {
		return expect.WithFix(err, fix)
	}
	return nil
}

// runPostOnly sends a pushed request as GET with its parameters (and the
// client's credentials) in the query; the baseline is the POST push.
func runPostOnly(ctx context.Context, t *suite.T) error {
	base, err := push(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	u, err := url.Parse(t.Target.Metadata.PushedAuthorizationRequestEndpoint)
	if err != nil {
		return suite.SkipErr("pushed_authorization_request_endpoint is not a URL: %v", err)
	}
	q := base.Pushed.PushForm()
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), http.NoBody)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	c := base.Pushed.Client
	if c.Secret != "" {
		req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret))
	}
	res, err := t.HTTP.Do(ctx, req, "send the pushed authorization request by GET")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		return expect.Fail(res, "HTTP 405 (or another refusal)", fmt.Sprintf("HTTP %d%s", res.Status, expect.BodyHint(res)),
			"the PAR endpoint took a pushed request sent by GET, its parameters in the URL").
			WithFix("serve the PAR endpoint for POST only; answer 405 with Allow: POST to other methods").WithEvidence(base.Res.Exchange)
	}
	return nil
}
