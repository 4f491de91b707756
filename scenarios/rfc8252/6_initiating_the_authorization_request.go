package rfc8252

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// initiatingChecks returns the checks of RFC 8252 §6, Initiating the
// Authorization Request from a Native App.
func initiatingChecks() []*suite.Check {
	return []*suite.Check{publicPKCEVerified}
}

// withPKCE sends an S256 challenge whether or not the metadata advertises
// PKCE: RFC 8252 §6 wants it supported for native apps either way.
func withPKCE(r *fixture.AuthRequest) {
	p := fixture.NewPKCE()
	r.PKCE = &p
}

var publicPKCEVerified = &suite.Check{
	ID: "rfc8252-6-public-pkce-verified", Spec: suite.RFC8252, Section: "6", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A native app's code is not redeemed with a code_verifier that does not match its code_challenge",
	Quote: "Public native app clients MUST implement the Proof Key for Code Exchange (PKCE [RFC7636]) extension to OAuth, and authorization servers MUST support PKCE for such clients ...",
	Run:   runPublicPKCEVerified,
}

// runPublicPKCEVerified redeems a native app's code with another verifier.
// Supporting PKCE means checking the verifier (RFC 7636 §4.6); the RFC 7636
// checks try it with the confidential client, this one with the public
// client a native app is (RFC 8252 §8.4), whose code PKCE alone protects.
func runPublicPKCEVerified(ctx context.Context, t *suite.T) error {
	c, err := nativeClient(ctx, t)
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, c, withPKCE)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, func(form url.Values) { form.Set("code_verifier", fixture.NewPKCE().Verifier) })
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		_, _ = t.ParseTokens(res) // redact the tokens
		return expect.Fail(res, "an error (invalid_grant): the code_verifier does not match the code_challenge", "HTTP 200 with tokens",
			"a native app's code was redeemed with a code_verifier that does not match its code_challenge: whoever intercepts the code at the redirect URI gets the tokens").
			WithFix("compare BASE64URL(SHA256(code_verifier)) with the stored code_challenge for public clients too, and refuse a mismatch with invalid_grant")
	}
	// Refused: it counts only if the right verifier works.
	ok, err := t.CodeFor(ctx, c, withPKCE)
	if err != nil {
		return err
	}
	again, err := ok.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	if again.Status != http.StatusOK {
		return suite.SkipErr("the native app's code is refused with the right code_verifier too (HTTP %d), so the refusal says nothing about PKCE", again.Status)
	}
	_, _ = t.ParseTokens(again)
	t.Logf("a wrong code_verifier was refused with HTTP %d%s; the right one gets tokens", res.Status, expect.BodyHint(res))
	return nil
}
