package rfc9126

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// errorChecks returns the checks of RFC 9126 §2.3, Error Response.
func errorChecks() []*suite.Check {
	return []*suite.Check{errorJSON, postOnly, signedRequestObjectRequired}
}

// signedRequestObjectClient is a client required to use signed Request
// Objects: the run's confidential client where the metadata requires them
// of every client (require_signed_request_object, RFC 9101 §10.5), else a
// client registered with that member, if the server keeps it; nil when
// neither holds, and the sentence binds nothing.
func signedRequestObjectClient(ctx context.Context, t *suite.T) (*fixture.Client, *httpx.Result, error) {
	if required, _ := t.Target.Metadata.Raw["require_signed_request_object"].(bool); required {
		c, err := t.Confidential(ctx)
		return c, t.Target.MetadataResult, err
	}
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.SecretMethod(t), map[string]any{"require_signed_request_object": true}))
	if err != nil {
		return nil, nil, err
	}
	if kept, _ := r.Info["require_signed_request_object"].(bool); !kept {
		return nil, nil, nil
	}
	return r.Client, r.Res, nil
}

var signedRequestObjectRequired = &suite.Check{
	ID: "rfc9126-2.3-signed-request-object-required", Spec: suite.RFC9126, Section: "2.3", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureDCR}, par...), Profiles: profiles,
	Title: "A client required to use signed Request Objects has a plain pushed request refused with 400 invalid_request",
	Quote: "If the client is required to use signed Request Objects, by either the authorization server or the client policy (see [RFC9101], Section 10.5), the authorization server MUST only accept requests complying with the definition given in Section 3 and MUST refuse any other request with HTTP status code 400 and error code invalid_request.",
	Run:   runSignedRequestObjectRequired,
}

// runSignedRequestObjectRequired pushes a plain request (no request
// parameter) for a client required to use signed Request Objects.
func runSignedRequestObjectRequired(ctx context.Context, t *suite.T) error {
	c, why, err := signedRequestObjectClient(ctx, t)
	if err != nil {
		return err
	}
	if c == nil {
		return suite.SkipErr("neither the metadata nor the registration of a client asking for it (RFC 7591 §2 lets the server ignore the member) requires signed Request Objects: the sentence binds nothing here")
	}
	r, err := t.AuthRequestFor(ctx, c, nil)
	if err != nil {
		return err
	}
	res, err := t.Push(ctx, r, nil)
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		return expect.Fail(res, "HTTP 400 invalid_request", fmt.Sprintf("HTTP %d%s", res.Status, expect.BodyHint(res)),
			"the PAR endpoint accepted a plain pushed request of a client required to use signed Request Objects").
			WithFix("refuse every pushed request without a signed Request Object (the request parameter, RFC 9101) from a client required to use them, with HTTP 400 invalid_request").
			WithEvidence(why.Exchange)
	}
	_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_request")
	return expect.Evidence(expect.WithFix(err, "answer a plain pushed request of a client required to use signed Request Objects with HTTP 400 invalid_request"), why.Exchange)
}

var errorJSON = &suite.Check{
	ID: "rfc9126-2.3-error-json", Spec: suite.RFC9126, Section: "2.3", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title: "A refused push is answered with an RFC 6749 §5.2 JSON error",
	Quote: "The authorization server returns an error response with the same format as is specified for error responses from the token endpoint in Section 5.2 of [RFC6749] using the appropriate error code from therein or from Section 4.1.2.1 of [RFC6749].",
	Keywordless: "RFC 9126 §2.3 states the form of every error of the PAR endpoint, the token endpoint's, whose RFC 6749 §5.2 format is normative: " +
		"clients parse it to learn why a push failed",
	Run: runErrorJSON,
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

var postOnly = &suite.Check{
	ID: "rfc9126-2.3-post-only", Spec: suite.RFC9126, Section: "2.3", Level: suite.Should,
	Requires: par, Profiles: profiles,
	Title: "The PAR endpoint does not take a pushed request sent by GET",
	Quote: "405: If the request did not use the POST method, the authorization server responds with an HTTP 405 (Method Not Allowed) status code.",
	Keywordless: "RFC 9126 §2 defines the endpoint as one \"that accepts HTTP POST requests with parameters in the HTTP request message body\", and §2.3 says the endpoint \"can also make use of\" 405 for any other method: " +
		"the status is left open, so the check asks only that a GET is refused, and WARNs otherwise (the parameters of a GET travel in the URL, which PAR exists to avoid)",
	Run: runPostOnly,
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
