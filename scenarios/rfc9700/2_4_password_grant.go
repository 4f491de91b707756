package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// passwordGrantChecks returns the checks of RFC 9700 §2.4, Resource Owner
// Password Credentials Grant.
func passwordGrantChecks() []*suite.Check {
	return []*suite.Check{noPasswordGrant}
}

var noPasswordGrant = &suite.Check{
	ID: "rfc9700-2.4-no-password-grant", Spec: suite.RFC9700, Section: "2.4", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "The token endpoint does not offer the resource owner password credentials grant",
	Quote: "The resource owner password credentials grant [RFC6749] MUST NOT be used.",
	Keywordless: "The sentence is passive: the grant involves the server, which issues the tokens, as much as the client, which sends the password; " +
		"a server that issues tokens for it (or judges the password, error=invalid_grant) uses it. A grant advertised but refused is rfc8414-2-grant-types-not-refused's concern.",
	Run: runNoPasswordGrant,
}

func runNoPasswordGrant(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := url.Values{"grant_type": {"password"}, "username": {"authspec-nobody"}, "password": {"authspec-" + fixture.RandomState()}}
	res, err := t.Token(ctx, c, form, "try the password grant with made-up credentials")
	if err != nil {
		return err
	}
	code := expect.ErrorCode(res)
	switch {
	case res.Status == http.StatusOK:
		return expect.Fail(res, "error=unsupported_grant_type", "HTTP 200 with tokens",
			"the server issues tokens for a person's password sent by the client").
			WithFix("remove the password grant")
	case code == "invalid_grant":
		return expect.Fail(res, "error=unsupported_grant_type", "error=invalid_grant",
			"the server judged the made-up username and password (invalid_grant is the answer to wrong resource owner credentials, RFC 6749 §5.2), so it runs the password grant").
			WithFix("remove the password grant")
	case code == "unsupported_grant_type" || code == "unauthorized_client":
		return nil
	}
	// Another answer: the password grant is not offered if the server
	// answers a grant it does not know the same way.
	form.Set("grant_type", "urn:authspec:unknown-grant")
	ctl, err := t.Token(ctx, c, form, "control: the same request with a grant type no server knows")
	if err != nil {
		return err
	}
	if ctl.Status == res.Status && expect.ErrorCode(ctl) == code {
		t.Logf("the password grant is answered HTTP %d error=%q, as an unknown grant type: not offered (the error code is rfc6749-5.2-unsupported-grant-type's concern)", res.Status, code)
		return nil
	}
	return expect.Fail(res, "error=unsupported_grant_type, as for a grant type no server knows", fmt.Sprintf("HTTP %d error=%q (an unknown grant: HTTP %d error=%q)", res.Status, code, ctl.Status, expect.ErrorCode(ctl)),
		"the password grant is refused differently from a grant type the server does not know, so authspec cannot tell whether the server offers it").
		WithEvidence(ctl.Exchange).
		WithFix("answer grant_type=password with 400 error=unsupported_grant_type").AsObservation()
}
