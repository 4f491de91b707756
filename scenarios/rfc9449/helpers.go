package rfc9449

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// The features of the checks at the token endpoint and at the resource.
var (
	atToken    = []vocab.Feature{vocab.FeatureDPoP, vocab.FeatureAuthCode, vocab.FeatureConfidential, vocab.FeatureNonInteractive}
	atResource = append([]vocab.Feature{vocab.FeatureResource}, atToken...)
	profiles   = []vocab.Profile{vocab.ProfileDPoP, vocab.ProfileFAPI2Security}
)

// holder is a DPoP key and the nonces the target gave for it.
type holder struct {
	key    *dpop.Key
	nonces *dpop.Nonces
}

// newHolder generates a key for an algorithm of the target's
// dpop_signing_alg_values_supported.
func newHolder(t *suite.T) (*holder, error) {
	var algs []string
	if list, ok := t.Target.Metadata.Raw["dpop_signing_alg_values_supported"].([]any); ok {
		for _, a := range list {
			if s, ok := a.(string); ok {
				algs = append(algs, s)
			}
		}
	}
	k, err := dpop.KeyFor(algs)
	if errors.Is(err, dpop.ErrNoAlg) {
		return nil, suite.SkipErr("dpop_signing_alg_values_supported lists none of %s, the algorithms the suite signs DPoP proofs with",
			strings.Join(dpop.Algs, ", "))
	}
	if err != nil {
		return nil, err
	}
	return &holder{key: k, nonces: &dpop.Nonces{}}, nil
}

// token posts form to the token endpoint with c's authentication and a
// DPoP proof p (a valid one when p is the zero Proof), following the
// target's nonce.
func (h *holder) token(ctx context.Context, t *suite.T, c *fixture.Client, form url.Values, p dpop.Proof, note string) (*httpx.Result, error) {
	return dpop.Do(ctx, t.HTTP, h.key, h.nonces, dpop.Request{Build: tokenRequest(t, c, form), Proof: p, Note: note})
}

// tokenRequest builds the token request form with c's authentication.
func tokenRequest(t *suite.T, c *fixture.Client, form url.Values) func(ctx context.Context) (*http.Request, error) {
	return formRequest(t.Target.Metadata.TokenEndpoint, c, form)
}

// formRequest builds a POST of form to ep with c's authentication.
func formRequest(ep string, c *fixture.Client, form url.Values) func(ctx context.Context) (*http.Request, error) {
	return func(ctx context.Context) (*http.Request, error) {
		f := url.Values{}
		for k, v := range form {
			f[k] = append([]string(nil), v...)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep, http.NoBody)
		if err != nil {
			return nil, err
		}
		fixture.ClientAuth(c, req, f)
		body := f.Encode()
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	}
}

// redeem gets a code of c (nil: the run's confidential client) for the
// run's usual request changed by adjust, and redeems it with the proof p.
func (h *holder) redeem(ctx context.Context, t *suite.T, c *fixture.Client, adjust func(*fixture.AuthRequest), p dpop.Proof, note string) (*httpx.Result, error) {
	g, err := t.CodeFor(ctx, c, adjust)
	if err != nil {
		return nil, err
	}
	return h.token(ctx, t, g.Client, g.Request.RedeemForm(g.Code), p, note)
}

// boundHolder is a holder of a new key with tokens bound to it (see
// boundTokens).
func boundHolder(ctx context.Context, t *suite.T, c *fixture.Client, adjust func(*fixture.AuthRequest)) (*holder, *fixture.TokenSet, error) {
	h, err := newHolder(t)
	if err != nil {
		return nil, nil, err
	}
	ts, err := h.boundTokens(ctx, t, c, adjust)
	if err != nil {
		return nil, nil, err
	}
	return h, ts, nil
}

// boundTokens redeems a code of c with a valid proof: the control of every
// check, SKIP when the target does not issue tokens to it.
func (h *holder) boundTokens(ctx context.Context, t *suite.T, c *fixture.Client, adjust func(*fixture.AuthRequest)) (*fixture.TokenSet, error) {
	res, err := h.redeem(ctx, t, c, adjust, dpop.Proof{}, "redeem an authorization code with a valid DPoP proof (control)")
	if err != nil {
		return nil, err
	}
	if res.Status != http.StatusOK {
		return nil, suite.SkipErr("the token request with a valid DPoP proof failed (HTTP %d: %s): there is nothing to compare with", res.Status, res.Snippet())
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return nil, err
	}
	ts.Client = c
	return ts, nil
}

// refused reports whether res refuses the request: a 4xx answer.
func refused(res *httpx.Result) bool { return res.Status >= 400 && res.Status <= 499 }

// neitherTokenNorRefusal is a SKIP for an answer that neither grants the
// request (2xx) nor refuses it (4xx): a server error or a redirect shows
// neither that the server checks nor that it does not.
func neitherTokenNorRefusal(res *httpx.Result) error {
	if res.Status/100 == 2 || refused(res) {
		return nil
	}
	return suite.SkipErr("the request was answered HTTP %d%s: neither accepted nor refused", res.Status, expect.BodyHint(res))
}

// refusedAtToken is the body of the checks of a proof the token endpoint
// must refuse: a code redeemed with a valid proof works (control), and
// another, redeemed with the proof changed by deviate, is refused.
func refusedAtToken(ctx context.Context, t *suite.T, what, fix string, deviate func(h *holder, p *dpop.Proof)) error {
	h, _, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	var p dpop.Proof
	deviate(h, &p)
	res, err := h.redeem(ctx, t, nil, nil, p, "redeem another authorization code with a DPoP proof "+what)
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d", res.Status),
			"the token endpoint accepted a DPoP proof %s", what).WithFix(fix)
	}
	return nil
}

// errorCode is the error member of a JSON body, "" without one.
func errorCode(res *httpx.Result) string {
	var m struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(res.Body, &m)
	return m.Error
}

// resourceCall calls the configured resource with "DPoP <token>" and a
// proof p (a valid one for the request when p is the zero Proof; its
// AccessToken is the token unless set), the way probe.Call calls it,
// following the resource's nonce.
func (h *holder) resourceCall(ctx context.Context, t *suite.T, token string, p dpop.Proof, note string) (*httpx.Result, error) {
	kind, err := probe.ResourceKind(ctx, t)
	if err != nil {
		return nil, err
	}
	method := http.MethodGet
	if kind.MCP {
		method = http.MethodPost
	}
	u := t.Target.Resource
	build := func(ctx context.Context) (*http.Request, error) {
		body := ""
		if method == http.MethodPost {
			body = probe.Initialize
		}
		req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
		}
		req.Header.Set("Authorization", "DPoP "+token)
		return req, nil
	}
	if p.AccessToken == "" {
		p.AccessToken = token
	}
	res, err := dpop.Do(ctx, t.HTTP, h.key, h.nonces, dpop.Request{Build: build, Proof: p, Note: note})
	if err != nil {
		return nil, err
	}
	return res, probe.Served(res)
}

// resourceToken gets a DPoP-bound access token for the configured resource
// and shows that the resource accepts it with a valid proof (the control).
func resourceToken(ctx context.Context, t *suite.T) (*holder, string, error) {
	h, ts, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return nil, "", err
	}
	if !strings.EqualFold(ts.TokenType, "DPoP") {
		return nil, "", suite.SkipErr("the server answered token_type %q to a token request with a DPoP proof: the access token is not DPoP-bound (RFC 9449 §5 lets a server issue bearer tokens), so the resource has no DPoP token to judge", ts.TokenType)
	}
	res, err := h.resourceCall(ctx, t, ts.AccessToken, dpop.Proof{}, "call the resource with the DPoP-bound token and a valid proof (control)")
	if err != nil {
		return nil, "", err
	}
	if !probe.Accepted(res) {
		return nil, "", suite.SkipErr("the resource %s answered HTTP %d to a DPoP-bound token with a valid proof: it does not accept DPoP, nothing to compare with", t.Target.Resource, res.Status)
	}
	none, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return nil, "", err
	}
	if probe.Accepted(none) {
		return nil, "", suite.SkipErr("the resource %s serves a request without any token (HTTP %d): that it serves one with a faulty proof would prove nothing (set resource: to a URL that needs a token)", t.Target.Resource, none.Status)
	}
	return h, ts.AccessToken, nil
}

// refusedAtResource is the body of the checks of a proof the resource must
// refuse: the token with a valid proof is accepted (control), and with the
// proof changed by deviate refused.
func refusedAtResource(ctx context.Context, t *suite.T, what, fix string, deviate func(p *dpop.Proof)) error {
	h, token, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	var p dpop.Proof
	deviate(&p)
	res, err := h.resourceCall(ctx, t, token, p, "call the resource with a DPoP proof "+what)
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return expect.Fail(res, "HTTP 401 with a DPoP challenge", fmt.Sprintf("HTTP %d", res.Status),
			"the resource accepted a DPoP proof %s", what).WithFix(fix)
	}
	return nil
}
