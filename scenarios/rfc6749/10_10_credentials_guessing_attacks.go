package rfc6749

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// credentialsGuessingChecks returns the checks of RFC 6749 §10.10,
// Credentials-Guessing Attacks.
func credentialsGuessingChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-10.10-credentials-can-hold-128-bits", Spec: suite.RFC6749, Section: "10.10", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Authorization codes, access tokens and refresh tokens are long enough to hold 128 random bits",
			Quote: "The probability of an attacker guessing generated tokens (and other credentials not intended for handling by end-users) MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160).",
			Run:   runCredentialsCanHold128Bits,
		},
	}
}

// runCredentialsCanHold128Bits bounds from above the entropy each value of
// a code flow can hold: its length times the bits of the smallest usual
// alphabet holding its characters. A value below 128 bits can be guessed
// with a probability above 2^(-128) whatever generates it; a value above
// may still be guessable (a counter, a timestamp), which only a review of
// the generator can tell, so it passes.
func runCredentialsCanHold128Bits(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return err
	}
	for _, v := range []struct{ name, value string }{
		{"authorization code", g.Code}, {"access token", ts.AccessToken}, {"refresh token", ts.RefreshToken},
	} {
		if v.value == "" {
			continue
		}
		name, size := alphabetOf(v.value)
		if bits := float64(len(v.value)) * math.Log2(float64(size)); bits < 128 {
			return expect.Fail(res, "at least 128 bits of room (RFC 6749 §10.10: a guess succeeds with probability 2^(-128) at most)",
				fmt.Sprintf("%d characters of %s: %.0f bits at most", len(v.value), name, bits),
				"the %s is too short to be unguessable, however it is generated", v.name).
				WithFix("generate codes and tokens from at least 128 bits (better 160) of a cryptographic random source, e.g. 32 random bytes in base64url")
		}
	}
	return nil
}

// alphabetOf names the smallest usual alphabet holding every character of
// s, and its size: digits, hexadecimal, letters and digits, the
// characters of base64 and URLs, or printable ASCII; any other byte counts
// 8 bits.
func alphabetOf(s string) (string, int) {
	within := func(set string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune(set, r) }) < 0
	}
	const digits, lower, upper = "0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	switch {
	case within(digits):
		return "decimal digits", 10
	case within(digits+"abcdef") || within(digits+"ABCDEF"):
		return "hexadecimal digits", 16
	case within(digits + lower + upper):
		return "letters and digits", 62
	case within(digits + lower + upper + "-._~+/="):
		return "base64 and URL characters", 69
	case strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r > 0x7e }) < 0:
		return "printable ASCII", 95
	}
	return "bytes", 256
}
