package rfc7636

import (
	"context"
	"crypto/sha256"
	"encoding/base64"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
)

// challengeChecks are the code_challenge checks (RFC 7636 §4.2, §4.3).
func challengeChecks() []*suite.Check {
	req := confidentialFlow()
	return []*suite.Check{
		{
			ID: "rfc7636-4.2-challenge-syntax", Spec: suite.RFC7636, Section: "4.2", Level: suite.Should,
			Requires: req, Profiles: []string{"pkce"},
			Title: "An S256 code_challenge in padded standard base64 is refused at the authorization endpoint",
			Quote: "code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				// The mistake of a client using standard base64: 44
				// characters ending in '=', not 43*128unreserved.
				p := fixture.NewPKCE()
				sum := sha256.Sum256([]byte(p.Verifier))
				ar := t.NewAuthRequest(c)
				ar.PKCE = &fixture.PKCE{Verifier: p.Verifier, Challenge: base64.StdEncoding.EncodeToString(sum[:]), Method: "S256"}
				res, err := authorizeRaw(ctx, t, ar)
				if err != nil {
					return err
				}
				if res.Callback == nil {
					return nil // refused with an error page
				}
				return wantErrorRedirect(res, ar.State, "invalid_request", "a padded standard-base64 code_challenge",
					"refuse code_challenge values that are not 43 characters of base64url without padding (code-challenge = 43*128unreserved)")
			},
		},
		{
			ID: "rfc7636-4.3-default-method-plain", Spec: suite.RFC7636, Section: "4.3", Level: suite.Must,
			Requires: req, Profiles: []string{"pkce"},
			Title: "A code_challenge without code_challenge_method is taken as plain, never as S256",
			Quote: "code_challenge_method: OPTIONAL, defaults to \"plain\" if not present in the request.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				// An S256 challenge without its method: as plain, the
				// verifier does not equal it.
				p := fixture.NewPKCE()
				ar := t.NewAuthRequest(c)
				ar.PKCE = nil
				ar.Extra = map[string][]string{"code_challenge": {p.Challenge}, "code_challenge_method": {""}}
				res, err := authorizeRaw(ctx, t, ar)
				if err != nil {
					return err
				}
				if res.Callback == nil || res.Callback.Query().Get("code") == "" {
					// A server without plain must refuse the request
					// (RFC 7636 §4.4.1).
					return wantErrorRedirect(res, ar.State, "invalid_request", "code_challenge and no code_challenge_method (plain, unsupported)",
						"treat a missing code_challenge_method as plain; without plain support answer error=invalid_request")
				}
				code := res.Callback.Query().Get("code")
				tok, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, map[string][]string{"code_verifier": {p.Verifier}})
				if err != nil {
					return err
				}
				return redeemRefused(tok, []string{"invalid_grant"},
					"a verifier whose S256 hash, not the verifier itself, equals the challenge: the missing method was taken as S256",
					"store code_challenge_method=plain when the request has none, and compare the verifier itself with the challenge")
			},
		},
	}
}
