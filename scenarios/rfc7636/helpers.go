package rfc7636

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// confidentialFlow are the features of checks that run an authorization
// code flow with PKCE and the confidential client.
func confidentialFlow() []vocab.Feature {
	return []vocab.Feature{vocab.FeaturePKCE, vocab.FeatureConfidential, vocab.FeatureAuthCode}
}

// unreserved is the character set of code-verifier (RFC 7636 §4.1).
const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

// randomFrom returns n random characters of alphabet.
func randomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// s256Pair is a PKCE pair for verifier v with its S256 challenge.
func s256Pair(v string) *fixture.PKCE {
	return &fixture.PKCE{Verifier: v, Challenge: fixture.S256(v), Method: "S256"}
}

// withPKCE sets the PKCE pair of an authorization request (nil: none).
func withPKCE(p *fixture.PKCE) func(*fixture.AuthRequest) {
	return func(r *fixture.AuthRequest) { r.PKCE = p }
}

// refusedRedeem runs an approved authorization of the confidential client
// with PKCE pair p (nil: the run's usual pair), redeems the code with the
// token request changed by change, and requires a refusal with one of
// codes.
func refusedRedeem(ctx context.Context, t *suite.T, p *fixture.PKCE, change func(url.Values), codes []string, what, fix string) error {
	var adjust func(*fixture.AuthRequest)
	if p != nil {
		adjust = withPKCE(p)
	}
	g, err := t.CodeFor(ctx, nil, adjust)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, change)
	if err != nil {
		return err
	}
	return redeemRefused(t, res, codes, what, fix)
}

// redeemRefused requires a token request to be refused with one of codes
// (RFC 7636 §4.6 names invalid_grant; the status is §5.2's business).
func redeemRefused(t *suite.T, res *httpx.Result, codes []string, what, fix string) error {
	if res.Status == http.StatusOK {
		return expect.Fail(res, "error="+strings.Join(codes, " or "), "tokens",
			"the code was redeemed with %s", what).
			WithFix(fix)
	}
	return expect.WithFix(expect.RefusedWith(t, res, codes...), fix)
}

// wantErrorRedirect requires an authorization error response (RFC 6749
// §4.1.2.1) with error=code and the request's state (when it had one). An
// error shown to the person instead is an observation, as for every
// authorization error: RFC 6749 §4.1.2.1 redirects it, RFC 9700 §4.11.2
// lets a server that does not trust the redirect URI show it. A pushed
// request that the PAR endpoint refused is judged by the code of its
// answer.
func wantErrorRedirect(res *fixture.AuthzResult, state, code, what, fix string) error {
	if res.PushRefused() {
		// The client must push its requests (RFC 9126), and the PAR
		// endpoint, which validates them as the authorization endpoint
		// would (§2.1), refused this one: its JSON error goes to the client
		// directly, without state (§2.3).
		if got := res.PushError(); got != code {
			return expect.Fail(res.Push, "HTTP 400 error="+code, expect.Outcome(res.Push),
				"the pushed authorization request with %s was refused with the wrong error code", what).
				WithFix(fix)
		}
		return nil
	}
	if res.Callback == nil {
		if res.Interactive {
			return suite.SkipErr("the authorization request with %s reached a page that needs a person; enable the browser (--browser on) and give login/consent steps in the config", what)
		}
		return expect.Fail(res.Last, "a redirect to the client with error="+code, "no redirect to the client",
			"the authorization request with %s was not sent back to the client with an error; it was shown to the person instead, so the client cannot tell why its request failed "+
				"(RFC 6749 §4.1.2.1 redirects such errors; RFC 9700 §4.11.2 allows showing them when the redirect URI is not trusted)", what).
			WithFix(fix).AsObservation()
	}
	q := res.Callback.Query()
	switch {
	case q.Get("code") != "":
		return expect.Fail(res.Last, "error="+code, "an authorization code",
			"the authorization request with %s was accepted", what).
			WithFix(fix)
	case q.Get("error") != code:
		return expect.Fail(res.Last, "error="+code, "error="+q.Get("error"),
			"the authorization request with %s was refused with the wrong error code", what).
			WithFix(fix)
	case state != "" && q.Get("state") != state:
		return expect.Fail(res.Last, "state="+state, "state="+q.Get("state"),
			"the error response to the request with %s does not return its state", what).
			WithFix("return the request's state in every authorization error response (RFC 6749 §4.1.2.1)")
	}
	return nil
}
