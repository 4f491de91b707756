package rfc7662

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// errorChecks returns the checks of RFC 7662 §2.3, Error Response.
func errorChecks() []*suite.Check {
	return []*suite.Check{invalidClient401}
}

var invalidClient401 = &suite.Check{
	ID: "rfc7662-2.3-invalid-client-401", Spec: suite.RFC7662, Section: "2.3", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Introspection with wrong client credentials (HTTP Basic) answers 401 invalid_client",
	Quote: "If the protected resource uses OAuth 2.0 client credentials to authenticate to the introspection endpoint and its credentials are invalid, the authorization server responds with an HTTP 401 (Unauthorized) as described in Section 5.2 of OAuth 2.0 [RFC6749].",
	Keywordless: "RFC 7662 §2.3 states the response in the indicative and refers to RFC 6749 §5.2, which defines invalid_client for failed client authentication and makes 401 a MUST " +
		"for a client that authenticated with the Authorization header (HTTP Basic, which RFC 6749 §2.3.1 obliges every server to support for clients with a password)",
	Run: runInvalidClient401,
}

func runInvalidClient401(ctx context.Context, t *suite.T) error {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	// The sentence binds a caller that authenticates with client
	// credentials: the client's own credentials must be taken first.
	base, err := introspect(ctx, t, c, token, nil, "introspect with the client's credentials (control)")
	if err != nil {
		return err
	}
	if err := authorizedCall(base); err != nil {
		return err
	}
	wrong := *c
	wrong.Secret = "authspec-wrong-secret"
	wrong.AuthMethod = "client_secret_basic"
	res, err := introspect(ctx, t, &wrong, token, nil, "introspect with a wrong client secret (HTTP Basic)")
	if err != nil {
		return err
	}
	if _, err := expect.OAuthError(res, []int{http.StatusUnauthorized}, "invalid_client"); err != nil {
		return expect.WithFix(err, "answer invalid client credentials at the introspection endpoint with 401 invalid_client (RFC 6749 §5.2)")
	}
	return nil
}
