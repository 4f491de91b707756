package oauth21

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationRequestChecks returns the checks of OAuth 2.1 §4.1.1,
// Authorization Request.
func authorizationRequestChecks() []*suite.Check {
	return []*suite.Check{plainRefused}
}

var plainRefused = &suite.Check{
	ID: "oauth21-4.1.1-plain-refused", Spec: suite.OAuth21, Section: "4.1.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePKCE, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	// RFC 7636 §4.2 lets a server support plain: only a server
	// that claims OAuth 2.1 must refuse it.
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "An authorization request with code_challenge_method=plain is refused",
	Quote: "The plain transformation method defined in [RFC7636] is removed and explicitly prohibited in this specification.",
	Keywordless: "A method the specification prohibits is one the server does not support, and §4.1.2.1 binds the answer: \"If the server does not support the requested code_challenge_method transformation, " +
		"the authorization endpoint MUST return the authorization error response with error value set to invalid_request.\"",
	Run: runPlainRefused,
}

// runPlainRefused sends the run's usual authorization request with a plain
// challenge (the verifier itself): no code may come back. A request that
// ends anywhere else counts as refused only when the same request with
// S256 gets a code; the error code is rfc7636-4.4.1-unsupported-method-
// invalid-request's to judge.
func runPlainRefused(ctx context.Context, t *suite.T) error {
	v := fixture.NewPKCE().Verifier
	return probe.CodeRefused(ctx, t, nil, func(r *fixture.AuthRequest) {
		r.PKCE = &fixture.PKCE{Verifier: v, Challenge: v, Method: "plain"}
	}, "with plain",
		"the server issued a code for code_challenge_method=plain, which OAuth 2.1 removes: a challenge that is the verifier itself protects nothing once the authorization request is seen",
		"support S256 only: answer code_challenge_method=plain with error=invalid_request, and list only S256 in code_challenge_methods_supported")
}
