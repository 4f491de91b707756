package oauth21

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationResponseChecks returns the checks of OAuth 2.1 §4.1.2,
// Authorization Response.
func authorizationResponseChecks() []*suite.Check {
	return []*suite.Check{issRequired}
}

var issRequired = &suite.Check{
	ID: "oauth21-4.1.2-iss-required", Spec: suite.OAuth21, Section: "4.1.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	// RFC 9207 asks for iss only from a server that advertises it
	// (rfc9207-2-iss-parameter): only a server that claims OAuth
	// 2.1 must send it always.
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "Authorization responses carry iss equal to the issuer, whether or not the metadata advertises it",
	Quote: "\"iss\":  REQUIRED.  The issuer identifier of the authorization server which the client can use to prevent mix-up attacks, " +
		"if the client interacts with more than one authorization server.",
	Run: runIssRequired,
}

// runIssRequired approves the run's usual authorization request and
// requires iss, equal to the issuer of the metadata, in the response that
// comes back to the client. RFC 9207 asks for iss only from a server that
// advertises authorization_response_iss_parameter_supported
// (rfc9207-2-iss-parameter); OAuth 2.1 makes it a parameter of every
// authorization response.
func runIssRequired(ctx context.Context, t *suite.T) error {
	issuer := t.Target.Metadata.Issuer
	if issuer == "" {
		return suite.SkipErr("the metadata names no issuer to compare iss with (rfc8414-2-required-members judges that)")
	}
	res, err := t.AuthorizedBack(ctx, nil)
	if err != nil {
		return err
	}
	return issIsIssuer(res, issuer, "the authorization response")
}
