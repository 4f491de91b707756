package rfc7636

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// verifierChecks returns the checks of RFC 7636 §4.1, Client Creates a Code
// Verifier.
func verifierChecks() []*suite.Check {
	req := confidentialFlow()
	return []*suite.Check{
		{
			ID: "rfc7636-4.1-verifier-syntax", Spec: suite.RFC7636, Section: "4.1", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "A code_verifier shorter than 43 characters is refused",
			Quote: "code-verifier = 43*128unreserved",
			Run:   runVerifierSyntax,
		},
		{
			ID: "rfc7636-4.1-verifier-too-long", Spec: suite.RFC7636, Section: "4.1", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "A code_verifier longer than 128 characters is refused",
			Quote: "with a minimum length of 43 characters and a maximum length of 128 characters.",
			Run:   runVerifierTooLong,
		},
		{
			ID: "rfc7636-4.1-verifier-charset", Spec: suite.RFC7636, Section: "4.1", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "A code_verifier with characters outside [A-Z a-z 0-9 - . _ ~] is refused",
			Quote: "code_verifier = high-entropy cryptographic random STRING using the unreserved characters [A-Z] / [a-z] / [0-9] / \"-\" / \".\" / \"_\" / \"~\" from Section 2.3 of [RFC3986]",
			Run:   runVerifierCharset,
		},
		{
			ID: "rfc7636-4.1-verifier-padding", Spec: suite.RFC7636, Section: "4.1", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "A code_verifier with base64 '=' padding appended is refused, not stripped",
			Quote: "code-verifier = 43*128unreserved",
			Run: func(ctx context.Context, t *suite.T) error {
				p := fixture.NewPKCE()
				return verifierRefused(ctx, t, &p, func(form url.Values) { form.Set("code_verifier", p.Verifier+"=") },
					"the code_verifier followed by '=' padding", "validate the code_verifier as sent: '=' is not an unreserved character; do not strip padding")
			},
		},
	}
}

func runVerifierSyntax(ctx context.Context, t *suite.T) error {
	// A short verifier whose S256 challenge is sent: only the
	// syntax is wrong.
	return verifierRefused(ctx, t, s256Pair("authspec-short-verifier"), nil,
		"a 23-character code_verifier", "refuse code_verifier values outside 43-128 characters of [A-Za-z0-9-._~]")
}

func runVerifierTooLong(ctx context.Context, t *suite.T) error {
	// 129 allowed characters whose S256 challenge is sent: only
	// the length is wrong.
	return verifierRefused(ctx, t, s256Pair(randomFrom(unreserved, 129)), nil,
		"a 129-character code_verifier", "refuse code_verifier values longer than 128 characters")
}

func runVerifierCharset(ctx context.Context, t *suite.T) error {
	// Standard base64 characters and punctuation a careless
	// client produces, with the matching S256 challenge.
	v := "authspec+verifier/with!illegal*chars:" + randomFrom(unreserved, 16)
	return verifierRefused(ctx, t, s256Pair(v), nil,
		"a code_verifier containing '+', '/', '!', '*' and ':'", "refuse code_verifier values with characters outside [A-Za-z0-9-._~]")
}

// verifierRefused runs an authorization with PKCE pair p, redeems the code
// with the token request changed by change, and requires a refusal.
func verifierRefused(ctx context.Context, t *suite.T, p *fixture.PKCE, change func(url.Values), what, fix string) error {
	return refusedRedeem(ctx, t, p, change, []string{"invalid_grant", "invalid_request"}, what, fix)
}
