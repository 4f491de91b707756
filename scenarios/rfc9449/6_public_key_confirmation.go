package rfc9449

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
)

// confirmationChecks returns the checks of RFC 9449 §6, Public Key
// Confirmation.
func confirmationChecks() []*suite.Check {
	return []*suite.Check{keyMismatch}
}

var keyMismatch = &suite.Check{
	ID: "rfc9449-6-key-mismatch-refused", Spec: suite.RFC9449, Section: "6", Level: suite.Must,
	Requires: atResource, Profiles: profiles,
	Title: "The resource refuses a DPoP-bound access token with a valid proof signed by another key",
	Quote: "Resource servers supporting DPoP MUST ensure that the public key from the DPoP proof matches the one bound to the access token.",
	Run:   runKeyMismatch,
}

// runKeyMismatch presents the token bound to one key with a proof that is
// right in every claim (htm, htu, ath, the resource's nonce) but signed by
// a second key: the control is the same call with the bound key.
func runKeyMismatch(ctx context.Context, t *suite.T) error {
	_, token, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	other, err := newHolder(t)
	if err != nil {
		return err
	}
	res, err := other.resourceCall(ctx, t, token, dpop.Proof{}, "call the resource with the DPoP-bound token and a proof signed by another key")
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return expect.Fail(res, "HTTP 401 with a DPoP challenge", fmt.Sprintf("HTTP %d", res.Status),
			"the resource accepted a DPoP proof signed by another key than the one the access token is bound to: a stolen token works with any key").
			WithFix("compare the JWK SHA-256 thumbprint of the proof's key with the token's cnf.jkt")
	}
	return nil
}
