package rfc7636

import (
	"context"
	"math/rand/v2"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// quoteNotEqual is RFC 7636 §4.6's rule for a verifier that does not match.
const quoteNotEqual = "If the values are not equal, an error response indicating \"invalid_grant\" as described in Section 5.2 of [RFC6749] MUST be returned."

// verificationChecks returns the checks of RFC 7636 §4.6, Server Verifies
// code_verifier before Returning the Tokens.
func verificationChecks() []*suite.Check {
	req := confidentialFlow()
	return []*suite.Check{
		{
			ID: "rfc7636-4.6-wrong-verifier-refused", Spec: suite.RFC7636, Section: "4.6", Level: suite.Must,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "A code_verifier that does not match the code_challenge is refused with invalid_grant",
			Quote: quoteNotEqual,
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedRedeem(ctx, t, nil, func(form url.Values) { form.Set("code_verifier", fixture.NewPKCE().Verifier) }, []string{"invalid_grant"}, "a different, well-formed code_verifier",
					"compare BASE64URL(SHA256(code_verifier)) with the stored code_challenge")
			},
		},
		{
			ID: "rfc7636-4.6-missing-verifier-refused", Spec: suite.RFC7636, Section: "4.6", Level: suite.Must,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "A code issued with a code_challenge is not redeemed without code_verifier (invalid_request or invalid_grant)",
			Quote: "The server verifies it by calculating the code challenge from the received \"code_verifier\" and comparing it with the previously associated \"code_challenge\". — " +
				"If a client sends a valid PKCE code_challenge parameter in the authorization request, the authorization server MUST enforce the correct usage of code_verifier at the token endpoint. (RFC 9700 §2.1.1)",
			Run: func(ctx context.Context, t *suite.T) error {
				// A missing parameter is invalid_request by RFC 6749 §5.2's
				// definition; invalid_grant (the grant cannot be verified) is
				// what RFC 7636 §4.6 names for a failed verification.
				return refusedRedeem(ctx, t, nil, func(form url.Values) { form.Del("code_verifier") }, []string{"invalid_request", "invalid_grant"}, "no code_verifier",
					"require code_verifier whenever the authorization request carried a code_challenge")
			},
		},
		s256AllCharacters, challengeComparedExactly,
	}
}

var s256AllCharacters = &suite.Check{
	ID: "rfc7636-4.6-s256-all-characters", Spec: suite.RFC7636, Section: "4.6", Level: suite.Must,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE, vocab.ProfileOAuth21},
	Title: "A 128-character code_verifier using every unreserved character (incl. '-', '.', '_', '~') is accepted with S256",
	Quote: "If the values are equal, the token endpoint MUST continue processing as normal (as defined by OAuth 2.0 [RFC6749]).",
	Run:   runS256AllCharacters,
}

func runS256AllCharacters(ctx context.Context, t *suite.T) error {
	v := []byte(unreserved + randomFrom(unreserved, 128-len(unreserved)))
	rand.Shuffle(len(v), func(i, j int) { v[i], v[j] = v[j], v[i] })
	g, err := t.CodeFor(ctx, nil, withPKCE(s256Pair(string(v))))
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	if err := expect.Status(res, 200); err != nil {
		return expect.WithFix(err, "accept code_verifier values of 43-128 characters of [A-Za-z0-9-._~] and compute BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) without padding")
	}
	_, err = t.ParseTokens(res)
	return err
}

var challengeComparedExactly = &suite.Check{
	ID: "rfc7636-4.6-challenge-compared-exactly", Spec: suite.RFC7636, Section: "4.6", Level: suite.Must,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE, vocab.ProfileOAuth21},
	Title: "The computed challenge is compared with the stored one exactly: a challenge differing in letter case does not match",
	Quote: quoteNotEqual,
	Run:   runChallengeComparedExactly,
}

func runChallengeComparedExactly(ctx context.Context, t *suite.T) error {
	p := fixture.NewPKCE()
	p.Challenge = probe.SwapCase(p.Challenge)
	return refusedRedeem(ctx, t, &p, nil, []string{"invalid_grant"}, "a verifier whose S256 challenge differs from the stored one in letter case",
		"compare the computed challenge with the stored code_challenge byte for byte: base64url is case-sensitive")
}
