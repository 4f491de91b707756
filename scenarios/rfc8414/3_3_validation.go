package rfc8414

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// validationChecks returns the checks of RFC 8414 §3.3, Authorization
// Server Metadata Validation.
func validationChecks() []*suite.Check {
	meta := []vocab.Feature{vocab.FeatureMetadata}
	return []*suite.Check{
		{
			ID: "rfc8414-3.3-issuer-identical", Spec: suite.RFC8414, Section: "3.3", Level: suite.Must,
			Requires: meta, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "The issuer in the metadata is identical to the issuer the metadata was fetched for",
			Quote: "The \"issuer\" value returned MUST be identical to the authorization server's issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata.",
			Run:   runIssuerIdentical,
		},
	}
}

func runIssuerIdentical(ctx context.Context, t *suite.T) error {
	res := t.Target.MetadataResult
	if got := t.Target.Metadata.Issuer; got != t.Target.Issuer {
		return expect.Fail(res, "issuer: "+t.Target.Issuer, "issuer: "+quoted(got),
			"clients must reject this metadata: the issuer differs (even a trailing slash counts)").
			WithFix("serve the issuer exactly as clients are configured with it, or point authspec at the issuer the metadata names")
	}
	return nil
}
