package rfc6749

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// clientCredentialsRequestChecks returns the checks of RFC 6749 §4.4.2,
// Access Token Request (client credentials).
func clientCredentialsRequestChecks() []*suite.Check {
	return []*suite.Check{clientCredentialsNeedsClientAuth}
}

var clientCredentialsNeedsClientAuth = &suite.Check{
	ID: "rfc6749-4.4.2-client-authentication-required", Spec: suite.RFC6749, Section: "4.4.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A client credentials request with client_id alone is refused",
	Quote:    "The authorization server MUST authenticate the client.",
	Run:      runClientCredentialsNeedsClientAuth,
}

func runClientCredentialsNeedsClientAuth(ctx context.Context, t *suite.T) error {
	src, err := clientCredentialsBaseline(ctx, t)
	if err != nil {
		return err
	}
	res, err := src.Send(ctx, unauthenticated(src.Client), nil, "client_credentials with client_id and no secret")
	if err != nil {
		return err
	}
	return refusedUnauthenticated(res, "the client credentials grant")
}
