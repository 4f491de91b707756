package rfc7636

import (
	"context"
	"crypto/sha256"
	"encoding/base64"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// challengeChecks returns the checks of RFC 7636 §4.2, Client Creates the
// Code Challenge.
func challengeChecks() []*suite.Check {
	req := confidentialFlow()
	return []*suite.Check{
		{
			ID: "rfc7636-4.2-challenge-syntax", Spec: suite.RFC7636, Section: "4.2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfilePKCE},
			Title: "An S256 code_challenge in padded standard base64 is refused at the authorization endpoint",
			Quote: "code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))",
			Run:   runChallengeSyntax,
		},
	}
}

func runChallengeSyntax(ctx context.Context, t *suite.T) error {
	// The mistake of a client using standard base64: 44
	// characters ending in '=', not 43*128unreserved.
	p := fixture.NewPKCE()
	sum := sha256.Sum256([]byte(p.Verifier))
	ar, err := t.AuthRequestFor(ctx, nil, withPKCE(&fixture.PKCE{Verifier: p.Verifier, Challenge: base64.StdEncoding.EncodeToString(sum[:]), Method: "S256"}))
	if err != nil {
		return err
	}
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Callback == nil {
		return nil // refused with an error page
	}
	return wantErrorRedirect(res, ar.State, "invalid_request", "a padded standard-base64 code_challenge",
		"refuse code_challenge values that are not 43 characters of base64url without padding (code-challenge = 43*128unreserved)")
}
