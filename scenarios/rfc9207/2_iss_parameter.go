package rfc9207

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// issChecks returns the checks of RFC 9207 §2, Response Parameter iss.
func issChecks() []*suite.Check {
	conf := []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc9207-2-iss-parameter", Spec: suite.RFC9207, Section: "2", Level: suite.Must,
			Requires: append(conf, vocab.FeatureIssParameter), Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
			Title: "Authorization responses carry iss equal to the issuer when metadata advertises it",
			Quote: "Authorization servers supporting this specification MUST provide their issuer identifier to clients in the authorization response ... The iss parameter value is the issuer identifier of the authorization server",
			Run:   runIssParameter,
		},
	}
}

func runIssParameter(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := t.Authorize(ctx, t.NewAuthRequest(c))
	if err != nil {
		return err
	}
	if res.Callback == nil {
		return suite.SkipErr("the authorization did not come back to the client")
	}
	if got := res.Callback.Query().Get("iss"); got != t.Target.Metadata.Issuer {
		return expect.Fail(res.Last, "iss="+t.Target.Metadata.Issuer, fmt.Sprintf("iss=%q", got),
			"clients that check iss (mix-up defence) reject the response").
			WithFix("add iss=<issuer> to every authorization response, success and error")
	}
	return nil
}
