package rfc9449

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

func codeBindingChecks() []*suite.Check {
	return []*suite.Check{dpopJKTMismatch}
}

var dpopJKTMismatch = &suite.Check{
	ID: "rfc9449-10-dpop-jkt-mismatch-refused", Spec: suite.RFC9449, Section: "10", Level: suite.Must,
	Requires: atToken, Profiles: profiles,
	Title: "A code requested with dpop_jkt is not redeemed with a proof of another key",
	Quote: "When a token request is received, the authorization server computes the JWK Thumbprint of the proof-of-possession public key in the DPoP proof and verifies that it matches the dpop_jkt parameter value in the authorization request. If they do not match, it MUST reject the request.",
	Run:   runDPoPJKTMismatch,
}

func runDPoPJKTMismatch(ctx context.Context, t *suite.T) error {
	// dpop_jkt is OPTIONAL but for "an authorization server that supports
	// PAR and DPoP" (§10.1): elsewhere an unknown parameter, ignored.
	if ok, _ := t.Target.Has(vocab.FeaturePAR); !ok {
		return suite.SkipErr("the server names no pushed authorization request endpoint: RFC 9449 §10.1 obliges only a server that supports PAR and DPoP to support dpop_jkt, " +
			"and another may ignore it as an unrecognized parameter (RFC 6749 §3.1)")
	}
	h, err := newHolder(t)
	if err != nil {
		return err
	}
	if _, err := h.boundTokens(ctx, t, nil, withJKT(h.key.JKT)); err != nil {
		return err
	}
	other, err := newHolder(t)
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, nil, withJKT(h.key.JKT))
	if err != nil {
		return err
	}
	res, err := other.token(ctx, t, g.Client, g.Request.RedeemForm(g.Code), dpop.Proof{}, "redeem a code requested with dpop_jkt with a proof of another key")
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400)", fmt.Sprintf("HTTP %d", res.Status),
			"a code requested with the dpop_jkt of one key was redeemed with a DPoP proof of another key").
			WithFix("keep dpop_jkt with the code and compare it with the thumbprint of the proof's key at redemption")
	}
	return nil
}
