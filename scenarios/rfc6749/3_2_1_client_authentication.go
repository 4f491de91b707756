package rfc6749

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/jwtauth"
	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenClientAuthenticationChecks returns the checks of RFC 6749 §3.2.1,
// Client Authentication (at the token endpoint).
func tokenClientAuthenticationChecks() []*suite.Check {
	return []*suite.Check{secretComparedExactly, clientAssertionVerified, publicClientIDRequired}
}

var secretComparedExactly = &suite.Check{
	ID: "rfc6749-3.2.1-secret-compared-exactly", Spec: suite.RFC6749, Section: "3.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A client secret that differs only in letter case does not authenticate the client",
	Quote:    "Confidential clients or other clients issued client credentials MUST authenticate with the authorization server as described in Section 2.3 when making requests to the token endpoint.",
	Keywordless: "The MUST binds the client; the server's side is its duty to authenticate the client at the token endpoint " +
		"(RFC 6749 §4.1.3 \"require client authentication for confidential clients\", §4.4.2 \"The authorization server MUST authenticate the client.\"): " +
		"a secret that is not the client's secret does not authenticate it.",
	Run: runSecretComparedExactly,
}

func runSecretComparedExactly(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	wrong := *src.Client
	wrong.Secret = probe.SwapCase(src.Client.Secret)
	if wrong.Secret == src.Client.Secret {
		return suite.SkipErr("the client secret has no letters; cannot change its case")
	}
	t.Secret(wrong.Secret)
	res, err := src.Send(ctx, &wrong, nil, "the client secret in inverted letter case")
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		return expect.Fail(res, "error=invalid_client", outcomeOf(res),
			"a secret that is not the client's secret authenticated it: letter case is ignored, which shrinks the secret's strength").
			WithFix("compare client secrets byte for byte (in constant time, or by comparing hashes)")
	}
	if _, err := expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "invalid_client"); err != nil {
		return err
	}
	_, err = src.Confirm(ctx)
	return err
}

var publicClientIDRequired = &suite.Check{
	ID: "rfc6749-3.2.1-public-client-id-required", Spec: suite.RFC6749, Section: "3.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A code exchange by an unauthenticated client without client_id is refused",
	Quote:    "In the \"authorization_code\" \"grant_type\" request to the token endpoint, an unauthenticated client MUST send its \"client_id\" to prevent itself from inadvertently accepting a code intended for a client with a different \"client_id\".",
	Keywordless: "The MUST binds the client; the server's side is RFC 6749 §4.1.3: the server MUST \"ensure that the authorization code was issued to the authenticated confidential client, " +
		"or if the client is public, ensure that the code was issued to \"client_id\" in the request\", which it cannot do for a request without client_id.",
	Run: runPublicClientIDRequired,
}

func runPublicClientIDRequired(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, c, nil)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, nil, g.Request.RedeemForm(g.Code), "redeem a public client's code without client_id")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "an error (invalid_request or invalid_client)", "HTTP 200 with tokens",
			"a code was redeemed without naming the client it was issued to, so the server cannot check the binding").
			WithFix("require client_id from clients that do not authenticate, and compare it with the code's client")
	}
	return nil
}

var clientAssertionVerified = &suite.Check{
	ID: "rfc6749-3.2.1-client-assertion-verified", Spec: suite.RFC6749, Section: "3.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePrivateKeyJWT},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A private_key_jwt client assertion signed by a key the client did not register does not authenticate the client",
	Quote:    "Confidential clients or other clients issued client credentials MUST authenticate with the authorization server as described in Section 2.3 when making requests to the token endpoint.",
	Keywordless: "The MUST binds the client; the server's side is its duty to authenticate the client at the token endpoint " +
		"(RFC 6749 §4.1.3 \"require client authentication for confidential clients\", §4.4.2 \"The authorization server MUST authenticate the client.\"): " +
		"an assertion whose signature the client's registered keys do not verify is not the client's (RFC 7523 §3: \"The JWT MUST be digitally signed\").",
	Run: runClientAssertionVerified,
}

// runClientAssertionVerified authenticates a private_key_jwt client with
// an assertion of its own key (the control: the first audience RFC 9126 §2
// lists that the target takes), then with one signed by a new key under
// the same key ID.
func runClientAssertionVerified(ctx context.Context, t *suite.T) error {
	c, err := t.JWTClient(ctx)
	if err != nil {
		return err
	}
	var control *httpx.Result
	for _, a := range jwtauth.Audiences(t)[:2] {
		c = c.WithAssertion(a.Value, nil)
		if control, err = jwtauth.Token(ctx, t, c, nil, "control: token request with the client's own assertion, aud "+a.Name); err != nil {
			return err
		}
		if tokenreq.Issued(control) {
			break
		}
	}
	if !tokenreq.Issued(control) {
		return suite.SkipErr("the token endpoint took no client assertion of the client authspec registered (%s): a refusal of a forged one would prove nothing", expect.Outcome(control))
	}
	forger, err := fixture.NewJWTKey(c.Key.Alg)
	if err != nil {
		return err
	}
	forger.KeyID = c.Key.KeyID
	res, err := jwtauth.Token(ctx, t, c, c.WithAssertion(c.Audience, forger), "token request with an assertion signed by another key under the client's key ID")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "error=invalid_client", "tokens",
			"a client assertion signed by a key the client never registered authenticated the client: anyone who knows a client_id can act as that client").
			WithEvidence(control.Exchange).
			WithFix("verify the signature of client_assertion with the keys the client registered (jwks or jwks_uri), and refuse it when none verifies")
	}
	return expect.Refused(t, res, "invalid_client")
}
