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
	conf := []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc6749-3.1.1-unsupported-response-type", Spec: suite.RFC6749, Section: "3.1.1", Level: suite.Must,
			Requires: conf, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "An unknown response_type is redirected as unsupported_response_type",
			Quote: "If an authorization request is missing the \"response_type\" parameter, or if the response type is not understood, the authorization server MUST return an error response as described in Section 4.1.2.1.",
			Run:   runUnsupportedResponseType,
		},
	}
}

func runUnsupportedResponseType(ctx context.Context, t *suite.T) error {
	q, res, err := errorRedirect(ctx, t, url.Values{"response_type": {"authspec_unknown"}}, false)
	if err != nil {
		return err
	}
	if q.Get("error") != "unsupported_response_type" {
		got := "error=" + q.Get("error")
		switch {
		case q.Get("code") != "":
			got = "an authorization code"
		case res.pushed:
			got = expect.Outcome(res.last) + " from the PAR endpoint"
		}
		return expect.Fail(res.last, "error=unsupported_response_type", got, "an unknown response_type was not refused as RFC 6749 says")
	}
	return nil
}
