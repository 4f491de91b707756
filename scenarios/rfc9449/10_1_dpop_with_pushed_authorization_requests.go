package rfc9449

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// atPAR are the features of the checks of pushed requests.
var atPAR = append([]vocab.Feature{vocab.FeaturePAR}, atToken...)

func parChecks() []*suite.Check {
	return []*suite.Check{parProofBindsCode, parJKTBindsCode, parJKTMismatch}
}

// withJKT adds dpop_jkt to an authorization request.
func withJKT(jkt string) func(*fixture.AuthRequest) {
	return func(r *fixture.AuthRequest) {
		if r.Extra == nil {
			r.Extra = map[string][]string{}
		}
		r.Extra.Set("dpop_jkt", jkt)
	}
}

// pushWith pushes the run's usual request of the confidential client,
// changed by adjust, with a proof of h's key (p its deviations) in the
// DPoP header, or without one when h is nil. It returns the request to
// send in its place (client_id and request_uri; nil when the push was
// refused) and the push's answer.
func pushWith(ctx context.Context, t *suite.T, h *holder, adjust func(*fixture.AuthRequest), p dpop.Proof, note string) (*fixture.AuthRequest, *httpx.Result, error) {
	r, err := t.AuthRequestFor(ctx, nil, adjust)
	if err != nil {
		return nil, nil, err
	}
	if r.State == "" && !r.NoState {
		r.State = fixture.RandomState()
	}
	var res *httpx.Result
	if h == nil {
		res, err = t.Push(ctx, r, nil)
	} else {
		build := formRequest(t.Target.Metadata.PushedAuthorizationRequestEndpoint, r.Client, r.PushForm())
		res, err = dpop.Do(ctx, t.HTTP, h.key, h.nonces, dpop.Request{Build: build, Proof: p, Note: note})
	}
	if err != nil {
		return nil, nil, err
	}
	var body struct {
		RequestURI string `json:"request_uri"`
	}
	if res.Status < 200 || res.Status > 299 || json.Unmarshal(res.Body, &body) != nil || body.RequestURI == "" {
		return nil, res, nil
	}
	a := *r
	a.RequestURI, a.Extra = body.RequestURI, nil
	return &a, res, nil
}

// pushedCode pushes as pushWith does and runs the authorization of the
// pushed request: SKIP when the push or the authorization fails (the
// control of the checks that a code is bound).
func pushedCode(ctx context.Context, t *suite.T, h *holder, adjust func(*fixture.AuthRequest), what string) (*fixture.AuthRequest, string, error) {
	a, res, err := pushWith(ctx, t, h, adjust, dpop.Proof{}, "push the authorization request "+what)
	if err != nil {
		return nil, "", err
	}
	if a == nil {
		return nil, "", suite.SkipErr("the pushed authorization request %s was refused (HTTP %d%s): no code to redeem", what, res.Status, expect.BodyHint(res))
	}
	code, _, err := t.Code(ctx, a)
	return a, code, err
}

// boundByPush is the body of the checks that a pushed request binds its
// code: a code pushed so (push) is redeemed with a proof of key (the
// control), and another, with a proof of a second key, is refused.
func boundByPush(ctx context.Context, t *suite.T, h *holder, push func() (*fixture.AuthRequest, string, error), what, fix string) error {
	a, code, err := push()
	if err != nil {
		return err
	}
	ctl, err := h.token(ctx, t, a.Client, a.RedeemForm(code), dpop.Proof{}, "redeem the code with a proof of the bound key (control)")
	if err != nil {
		return err
	}
	if ctl.Status != http.StatusOK {
		return suite.SkipErr("the code of a request pushed %s was not redeemed with a proof of the same key (HTTP %d: %s): nothing to compare with", what, ctl.Status, ctl.Snippet())
	}
	if a, code, err = push(); err != nil {
		return err
	}
	other, err := newHolder(t)
	if err != nil {
		return err
	}
	res, err := other.token(ctx, t, a.Client, a.RedeemForm(code), dpop.Proof{}, "redeem the code of another request pushed "+what+" with a proof of another key")
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d", res.Status),
			"the code of a request pushed %s was redeemed with a DPoP proof of another key", what).WithFix(fix)
	}
	return nil
}

var parProofBindsCode = &suite.Check{
	ID: "rfc9449-10.1-par-proof-binds-code", Spec: suite.RFC9449, Section: "10.1", Level: suite.Must,
	Requires: atPAR, Profiles: profiles,
	Title: "A DPoP proof sent with a pushed request is checked and binds the code to its key",
	Quote: "Alternatively, the DPoP header can be added to the PAR request. In this case, the authorization server MUST check the provided DPoP proof JWT as defined in Section 4.3. It MUST further behave as if the contained public key's thumbprint was provided using dpop_jkt, i.e., reject the subsequent token request unless a DPoP proof for the same key is provided.",
	Run:   runPARProofBindsCode,
}

func runPARProofBindsCode(ctx context.Context, t *suite.T) error {
	h, err := newHolder(t)
	if err != nil {
		return err
	}
	push := func() (*fixture.AuthRequest, string, error) { return pushedCode(ctx, t, h, nil, "with a DPoP proof") }
	if err := boundByPush(ctx, t, h, push, "with a DPoP proof",
		"bind the code of a pushed request to the key of the request's DPoP proof, as if dpop_jkt gave its thumbprint"); err != nil {
		return err
	}
	a, res, err := pushWith(ctx, t, h, nil, dpop.Proof{Method: http.MethodGet}, "push the authorization request with a DPoP proof whose htm is GET")
	if err != nil {
		return err
	}
	if a != nil {
		return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d with a request_uri", res.Status),
			"the PAR endpoint accepted a pushed request whose DPoP proof is invalid (htm GET)").
			WithFix("check the DPoP proof of a pushed request as RFC 9449 §4.3 says, and refuse the push when it is invalid")
	}
	return nil
}

var parJKTBindsCode = &suite.Check{
	ID: "rfc9449-10.1-par-dpop-jkt-binds-code", Spec: suite.RFC9449, Section: "10.1", Level: suite.Must,
	Requires: atPAR, Profiles: profiles,
	Title: "dpop_jkt sent in a pushed request binds the code to its key",
	Quote: "Both mechanisms MUST be supported by an authorization server that supports PAR and DPoP.",
	Run:   runPARJKTBindsCode,
}

func runPARJKTBindsCode(ctx context.Context, t *suite.T) error {
	h, err := newHolder(t)
	if err != nil {
		return err
	}
	push := func() (*fixture.AuthRequest, string, error) {
		return pushedCode(ctx, t, nil, withJKT(h.key.JKT), "with dpop_jkt")
	}
	return boundByPush(ctx, t, h, push, "with dpop_jkt",
		"keep the dpop_jkt of a pushed request with its code and compare it with the key of the proof at redemption")
}

var parJKTMismatch = &suite.Check{
	ID: "rfc9449-10.1-par-jkt-mismatch-refused", Spec: suite.RFC9449, Section: "10.1", Level: suite.Must,
	Requires: atPAR, Profiles: profiles,
	Title: "A pushed request whose dpop_jkt is not the key of its DPoP proof is refused",
	Quote: "If both mechanisms are used at the same time, the authorization server MUST reject the request if the JWK Thumbprint in dpop_jkt does not match the public key in the DPoP header.",
	Run:   runPARJKTMismatch,
}

func runPARJKTMismatch(ctx context.Context, t *suite.T) error {
	h, err := newHolder(t)
	if err != nil {
		return err
	}
	a, res, err := pushWith(ctx, t, h, withJKT(h.key.JKT), dpop.Proof{}, "push the authorization request with dpop_jkt and a DPoP proof of the same key (control)")
	if err != nil {
		return err
	}
	if a == nil {
		return suite.SkipErr("a pushed request with dpop_jkt and a DPoP proof of the same key was refused (HTTP %d%s): nothing to compare with", res.Status, expect.BodyHint(res))
	}
	other, err := newHolder(t)
	if err != nil {
		return err
	}
	a, res, err = pushWith(ctx, t, other, withJKT(h.key.JKT), dpop.Proof{}, "push the authorization request with dpop_jkt of one key and a DPoP proof of another")
	if err != nil {
		return err
	}
	if a != nil {
		return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d with a request_uri", res.Status),
			"the PAR endpoint accepted a pushed request whose dpop_jkt is not the thumbprint of its DPoP proof's key").
			WithFix("refuse a pushed request whose dpop_jkt differs from the thumbprint of the key in its DPoP header")
	}
	return nil
}
