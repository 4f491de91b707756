package rfc9126

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// requestChecks returns the checks of RFC 9126 §2.1, Request.
func requestChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9126-2.1-client-authenticated", Spec: suite.RFC9126, Section: "2.1", Level: suite.Must,
			Requires: par, Profiles: profiles,
			Title: "The PAR endpoint refuses a confidential client without its credentials, or with a wrong secret",
			Quote: "The authorization server MUST process the request as follows: 1. Authenticate the client in the same way as at the token endpoint (Section 2.3 of [RFC6749]).",
			Run:   runClientAuthenticated,
		},
		{
			ID: "rfc9126-2.1-pushed-request-validated", Spec: suite.RFC9126, Section: "2.1", Level: suite.Must,
			Requires: par, Profiles: profiles,
			Title: "The PAR endpoint refuses a pushed request whose redirect_uri the client did not register",
			Quote: "The authorization server MUST process the request as follows: ... 3. Validate the pushed request as it would an authorization request sent to the authorization endpoint. For example, the authorization server checks whether the redirect URI matches one of the redirect URIs configured for the client",
			Run:   runPushedRequestValidated,
		},
	}
}

// runClientAuthenticated pushes the client's request with its credentials
// (the baseline), then without them and with a wrong secret.
func runClientAuthenticated(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	base, err := push(ctx, t, c, nil)
	if err != nil {
		return err
	}
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

func runPushedRequestValidated(ctx context.Context, t *suite.T) error {
	base, err := push(ctx, t, nil, nil)
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
