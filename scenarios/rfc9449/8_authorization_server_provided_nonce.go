package rfc9449

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

func nonceChecks() []*suite.Check {
	return []*suite.Check{oneNonceHeader, nonceMismatch}
}

var nonceMismatch = &suite.Check{
	ID: "rfc9449-8-nonce-mismatch-refused", Spec: suite.RFC9449, Section: "8", Level: suite.Must,
	Requires: atToken, Profiles: profiles,
	Title: "A server that asks for a DPoP nonce refuses a proof with another nonce, and accepts its own",
	Quote: "If the nonce claim in the DPoP proof does not exactly match a nonce recently supplied by the authorization server to the client, the authorization server MUST reject the request.",
	Run:   runNonceMismatch,
}

func runNonceMismatch(ctx context.Context, t *suite.T) error {
	h, first, err := nonceAsked(ctx, t, "RFC 9449 §8 makes nonces optional")
	if err != nil {
		return err
	}
	nonce := first.Header.Get("DPoP-Nonce")
	res, err := h.redeemOnce(ctx, t, dpop.Proof{Nonce: nonce + "-other"}, "redeem another authorization code with a DPoP proof carrying another nonce")
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return expect.Fail(res, "a refusal (HTTP 400 use_dpop_nonce)", "HTTP 200",
			"the token endpoint asked for a nonce and accepted a proof with a nonce it never supplied").
			WithEvidence(first.Exchange).WithFix("compare the proof's nonce claim with the nonces the server supplied")
	}
	ctl, err := h.redeemOnce(ctx, t, dpop.Proof{Nonce: nonce}, "redeem another authorization code with a proof carrying the server's nonce (control)")
	if err != nil {
		return err
	}
	if ctl.Status != http.StatusOK {
		return suite.SkipErr("a proof with the nonce the server supplied was refused too (HTTP %d: %s): the refusal proves nothing", ctl.Status, ctl.Snippet())
	}
	return nil
}

var oneNonceHeader = &suite.Check{
	ID: "rfc9449-8-one-nonce-header", Spec: suite.RFC9449, Section: "8", Level: suite.MustNot,
	Requires: atToken, Profiles: profiles,
	Title: "A use_dpop_nonce response of the token endpoint carries one DPoP-Nonce header field",
	Quote: "Other HTTP headers and JSON fields MAY also be included in the error response, but there MUST NOT be more than one DPoP-Nonce header.",
	Run:   runOneNonceHeader,
}

func runOneNonceHeader(ctx context.Context, t *suite.T) error {
	_, res, err := nonceAsked(ctx, t, "RFC 9449 §8 makes nonces optional")
	if err != nil {
		return err
	}
	if n := len(res.Header.Values("DPoP-Nonce")); n > 1 {
		return expect.Fail(res, "one DPoP-Nonce header field", fmt.Sprintf("%d DPoP-Nonce header fields", n),
			"the use_dpop_nonce response carries %d DPoP-Nonce header fields: the client cannot tell which nonce to use", n).
			WithFix("send exactly one DPoP-Nonce header with the nonce the next proof must carry")
	}
	return nil
}

// nonceAsked redeems a code with a proof of a fresh key without a nonce
// (a fresh holder has none, and the request is not sent again with the
// nonce the server asks for): the server asks for one (use_dpop_nonce with
// DPoP-Nonce), or the check SKIPs, saying why (rule) that binds no such
// server.
func nonceAsked(ctx context.Context, t *suite.T, rule string) (*holder, *httpx.Result, error) {
	h, err := newHolder(t)
	if err != nil {
		return nil, nil, err
	}
	first, err := h.redeemOnce(ctx, t, dpop.Proof{}, "redeem an authorization code with a DPoP proof without a nonce")
	if err != nil {
		return nil, nil, err
	}
	if !dpop.AsksNonce(first) {
		return nil, nil, suite.SkipErr("the token endpoint asks for no DPoP nonce (no use_dpop_nonce with DPoP-Nonce; HTTP %d): %s", first.Status, rule)
	}
	return h, first, nil
}

// redeemOnce redeems a new code of the run's confidential client with the
// proof p, sent once: no nonce but p's, no retry.
func (h *holder) redeemOnce(ctx context.Context, t *suite.T, p dpop.Proof, note string) (*httpx.Result, error) {
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return nil, err
	}
	return dpop.Once(ctx, t.HTTP, h.key, dpop.Request{Build: tokenRequest(t, g.Client, g.Request.RedeemForm(g.Code)), Proof: p, Note: note})
}
