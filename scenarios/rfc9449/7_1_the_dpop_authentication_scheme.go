package rfc9449

import (
	"context"
	"errors"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

func schemeChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9449-7.1-resource-htu-mismatch-refused", Spec: suite.RFC9449, Section: "7.1", Level: suite.Must,
			Requires: atResource, Profiles: profiles,
			Title: "The resource refuses a DPoP-bound token with a proof made for another URI",
			Quote: "For such an access token, a resource server MUST check that a DPoP proof was also received in the DPoP header field of the HTTP request, check the DPoP proof according to the rules in Section 4.3, and check that the public key of the DPoP proof matches the public key to which the access token is bound per Section 6.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtResource(ctx, t, "whose htu is another URI", "check the proof's htu against the resource's URI (RFC 9449 §4.3)",
					func(p *dpop.Proof) { p.URL = otherURI(t.Target.Resource) })
			},
		},
		challengeError, challengeAlgs, noProxyAuthenticate,
	}
}

// invalidProofAnswer is the resource's answer to a DPoP-bound token with a
// proof whose ath is the hash of another token, once per run: a request
// whose mechanism, DPoP, is unambiguous and that fails authentication.
// SKIP when the resource accepts it (rfc9449-4.3-ath-mismatch-refused
// judges that).
func invalidProofAnswer(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	v, err := t.Shared(ctx, "rfc9449.invalid-proof", func(ctx context.Context, t *suite.T) (any, error) {
		h, token, err := resourceToken(ctx, t)
		if err != nil {
			return nil, err
		}
		res, err := h.resourceCall(ctx, t, token, dpop.Proof{ATH: dpop.ATH("another access token")},
			"call the resource with the DPoP-bound token and a proof whose ath is the hash of another token")
		if err != nil {
			return nil, err
		}
		if probe.Accepted(res) {
			return nil, suite.SkipErr("the resource accepted a proof whose ath is the hash of another token (rfc9449-4.3-ath-mismatch-refused judges that): no refusal to read")
		}
		return res, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*httpx.Result), nil
}

// challengeOf returns the first challenge of scheme in res.
func challengeOf(res *httpx.Result, scheme string) (probe.Challenge, bool) {
	for _, c := range probe.ParseChallenges(res.Header.Values("WWW-Authenticate")) {
		if strings.EqualFold(c.Scheme, scheme) {
			return c, true
		}
	}
	return probe.Challenge{}, false
}

// anyError reports whether a challenge of res carries an error parameter.
func anyError(res *httpx.Result) bool {
	for _, c := range probe.ParseChallenges(res.Header.Values("WWW-Authenticate")) {
		if c.Params["error"] != "" {
			return true
		}
	}
	return false
}

var challengeError = &suite.Check{
	ID: "rfc9449-7.1-challenge-error", Spec: suite.RFC9449, Section: "7.1", Level: suite.Should,
	Requires: atResource, Profiles: profiles,
	Title: "The resource's challenge to a DPoP-bound token with an invalid proof carries an error parameter",
	Quote: "An error parameter ([RFC6750], Section 3) SHOULD be included to indicate the reason why the request was declined, if the request included an access token but failed authentication.",
	Run:   runChallengeError,
}

func runChallengeError(ctx context.Context, t *suite.T) error {
	res, err := invalidProofAnswer(ctx, t)
	if err != nil {
		return err
	}
	c, ok := challengeOf(res, "DPoP")
	switch {
	case ok && c.Params["error"] == "":
		return expect.Fail(res, `a DPoP challenge with an error parameter (invalid_dpop_proof)`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the DPoP challenge to a DPoP-bound token with an invalid proof does not say why the request was declined").
			WithFix(`include error="invalid_dpop_proof" (or invalid_token) in the DPoP challenge`)
	case !ok && !anyError(res):
		return expect.Fail(res, `a challenge with an error parameter (invalid_dpop_proof)`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the answer to a DPoP-bound token with an invalid proof carries no challenge with an error parameter").
			WithFix(`answer with WWW-Authenticate: DPoP error="invalid_dpop_proof", algs="..."`)
	}
	return nil
}

var challengeAlgs = &suite.Check{
	ID: "rfc9449-7.1-challenge-algs", Spec: suite.RFC9449, Section: "7.1", Level: suite.Should,
	Requires: atResource, Profiles: profiles,
	Title: "The resource's DPoP challenge carries the algs parameter",
	Quote: "An algs parameter SHOULD be included to signal to the client the JWS algorithms that are acceptable for the DPoP proof JWT.",
	Run:   runChallengeAlgs,
}

func runChallengeAlgs(ctx context.Context, t *suite.T) error {
	res, err := invalidProofAnswer(ctx, t)
	if err != nil {
		return err
	}
	c, ok := challengeOf(res, "DPoP")
	if !ok {
		return suite.SkipErr("the answer to a DPoP-bound token with an invalid proof carries no DPoP challenge (WWW-Authenticate: %s): no algs parameter to judge", expect.HeaderLine(res, "WWW-Authenticate"))
	}
	if c.Params["algs"] == "" {
		return expect.Fail(res, "a DPoP challenge with an algs parameter", expect.HeaderLine(res, "WWW-Authenticate"),
			"the DPoP challenge does not say which JWS algorithms the resource accepts in proofs").
			WithFix(`include algs="ES256 PS256" (the algorithms the resource accepts) in the DPoP challenge`)
	}
	return nil
}

var noProxyAuthenticate = &suite.Check{
	ID: "rfc9449-7.1-no-proxy-authenticate", Spec: suite.RFC9449, Section: "7.1", Level: suite.MustNot,
	Requires: atResource, Profiles: profiles,
	Title: "The resource sends no DPoP challenge in Proxy-Authenticate",
	Quote: "This authentication scheme is for origin-server authentication only. Therefore, this authentication scheme MUST NOT be used with the Proxy-Authenticate or Proxy-Authorization header fields.",
	Run:   runNoProxyAuthenticate,
}

// runNoProxyAuthenticate reads the resource's answers to a request without
// credentials and to a DPoP-bound token with an invalid proof.
func runNoProxyAuthenticate(ctx context.Context, t *suite.T) error {
	none, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	bad, err := invalidProofAnswer(ctx, t)
	if skip := new(suite.Skipped); err != nil && !errors.As(err, &skip) {
		return err
	}
	for _, res := range []*httpx.Result{none, bad} {
		if res == nil {
			continue
		}
		for _, c := range probe.ParseChallenges(res.Header.Values("Proxy-Authenticate")) {
			if strings.EqualFold(c.Scheme, "DPoP") {
				return expect.Fail(res, "no Proxy-Authenticate header with the DPoP scheme", expect.HeaderLine(res, "Proxy-Authenticate"),
					"the resource sends a DPoP challenge in Proxy-Authenticate: DPoP authenticates to the origin server only").
					WithFix("send DPoP challenges in WWW-Authenticate only")
			}
		}
	}
	return nil
}
