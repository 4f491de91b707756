package rfc7636

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationRequestChecks returns the checks of RFC 7636 §4.3, Client
// Sends the Code Challenge with the Authorization Request.
func authorizationRequestChecks() []*suite.Check {
	return []*suite.Check{defaultMethodPlain}
}

var defaultMethodPlain = &suite.Check{
	ID: "rfc7636-4.3-default-method-plain", Spec: suite.RFC7636, Section: "4.3", Level: suite.Must,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE},
	Title: "A code_challenge without code_challenge_method is taken as plain, never as S256",
	Quote: "code_challenge_method OPTIONAL, defaults to \"plain\" if not present in the request. Code verifier transformation method is \"S256\" or \"plain\". — " +
		"If the server supporting PKCE does not support the requested transformation, the authorization endpoint MUST return the authorization error response with \"error\" value set to \"invalid_request\". (§4.4.1)",
	Keywordless: "OPTIONAL binds the client; the default is a definition: a request without code_challenge_method asks for plain, so the server compares the verifier itself with the challenge, " +
		"or, without plain support, refuses the request (§4.4.1 MUST); taking it as S256 is neither",
	Run: runDefaultMethodPlain,
}

func runDefaultMethodPlain(ctx context.Context, t *suite.T) error {
	// An S256 challenge without its method: as plain, the
	// verifier does not equal it.
	p := fixture.NewPKCE()
	ar, res, err := t.TryAuthorizeFor(ctx, nil, func(r *fixture.AuthRequest) {
		r.PKCE = nil
		r.Extra = url.Values{"code_challenge": {p.Challenge}, "code_challenge_method": {""}}
	})
	if err != nil {
		return err
	}
	code := res.Param("code")
	if code == "" {
		// A server without plain must refuse the request
		// (RFC 7636 §4.4.1).
		return wantErrorRedirect(res, ar.State, "invalid_request", "code_challenge and no code_challenge_method (plain, unsupported)",
			"treat a missing code_challenge_method as plain; without plain support answer error=invalid_request")
	}
	tok, err := t.Redeem(ctx, ar, code, func(form url.Values) { form.Set("code_verifier", p.Verifier) })
	if err != nil {
		return err
	}
	return redeemRefused(t, tok, []string{"invalid_grant"},
		"a verifier whose S256 hash, not the verifier itself, equals the challenge: the missing method was taken as S256",
		"store code_challenge_method=plain when the request has none, and compare the verifier itself with the challenge")
}
