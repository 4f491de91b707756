package rfc6749

import (
	"context"
	"fmt"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// clientAuthenticationChecks returns the checks of RFC 6749 §2.3, Client
// Authentication.
func clientAuthenticationChecks() []*suite.Check {
	return []*suite.Check{singleAuthMethod}
}

var singleAuthMethod = &suite.Check{
	ID: "rfc6749-2.3-single-auth-method", Spec: suite.RFC6749, Section: "2.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A request using more than one client authentication method is refused as invalid_request (or invalid_client); one accepted is reported as an observation",
	Quote: "The client MUST NOT use more than one authentication method in each request.",
	Keywordless: "The MUST NOT of §2.3 binds the client, and §2.3 lets the server \"accept any form of client authentication meeting its security requirements\", " +
		"so accepting a request with two methods is reported as an observation (WARN). RFC 6749 §5.2 defines the error code of the refusal " +
		"(\"error REQUIRED. A single ASCII error code from the following\"): invalid_request is a request that \"utilizes more than one mechanism for authenticating the client\", " +
		"so a server that refuses must answer invalid_request (or invalid_client, the code of a failed authentication).",
	Run: runSingleAuthMethod,
}

func runSingleAuthMethod(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	c := withBasic(src.Client)
	res, err := src.Send(ctx, c, func(form url.Values) { form.Set("client_secret", c.Secret) }, "HTTP Basic and client_secret in the body together")
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		if unread, err := secretInBodyUnread(ctx, t, src); err != nil || unread != nil {
			if err != nil {
				return err
			}
			return suite.SkipErr("the server does not read client_secret from the body (it does not advertise client_secret_post, and the secret in the body alone is refused: %s), "+
				"so the body's client_secret was an unrecognized parameter, ignored as RFC 6749 §3.2 requires", outcomeOf(unread))
		}
		return expect.Fail(res, "error=invalid_request", "the request accepted",
			"a request authenticating the client twice (HTTP Basic and client_secret in the body) was accepted; RFC 6749 §5.2 calls such a request invalid_request, although §2.3 lets the server accept the client authentication it wants").
			WithFix("refuse requests that carry client credentials both in the Authorization header and in the body, with 400 error=invalid_request").AsObservation()
	}
	base, err := src.Confirm(ctx)
	if err != nil {
		return err
	}
	if code := expect.ErrorCode(res); code != "invalid_request" && code != "invalid_client" {
		return expect.Fail(res, "error=invalid_request (or invalid_client)", fmt.Sprintf("HTTP %d error=%q", res.Status, code),
			"the request with two authentication methods was refused with an error code that does not say why").
			WithEvidence(base.Exchange).
			WithFix("answer a request that uses more than one client authentication method with 400 error=invalid_request")
	}
	return nil
}

// secretInBodyUnread is the refusal of the same request with the secret in
// the body alone, by a server that does not advertise client_secret_post
// (optional: RFC 6749 §2.3.1 "MAY"); nil when it advertises it or accepts
// the request. To a server that does not read client_secret from the body
// the parameter is unrecognized, and ignoring it is what RFC 6749 §3.2
// requires: the request used one method.
func secretInBodyUnread(ctx context.Context, t *suite.T, src *tokenreq.Source) (*httpx.Result, error) {
	if post, _ := t.Target.Has(vocab.FeatureSecretPost); post {
		return nil, nil
	}
	c := *src.Client
	c.AuthMethod = "client_secret_post"
	res, err := src.Send(ctx, &c, nil, "the same request with client_secret in the body alone (the server does not advertise client_secret_post)")
	if err != nil || src.Accepted(res) {
		return nil, err
	}
	return res, nil
}
