package oauth21

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// countermeasureChecks returns the checks of OAuth 2.1 §7.5.1.1,
// Countermeasures (of authorization code injection).
func countermeasureChecks() []*suite.Check {
	return []*suite.Check{pkceEnforcedWithNonce}
}

var pkceEnforcedWithNonce = &suite.Check{
	ID: "oauth21-7.5.1.1-pkce-enforced-with-nonce", Spec: suite.OAuth21, Section: "7.5.1.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode},
	// RFC 9700 §2.1.1 leaves PKCE to confidential clients that
	// use the nonce: only OAuth 2.1 asks the server to enforce it.
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A confidential client's authorization request without code_challenge but with an OpenID Connect nonce leads to no tokens",
	Quote: "In this case, using and enforcing code_challenge and code_verifier is still RECOMMENDED.",
	Run:   runPKCEEnforcedWithNonce,
}

// runPKCEEnforcedWithNonce sends the confidential client's usual
// authorization request without code_challenge but with a nonce (and the
// openid scope, when the metadata lists it): the case in which §7.5.1.1
// lets the server do without PKCE, and still recommends enforcing it.
// Tokens for it are a WARN; a refusal at either endpoint PASSes
// (noTokensWithoutPKCE). oauth21-4.1.2.1-pkce-required-confidential judges
// the request without nonce, which must be refused.
func runPKCEEnforcedWithNonce(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	openid := slices.Contains(t.Target.Metadata.ScopesSupported, "openid")
	withNonce := func(r *fixture.AuthRequest) {
		if openid {
			r.Scope = strings.TrimSpace(r.Scope + " openid")
		}
		if r.Extra == nil {
			r.Extra = url.Values{}
		}
		r.Extra.Set("nonce", "authspec-nonce-"+fixture.RandomState())
	}
	return noTokensWithoutPKCE(ctx, t, c, withNonce, func(res *fixture.AuthzResult, tok *httpx.Result) error {
		return expect.Fail(tok, "the request refused (error=invalid_request), or the code refused at the token endpoint", "tokens",
			"a confidential client got tokens for an authorization request without code_challenge; its nonce protects only a client that checks the ID token, and OAuth 2.1 still recommends enforcing PKCE").
			WithEvidence(res.Last.Exchange).
			WithFix("require code_challenge (S256) of confidential clients too, whether or not they send a nonce")
	})
}
