package rfc9449

import (
	"context"
	"fmt"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
)

func replayChecks() []*suite.Check {
	return []*suite.Check{oldProof, futureProof, jtiReplay}
}

var oldProof = &suite.Check{
	ID: "rfc9449-11.1-old-proof-refused", Spec: suite.RFC9449, Section: "11.1", Level: suite.Must,
	Requires: atToken, Profiles: profiles,
	Title: "The token endpoint refuses a DPoP proof created a day ago",
	Quote: "To limit this, servers MUST only accept DPoP proofs for a limited time after their creation (preferably only for a relatively brief period on the order of seconds or minutes).",
	Run:   runOldProof,
}

func runOldProof(ctx context.Context, t *suite.T) error {
	h, _, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	res, err := h.redeem(ctx, t, nil, nil, dpop.Proof{IssuedAt: time.Now().Add(-24 * time.Hour)}, "redeem another authorization code with a DPoP proof whose iat is a day old")
	if err != nil {
		return err
	}
	if refused(res) {
		return nil
	}
	if h.nonces.Any() {
		return suite.SkipErr("the server accepted the day-old iat with its own fresh nonce: RFC 9449 §11.1 lets a server tell a proof's creation time by its nonce instead of iat")
	}
	return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d", res.Status),
		"the token endpoint accepted a DPoP proof created a day ago").
		WithFix("accept a proof only within a short window (seconds or minutes) around its iat")
}

var futureProof = &suite.Check{
	ID: "rfc9449-11.1-future-proof-refused", Spec: suite.RFC9449, Section: "11.1", Level: suite.May,
	Requires: atToken, Profiles: profiles,
	Title: "The token endpoint refuses a DPoP proof whose iat is a day in the future",
	Quote: "Note: To accommodate for clock offsets, the server MAY accept DPoP proofs that carry an iat time in the reasonably near future (on the order of seconds or minutes).",
	Run:   runFutureProof,
}

// runFutureProof judges the bound of the MAY: seconds or minutes of clock
// offset are lawful, a day is not (a proof made today would serve
// tomorrow, RFC 9449 §11.2).
func runFutureProof(ctx context.Context, t *suite.T) error {
	h, _, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	res, err := h.redeem(ctx, t, nil, nil, dpop.Proof{IssuedAt: time.Now().Add(24 * time.Hour)}, "redeem another authorization code with a DPoP proof whose iat is a day ahead")
	if err != nil {
		return err
	}
	if refused(res) {
		return nil
	}
	if h.nonces.Any() {
		return suite.SkipErr("the server accepted the iat a day ahead with its own fresh nonce: RFC 9449 §11.1 lets a server tell a proof's creation time by its nonce instead of iat")
	}
	return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d", res.Status),
		"the token endpoint accepted a DPoP proof whose iat is a day in the future: RFC 9449 §11.1 allows seconds or minutes of clock offset").
		WithFix("accept an iat in the future only within a small clock skew (seconds or minutes)")
}

var jtiReplay = &suite.Check{
	ID: "rfc9449-11.1-jti-replay-declined", Spec: suite.RFC9449, Section: "11.1", Level: suite.Should,
	Requires: atToken, Profiles: profiles,
	Title:       "The token endpoint declines a second proof with the jti of one it accepted",
	Quote:       "HTTP requests to the same URI for which the jti value has been seen before would be declined.",
	Keywordless: "RFC 9449 §11.1 describes single-use jti as the protection against proof replay without a keyword (\"servers can store the jti value\", \"may not always be feasible in practice\"): an observation, a WARN",
	Run:         runJTIReplay,
}

func runJTIReplay(ctx context.Context, t *suite.T) error {
	h, err := newHolder(t)
	if err != nil {
		return err
	}
	jti := "authspec-replay-" + h.key.JKT[:16]
	res, err := h.redeem(ctx, t, nil, nil, dpop.Proof{JTI: jti}, "redeem an authorization code with a DPoP proof (control)")
	if err != nil {
		return err
	}
	if res.Status != 200 {
		return suite.SkipErr("the token request with a valid DPoP proof failed (HTTP %d: %s): there is nothing to compare with", res.Status, res.Snippet())
	}
	res, err = h.redeem(ctx, t, nil, nil, dpop.Proof{JTI: jti}, "redeem another authorization code with a proof carrying the same jti")
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d", res.Status),
			"the token endpoint accepted a second DPoP proof with the jti of one it accepted before").AsObservation().
			WithFix("remember the jti of each accepted proof for as long as its iat is accepted, and decline a repeat")
	}
	return nil
}
