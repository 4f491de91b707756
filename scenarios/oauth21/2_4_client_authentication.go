package oauth21

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/scenarios/internal/jwtauth"
	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// clientAuthenticationChecks returns the checks of OAuth 2.1 §2.4, Client
// Authentication.
func clientAuthenticationChecks() []*suite.Check {
	return []*suite.Check{clientAssertionAudIssuer}
}

var clientAssertionAudIssuer = &suite.Check{
	ID: "oauth21-2.4-client-assertion-aud-issuer", Spec: suite.OAuth21, Section: "2.4", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePrivateKeyJWT},
	// RFC 7523 §3 lets the server decide which values identify
	// it; only a server that claims OAuth 2.1 must take its issuer.
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "The token endpoint takes a private_key_jwt client assertion whose aud is the issuer identifier",
	Quote: "When using JWT-based client authentication, clients and authorization servers MUST follow the updated guidance around aud values in [I-D.ietf-oauth-rfc7523bis].",
	Keywordless: "draft-ietf-oauth-rfc7523bis has the client use the issuer identifier as the sole aud value, a JSON string, and the server reject any other: " +
		"a server that refuses that value refuses every client that follows the guidance. Whether it also refuses the token endpoint URL is not judged, " +
		"since RFC 9126 §2 as published requires accepting it at the PAR endpoint",
	Run: runClientAssertionAudIssuer,
}

// runClientAssertionAudIssuer sends a token request of a private_key_jwt
// client whose assertion's aud is the issuer identifier; refused, the same
// request with the token endpoint URL as aud tells the audience from
// another reason.
func runClientAssertionAudIssuer(ctx context.Context, t *suite.T) error {
	c, err := t.JWTClient(ctx)
	if err != nil {
		return err
	}
	auds := jwtauth.Audiences(t)
	res, err := jwtauth.Token(ctx, t, c, c.WithAssertion(auds[0].Value, nil), "token request with a client assertion whose aud is the issuer identifier")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return nil
	}
	other, err := jwtauth.Token(ctx, t, c, c.WithAssertion(auds[1].Value, nil), "token request with a client assertion whose aud is the token endpoint URL")
	if err != nil {
		return err
	}
	if !tokenreq.Issued(other) {
		return suite.SkipErr("the token endpoint took no client assertion of the client authspec registered (aud the issuer identifier: %s; the token endpoint URL: %s): nothing shows that the audience is the reason",
			expect.Outcome(res), expect.Outcome(other))
	}
	return expect.Fail(res, "tokens", fmt.Sprintf("HTTP %d%s", res.Status, expect.BodyHint(res)),
		"the token endpoint refuses a client assertion whose aud is the issuer identifier, the value draft-ietf-oauth-rfc7523bis requires, and takes one whose aud is the token endpoint URL").
		WithEvidence(other.Exchange).
		WithFix("accept client assertions whose aud is the issuer identifier (a JSON string)")
}
