package rfc7636

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// associationChecks returns the checks of RFC 7636 §4.4, Server Returns the
// Code.
func associationChecks() []*suite.Check {
	return []*suite.Check{challengeBoundToCode, methodBoundToCode, challengeNotExposed}
}

var challengeBoundToCode = &suite.Check{
	ID: "rfc7636-4.4-challenge-bound-to-code", Spec: suite.RFC7636, Section: "4.4", Level: suite.Must,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE, vocab.ProfileOAuth21},
	Title: "A code is verified against its own code_challenge, not another request's",
	Quote: "When the server issues the authorization code in the authorization response, it MUST associate the \"code_challenge\" and \"code_challenge_method\" values with the authorization code so it can be verified later.",
	Run:   runChallengeBoundToCode,
}

func runChallengeBoundToCode(ctx context.Context, t *suite.T) error {
	// The older code, redeemed with the verifier of a later request of
	// the same client.
	res, err := olderCodeRedeemed(ctx, t, false)
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		if err := olderCodeSurvives(ctx, t); err != nil {
			return err
		}
	}
	return redeemRefused(t, res, []string{"invalid_grant"}, "the verifier of another authorization request",
		"store code_challenge and code_challenge_method with each code (or inside it) and verify against those")
}

// olderCodeSurvives is the control of a refused redemption of an older
// code: a server may end a client's unused codes when it issues a new one,
// and then refuses the older code whatever its verifier. It gets two codes
// in a row and redeems the first with its own verifier; a refusal is SKIP.
func olderCodeSurvives(ctx context.Context, t *suite.T) error {
	res, err := olderCodeRedeemed(ctx, t, true)
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return suite.SkipErr("a code redeemed with its own verifier after a second code was issued to the client is refused too (%s): "+
			"the server ends older codes when it issues a new one, so the refusal says nothing about which challenge the code is bound to", expect.Outcome(res))
	}
	return nil
}

// olderCodeRedeemed gets two codes of the run's client in a row, each with
// its own challenge, and redeems the first with its own verifier (own) or
// with the second request's.
func olderCodeRedeemed(ctx context.Context, t *suite.T, own bool) (*httpx.Result, error) {
	first, second := fixture.NewPKCE(), fixture.NewPKCE()
	g, err := t.CodeFor(ctx, nil, withPKCE(&first))
	if err != nil {
		return nil, err
	}
	if _, err := t.CodeFor(ctx, nil, withPKCE(&second)); err != nil {
		return nil, err
	}
	verifier := second.Verifier
	if own {
		verifier = first.Verifier
	}
	return g.Redeem(ctx, func(form url.Values) { form.Set("code_verifier", verifier) })
}

var methodBoundToCode = &suite.Check{
	ID: "rfc7636-4.4-method-bound-to-code", Spec: suite.RFC7636, Section: "4.4", Level: suite.Must,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE, vocab.ProfileOAuth21},
	Title: "A code issued for an S256 challenge is not redeemed with the challenge itself as verifier (no fallback to plain)",
	Quote: "When the server issues the authorization code in the authorization response, it MUST associate the \"code_challenge\" and \"code_challenge_method\" values with the authorization code so it can be verified later.",
	Run:   runMethodBoundToCode,
}

func runMethodBoundToCode(ctx context.Context, t *suite.T) error {
	// An attacker who saw the authorization request knows the
	// challenge; under S256 it is useless as a verifier.
	p := fixture.NewPKCE()
	return refusedRedeem(ctx, t, &p, func(form url.Values) { form.Set("code_verifier", p.Challenge) }, []string{"invalid_grant"},
		"the S256 code_challenge sent as code_verifier (the plain transformation)",
		"verify with the code_challenge_method stored with the code only; never try the other method")
}

var challengeNotExposed = &suite.Check{
	ID: "rfc7636-4.4-challenge-not-exposed", Spec: suite.RFC7636, Section: "4.4", Level: suite.MustNot,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE},
	Title: "The authorization response does not reveal the code_challenge, neither as a parameter nor readable inside the code",
	Quote: "The server MUST NOT include the \"code_challenge\" value in client requests in a form that other entities can extract.",
	Run:   runChallengeNotExposed,
}

func runChallengeNotExposed(ctx context.Context, t *suite.T) error {
	p := fixture.NewPKCE()
	g, err := t.CodeFor(ctx, nil, withPKCE(&p))
	if err != nil {
		return err
	}
	if where := exposedIn(g.Authz.Callback, p); where != "" {
		return expect.Fail(g.Authz.Last, "no trace of the code_challenge in the authorization response",
			where, "the authorization response exposes the code_challenge to whoever sees the redirect").
			WithFix("keep the challenge on the server, or encrypt it inside the code; never echo it")
	}
	return nil
}

// exposedIn says where the redirect to the client shows the challenge of p:
// a parameter, or the code (as is, or after base64 decoding of its parts,
// as in unencrypted JWTs). "" when nowhere.
func exposedIn(cb *url.URL, p fixture.PKCE) string {
	sum := sha256.Sum256([]byte(p.Verifier))
	for name, vs := range cb.Query() {
		for _, v := range vs {
			if strings.Contains(v, p.Challenge) {
				return "the parameter " + name + " contains the code_challenge"
			}
		}
		if name != "code" {
			continue
		}
		for _, v := range vs {
			for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '~' || r == ':' }) {
				for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
					b, err := enc.DecodeString(part)
					if err != nil {
						continue
					}
					if bytes.Contains(b, []byte(p.Challenge)) || bytes.Contains(b, sum[:]) {
						return "the code decodes to data containing the code_challenge"
					}
				}
			}
		}
	}
	if strings.Contains(cb.Fragment, p.Challenge) {
		return "the fragment contains the code_challenge"
	}
	return ""
}
