package oauth21

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenRequestChecks returns the checks of OAuth 2.1 §3.2.2, Token
// Endpoint Request.
func tokenRequestChecks() []*suite.Check {
	return []*suite.Check{publicClientSecretAuthenticated}
}

// wrongSecret is the client secret a public client made up.
const wrongSecret = "authspec-public-client-made-up-secret"

var publicClientSecretAuthenticated = &suite.Check{
	ID: "oauth21-3.2.2-public-client-secret-authenticated", Spec: suite.OAuth21, Section: "3.2.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A public client that sends a client_secret is authenticated by it: a made-up secret gets no tokens",
	Quote: "The authorization server MUST: ... * authenticate the client if client authentication is included",
	Run:   runPublicClientSecretAuthenticated,
}

// runPublicClientSecretAuthenticated redeems a public client's code with
// HTTP Basic credentials: its client_id and a secret it was never issued.
// A server that serves the request as if the client had sent its client_id
// alone accepts any secret as proof of the client's identity (OAuth 2.1
// §8.1). HTTP Basic, which every server must read (RFC 6749 §2.3.1), rather
// than the body, which a server that supports only Basic may ignore.
func runPublicClientSecretAuthenticated(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, c, nil)
	if err != nil {
		return err
	}
	withSecret := *c
	withSecret.AuthMethod, withSecret.Secret = "client_secret_basic", wrongSecret
	res, err := g.RedeemAs(ctx, &withSecret, nil)
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return expect.Fail(res, "error=invalid_client", "HTTP 200 with tokens",
			"the public client's code was redeemed with a client_secret it was never issued: the secret was not checked").
			WithFix("authenticate every client that sends credentials; a public client has no secret, so a secret it sends fails (invalid_client)")
	}
	// The sentence asks for the refusal; its form is RFC 6749 §5.2's, which
	// the §5.2 checks judge (expect.Refused logs another form).
	return expect.WithFix(expect.Refused(t, res, "invalid_client", "invalid_request"), "answer a failed client authentication with error=invalid_client")
}
