package rfc9449

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

func registrationChecks() []*suite.Check {
	return []*suite.Check{boundClientNeedsProof}
}

var boundClientNeedsProof = &suite.Check{
	ID: "rfc9449-5.2-bound-client-needs-proof", Spec: suite.RFC9449, Section: "5.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDPoP, vocab.FeatureDCR, vocab.FeatureAuthCode, vocab.FeatureNonInteractive}, Profiles: profiles,
	Title: "A client registered with dpop_bound_access_tokens true gets no tokens without a DPoP proof",
	Quote: "If the value is true, the authorization server MUST reject token requests from the client that do not contain the DPoP header.",
	Run:   runBoundClientNeedsProof,
}

// runBoundClientNeedsProof registers a client with dpop_bound_access_tokens
// true, redeems a code of it with a proof (the control), then another
// without a DPoP header.
func runBoundClientNeedsProof(ctx context.Context, t *suite.T) error {
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"dpop_bound_access_tokens": true}))
	if err != nil {
		return err
	}
	if r.Info["dpop_bound_access_tokens"] != true {
		return suite.SkipErr("the registration response does not give dpop_bound_access_tokens true (%s): the server did not take the member, which RFC 7591 §2 lets it ignore", expect.Describe(r.Info["dpop_bound_access_tokens"]))
	}
	if _, _, err := boundHolder(ctx, t, r.Client, nil); err != nil {
		return err
	}
	_, res, err := t.RedeemNew(ctx, r.Client, nil)
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400)", fmt.Sprintf("HTTP %d", res.Status),
			"a client registered with dpop_bound_access_tokens true redeemed a code without a DPoP header").
			WithEvidence(r.Res.Exchange).
			WithFix("refuse every token request without a DPoP proof from a client whose registration says dpop_bound_access_tokens true")
	}
	return nil
}
