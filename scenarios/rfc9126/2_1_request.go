package rfc9126

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// requestChecks returns the checks of RFC 9126 §2.1, Request.
func requestChecks() []*suite.Check {
	return []*suite.Check{
		clientAuthenticated, pushedRequestValidated, requestURIRefused,
		validatedAtAuthorization,
	}
}

var clientAuthenticated = &suite.Check{
	ID: "rfc9126-2.1-client-authenticated", Spec: suite.RFC9126, Section: "2.1", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title: "The PAR endpoint refuses a confidential client without its credentials, or with a wrong secret",
	Quote: "The authorization server MUST process the request as follows: 1. Authenticate the client in the same way as at the token endpoint (Section 2.3 of [RFC6749]).",
	Run:   runClientAuthenticated,
}

// runClientAuthenticated pushes the client's request with its credentials
// (the baseline), then without them and with a wrong secret.
func runClientAuthenticated(ctx context.Context, t *suite.T) error {
	base, err := push(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	c := base.Pushed.Client
	anonymous := *c
	anonymous.AuthMethod, anonymous.Secret = "none", ""
	wrong := *c
	wrong.Secret = c.Secret + "-wrong"
	for _, probe := range []struct {
		client *fixture.Client
		what   string
	}{{&anonymous, "without the client's credentials (client_id only)"}, {&wrong, "with a wrong client secret"}} {
		r := *base.Pushed
		r.Client = probe.client
		res, err := t.Push(ctx, &r, nil)
		if err != nil {
			return err
		}
		if _, err := expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "invalid_client"); err != nil {
			return expect.Evidence(expect.WithFix(err, "authenticate the client at the PAR endpoint as at the token endpoint: a confidential client without valid credentials is invalid_client"), base.Res.Exchange)
		}
	}
	return nil
}

// parPublic: the redirect_uri checks push as a public client. RFC 9126
// §2.4 lets a server accept from a client that authenticated at the PAR
// endpoint a redirect_uri it never registered ("the authorization server
// MAY allow such clients to specify redirect_uri values that were not
// previously registered"); a public client is not such a client.
var parPublic = []vocab.Feature{vocab.FeaturePAR, vocab.FeaturePublicClient, vocab.FeatureAuthCode}

var pushedRequestValidated = &suite.Check{
	ID: "rfc9126-2.1-pushed-request-validated", Spec: suite.RFC9126, Section: "2.1", Level: suite.Must,
	Requires: parPublic, Profiles: profiles,
	Title: "The PAR endpoint refuses a public client's pushed request whose redirect_uri the client did not register",
	Quote: "The authorization server MUST process the request as follows: ... 3. Validate the pushed request as it would an authorization request sent to the authorization endpoint. For example, the authorization server checks whether the redirect URI matches one of the redirect URIs configured for the client",
	Run:   runPushedRequestValidated,
}

// runPushedRequestValidated pushes a public client's request (the
// baseline), then the same request with a redirect_uri it did not register.
func runPushedRequestValidated(ctx context.Context, t *suite.T) error {
	base, err := pushPublic(ctx, t)
	if err != nil {
		return err
	}
	res, err := t.Push(ctx, base.Pushed, func(form url.Values) {
		form.Set("redirect_uri", base.Pushed.Client.RedirectURI+"/not-registered")
	})
	if err != nil {
		return err
	}
	if res.Status < 400 || res.Status >= 500 {
		return expect.Fail(res, "HTTP 400 invalid_request", fmt.Sprintf("HTTP %d%s", res.Status, expect.BodyHint(res)),
			"the PAR endpoint did not refuse a pushed request whose redirect_uri is not registered for the client").
			WithFix("validate the pushed parameters as the authorization endpoint does, redirect_uri first, and answer invalid_request").
			WithEvidence(base.Res.Exchange)
	}
	return nil
}

var requestURIRefused = &suite.Check{
	ID: "rfc9126-2.1-request-uri-refused", Spec: suite.RFC9126, Section: "2.1", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title: "The PAR endpoint refuses a pushed request that carries a request_uri",
	Quote: "The authorization server MUST process the request as follows: ... 2. Reject the request if the request_uri authorization request parameter is provided.",
	Run:   runRequestURIRefused,
}

// runRequestURIRefused pushes the client's request (the baseline), then the
// same request with the request_uri the first push issued added.
func runRequestURIRefused(ctx context.Context, t *suite.T) error {
	base, err := push(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	res, err := t.Push(ctx, base.Pushed, func(form url.Values) { form.Set("request_uri", base.RequestURI) })
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		return expect.Fail(res, "HTTP 400 invalid_request", fmt.Sprintf("HTTP %d%s", res.Status, expect.BodyHint(res)),
			"the PAR endpoint accepted a pushed request carrying a request_uri").
			WithFix("refuse pushed requests that carry request_uri with invalid_request: a request_uri is what the PAR endpoint issues, never what it takes").
			WithEvidence(base.Res.Exchange)
	}
	_, err = expect.OAuthError(res, []int{http.StatusBadRequest})
	return expect.Evidence(expect.WithFix(err, "answer a pushed request carrying request_uri with HTTP 400 and an RFC 6749 §5.2 error such as invalid_request"), base.Res.Exchange)
}

var validatedAtAuthorization = &suite.Check{
	ID: "rfc9126-2.1-validated-at-authorization", Spec: suite.RFC9126, Section: "2.1", Level: suite.Must,
	Requires: parPublic, Profiles: profiles,
	Title: "A public client's pushed request with an unregistered redirect_uri gets no code: refused at the PAR endpoint or at the authorization endpoint",
	Quote: "The authorization server MAY omit validation steps that it is unable to perform when processing the pushed request; however, such checks MUST then be performed when processing the authorization request at the authorization endpoint.",
	Run:   runValidatedAtAuthorization,
}

// runValidatedAtAuthorization pushes a public client's request with a
// redirect_uri the client did not register (parPublic). A PAR endpoint that refuses it
// validated it; one that accepts it leaves the check to the authorization
// endpoint, which must not send a code there.
func runValidatedAtAuthorization(ctx context.Context, t *suite.T) error {
	base, err := pushPublic(ctx, t)
	if err != nil {
		return err
	}
	r := *base.Pushed
	r.RedirectURI = r.Client.RedirectURI + "/not-registered"
	res, err := t.Push(ctx, &r, nil)
	if err != nil {
		return err
	}
	var body struct {
		RequestURI string `json:"request_uri"`
	}
	if res.Status/100 == 4 {
		t.Logf("the PAR endpoint refused the pushed request (HTTP %d%s): it validated the redirect_uri itself", res.Status, expect.BodyHint(res))
		return nil
	}
	if res.Status/100 != 2 || json.Unmarshal(res.Body, &body) != nil || body.RequestURI == "" {
		return suite.SkipErr("the PAR endpoint answered HTTP %d%s, neither a refusal nor a request_uri: whether it validated the redirect_uri is not seen", res.Status, expect.BodyHint(res))
	}
	a := r
	a.RequestURI = body.RequestURI
	az, err := t.TryAuthorize(ctx, &a)
	if err != nil {
		return err
	}
	if az.Param("code") == "" {
		// No code: for the redirect_uri only if the registered one gets
		// a code with a pushed request.
		if _, err := authorized(ctx, t, base); err != nil {
			return err
		}
		return nil
	}
	if az.Param("code") != "" {
		return expect.Fail(az.Last, "no code: the redirect_uri validated at the authorization endpoint, since the PAR endpoint did not",
			"a code delivered to "+redacted(az),
			"the PAR endpoint accepted a redirect_uri the client did not register, and the authorization endpoint sent a code to it").
			WithFix("validate every pushed parameter at the PAR endpoint (redirect_uri first), or else at the authorization endpoint when the request_uri is used").
			WithEvidence(res.Exchange)
	}
	return nil
}
