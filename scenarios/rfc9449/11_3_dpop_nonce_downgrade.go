package rfc9449

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
)

func downgradeChecks() []*suite.Check {
	return []*suite.Check{nonceDowngrade}
}

var nonceDowngrade = &suite.Check{
	ID: "rfc9449-11.3-nonce-required-once-given", Spec: suite.RFC9449, Section: "11.3", Level: suite.MustNot,
	Requires: atToken, Profiles: profiles,
	Title: "Once the token endpoint has given a key a DPoP nonce, it refuses that key's proofs without one",
	Quote: "A server MUST NOT accept any DPoP proofs without the nonce claim when a DPoP nonce has been provided to the client.",
	Run:   runNonceDowngrade,
}

// runNonceDowngrade takes the server's nonce with a first proof, shows
// that a proof with it works (the control), then sends a proof of the
// same key without a nonce claim.
func runNonceDowngrade(ctx context.Context, t *suite.T) error {
	h, first, err := nonceAsked(ctx, t, "RFC 9449 §11.3 binds a server that provides one")
	if err != nil {
		return err
	}
	ctl, err := h.redeemOnce(ctx, t, dpop.Proof{Nonce: first.Header.Get("DPoP-Nonce")}, "redeem another authorization code with a proof carrying the server's nonce (control)")
	if err != nil {
		return err
	}
	if ctl.Status != http.StatusOK {
		return suite.SkipErr("a proof with the nonce the server supplied was refused (HTTP %d: %s): nothing to compare with", ctl.Status, ctl.Snippet())
	}
	res, err := h.redeemOnce(ctx, t, dpop.Proof{}, "redeem another authorization code with a proof of the same key without a nonce claim")
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400 use_dpop_nonce)", fmt.Sprintf("HTTP %d", res.Status),
			"the token endpoint provided a DPoP nonce, then accepted a proof without a nonce claim").
			WithEvidence(first.Exchange).WithFix("once nonces are in use, refuse every proof without a nonce claim with use_dpop_nonce and a fresh DPoP-Nonce")
	}
	return nil
}
