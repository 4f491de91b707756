package rfc9700

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationCodeGrantChecks returns the checks of RFC 9700 §2.1.1,
// Authorization Code Grant.
func authorizationCodeGrantChecks() []*suite.Check {
	return []*suite.Check{pkceDowngrade}
}

var pkceDowngrade = &suite.Check{
	ID: "rfc9700-2.1.1-pkce-downgrade", Spec: suite.RFC9700, Section: "2.1.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePKCE, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfilePKCE, vocab.ProfileOAuth21},
	Title: "A code_verifier for a code issued without code_challenge is refused (downgrade)",
	Quote: "Authorization servers MUST mitigate PKCE downgrade attacks by ensuring that a token request containing a code_verifier parameter is accepted only if a code_challenge parameter was present in the authorization request; see Section 4.8.2 for details.",
	Run:   runPKCEDowngrade,
}

// runPKCEDowngrade redeems a code issued without code_challenge with a
// code_verifier, which must be refused. A server that refuses the
// authorization request without code_challenge (OAuth 2.1 §4.1.2.1 asks
// it of every client) issues no code to downgrade: that refusal is the
// mitigation, and PASSes when the same request with S256 gets a code.
func runPKCEDowngrade(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, func(r *fixture.AuthRequest) { r.PKCE = nil })
	if err != nil && g != nil && fixture.Refused(err, g.Authz) && g.Authz.ErrorCode() != "" {
		if _, cerr := t.CodeFor(ctx, nil, nil); cerr != nil {
			return suite.SkipErr("the request without code_challenge was refused (error=%s), and the same request with PKCE S256 gets no code either (%v): nothing to judge", g.Authz.ErrorCode(), cerr)
		}
		t.Logf("the authorization endpoint refuses a request without code_challenge (error=%s): no code exists whose redemption a code_verifier could downgrade", g.Authz.ErrorCode())
		return nil
	}
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, func(form url.Values) { form.Set("code_verifier", fixture.NewPKCE().Verifier) })
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Refused(t, res, "invalid_grant", "invalid_request"), "refuse a code_verifier when the authorization request had no code_challenge")
}
