package rfc6749

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// responseTypeChecks returns the checks of RFC 6749 §3.1.1, Response Type.
func responseTypeChecks() []*suite.Check {
	return []*suite.Check{unsupportedResponseType}
}

var unsupportedResponseType = &suite.Check{
	ID: "rfc6749-3.1.1-unsupported-response-type", Spec: suite.RFC6749, Section: "3.1.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An unknown response_type is redirected with an error (unsupported_response_type, or another code whose definition fits)",
	Quote: "If an authorization request is missing the \"response_type\" parameter, or if the response type is not understood, the authorization server MUST return an error response as described in Section 4.1.2.1.",
	Run:   runUnsupportedResponseType,
}

// runUnsupportedResponseType sends response_type=authspec_unknown and wants
// an error response of RFC 6749 §4.1.2.1. Its code is the server's to
// choose among those whose definition fits: unsupported_response_type
// names the case, but an unknown type is also one the client "is not
// authorized to request" (unauthorized_client, zitadel/oidc's answer, the
// variant unknown-response-type-unauthorized-client) and "an invalid
// parameter value" (invalid_request).
func runUnsupportedResponseType(ctx context.Context, t *suite.T) error {
	q, res, err := errorRedirect(ctx, t, url.Values{"response_type": {"authspec_unknown"}}, false)
	if err != nil {
		return err
	}
	switch q.Get("error") {
	case "unsupported_response_type":
		return nil
	case "unauthorized_client", "invalid_request":
		t.Logf("the unknown response_type was refused with error=%s; unsupported_response_type is the code RFC 6749 §4.1.2.1 defines for it, but the definition of %s fits it too", q.Get("error"), q.Get("error"))
		return nil
	}
	got := "error=" + q.Get("error")
	switch {
	case q.Get("code") != "":
		got = "an authorization code"
	case res.pushed:
		got = expect.Outcome(res.last) + " from the PAR endpoint"
	}
	return expect.Fail(res.last, "error=unsupported_response_type", got, "an unknown response_type was not refused as RFC 6749 says")
}
