package rfc7636

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// verifierChecks returns the checks of RFC 7636 §4.1, Client Creates a Code
// Verifier. The syntax of §4.1 binds the client; what binds the server is
// that it verifies the verifier it received (§4.6), so a server may accept
// or refuse a verifier of the wrong length or alphabet whose challenge
// matches, but never a verifier it changed before hashing.
func verifierChecks() []*suite.Check {
	req := confidentialFlow()
	return []*suite.Check{
		{
			ID: "rfc7636-4.1-verifier-padding", Spec: suite.RFC7636, Section: "4.1", Level: suite.Must,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "A code_verifier with '=' padding appended is verified as received (refused), not stripped",
			Quote: "code-verifier = 43*128unreserved — " + quoteNotEqual + " (§4.6)",
			Run: func(ctx context.Context, t *suite.T) error {
				p := fixture.NewPKCE()
				return refusedRedeem(ctx, t, &p, func(form url.Values) { form.Set("code_verifier", p.Verifier+"=") }, []string{"invalid_grant", "invalid_request"},
					"the code_verifier followed by '=' padding, whose S256 hash does not equal the challenge",
					"hash the code_verifier exactly as received: '=' is not an unreserved character, and stripping it lets a different verifier match")
			},
		},
	}
}
