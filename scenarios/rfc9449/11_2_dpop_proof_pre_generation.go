package rfc9449

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
)

// longLived is the lifetime above which a DPoP-bound access token is
// long-lived beyond doubt: RFC 9449 §11.2 gives no bound, and a day is
// twenty-four times the "one hour or less" RFC 6750 §5.3 calls short-lived
// for bearer tokens.
const longLived = 24 * time.Hour

func pregenerationChecks() []*suite.Check {
	return []*suite.Check{shortLivedWithoutNonce}
}

var shortLivedWithoutNonce = &suite.Check{
	ID: "rfc9449-11.2-short-lived-without-nonce", Spec: suite.RFC9449, Section: "11.2", Level: suite.ShouldNot,
	Requires: atResource, Profiles: profiles,
	Title: "Without DPoP nonces, DPoP-bound access tokens live a day or less",
	Quote: "Deployments that do not utilize the nonce mechanism SHOULD NOT issue long-lived DPoP constrained access tokens, preferring instead to use short-lived access tokens and refresh tokens.",
	Run:   runShortLivedWithoutNonce,
}

// runShortLivedWithoutNonce reads expires_in of a DPoP-bound access token
// of a deployment whose token endpoint and resource both ask for no nonce.
func runShortLivedWithoutNonce(ctx context.Context, t *suite.T) error {
	h, ts, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	if !strings.EqualFold(ts.TokenType, "DPoP") {
		return suite.SkipErr("the server answered token_type %q to a token request with a DPoP proof: the access token is not DPoP-bound", ts.TokenType)
	}
	res, err := h.resourceCall(ctx, t, ts.AccessToken, dpop.Proof{}, "call the resource with the DPoP-bound token and a valid proof (does it ask for a nonce?)")
	if err != nil {
		return err
	}
	if !probe.Accepted(res) {
		return suite.SkipErr("the resource %s answered HTTP %d to a DPoP-bound token with a valid proof: whether the deployment uses nonces is not known", t.Target.Resource, res.Status)
	}
	if h.nonces.Any() {
		// The sentence binds deployments without nonces: this one meets it
		// whatever its tokens' lifetime.
		t.Logf("the deployment uses DPoP nonces (the token endpoint or the resource sent DPoP-Nonce): RFC 9449 §11.2 bounds the lifetime of tokens only without them")
		return nil
	}
	var body struct {
		ExpiresIn *json.Number `json:"expires_in"`
	}
	if json.Unmarshal(ts.Result.Body, &body) != nil || body.ExpiresIn == nil {
		return suite.SkipErr("the token response has no numeric expires_in: the lifetime of the DPoP-bound access token is not known")
	}
	secs, err := body.ExpiresIn.Float64()
	if err != nil {
		return suite.SkipErr("expires_in %s is not a number of seconds", body.ExpiresIn.String())
	}
	if life := time.Duration(secs * float64(time.Second)); life > longLived {
		return expect.Fail(ts.Result, fmt.Sprintf("expires_in <= %d (a day) without DPoP nonces", int(longLived.Seconds())), "expires_in = "+body.ExpiresIn.String(),
			"the deployment uses no DPoP nonces and issues DPoP-bound access tokens for %s: a proof made in advance (RFC 9449 §11.2) serves as long", life).
			WithFix("issue short-lived DPoP-bound access tokens with refresh tokens, or require DPoP nonces (RFC 9449 §8, §9)")
	}
	return nil
}
