package rfc6749

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// clientCredentialsChecks returns the checks of RFC 6749 §4.4, Client
// Credentials Grant.
func clientCredentialsChecks() []*suite.Check {
	return []*suite.Check{confidentialOnly}
}

var confidentialOnly = &suite.Check{
	ID: "rfc6749-4.4-confidential-only", Spec: suite.RFC6749, Section: "4.4", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureClientCredentials},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A public client cannot use the client credentials grant",
	Quote:    "The client credentials grant type MUST only be used by confidential clients.",
	Keywordless: "The MUST binds who uses the grant; the server's side is RFC 6749 §4.4.2, \"The authorization server MUST authenticate the client.\", " +
		"which a public client, having no credentials, cannot satisfy.",
	Run: runConfidentialOnly,
}

func runConfidentialOnly(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, c, clientCredentials(), "client_credentials as a public client")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "error=unauthorized_client (or invalid_client)", "HTTP 200 with tokens",
			"a public client, which anyone can impersonate, got tokens in its own name").
			WithFix("refuse the client_credentials grant to clients without credentials")
	}
	_, err = clientCredentialsBaseline(ctx, t)
	return err
}
