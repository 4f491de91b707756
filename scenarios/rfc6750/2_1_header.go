package rfc6750

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// headerChecks returns the checks of RFC 6750 §2.1, Authorization Request
// Header Field.
func headerChecks() []*suite.Check {
	return []*suite.Check{schemeCaseInsensitive, severalSpacesAccepted}
}

var schemeCaseInsensitive = &suite.Check{
	ID: "rfc6750-2.1-scheme-case-insensitive", Spec: suite.RFC6750, Section: "2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "The resource accepts the scheme name in any case (\"bearer <token>\")",
	Quote:    "It uses a case-insensitive token to identify the authentication scheme: auth-scheme = token (RFC 9110 §11.1, the framework RFC 6750 §2.1 credentials follow)",
	Keywordless: "RFC 6750 §2.1 says \"Resource servers MUST support this method\" of the Authorization header, whose auth-scheme RFC 9110 §11.1 defines as a case-insensitive token: " +
		"a resource that refuses \"bearer\" does not support the method as defined",
	Run: runSchemeCaseInsensitive,
}

func runSchemeCaseInsensitive(ctx context.Context, t *suite.T) error {
	_, tok, baseline, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := callWith(ctx, t, t.Target.Resource, "bearer "+tok, "call the protected resource with \"bearer\" in lower case")
	if err != nil {
		return err
	}
	if res.Status < 200 || res.Status > 299 {
		return expect.Fail(res, "the token accepted as with \"Bearer\"", fmt.Sprintf("HTTP %d", res.Status),
			"the resource accepts \"Bearer <token>\" but refuses \"bearer <token>\"").
			WithFix("compare the auth-scheme case-insensitively (strings.EqualFold)").
			WithEvidence(baseline.Exchange)
	}
	return nil
}

var severalSpacesAccepted = &suite.Check{
	ID: "rfc6750-2.1-several-spaces-accepted", Spec: suite.RFC6750, Section: "2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "The resource accepts \"Bearer\" followed by several spaces before the token (1*SP)",
	Quote:    "b64token = 1*( ALPHA / DIGIT / \"-\" / \".\" / \"_\" / \"~\" / \"+\" / \"/\" ) *\"=\" credentials = \"Bearer\" 1*SP b64token ... Resource servers MUST support this method.",
	Run:      runSeveralSpacesAccepted,
}

func runSeveralSpacesAccepted(ctx context.Context, t *suite.T) error {
	_, tok, baseline, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := callWith(ctx, t, t.Target.Resource, "Bearer   "+tok, "call the protected resource with three spaces after \"Bearer\"")
	if err != nil {
		return err
	}
	if res.Status < 200 || res.Status > 299 {
		return expect.Fail(res, "the token accepted as with one space", fmt.Sprintf("HTTP %d", res.Status),
			"the resource refuses \"Bearer\" followed by more than one space").
			WithFix("skip all spaces between the scheme and the token: credentials = \"Bearer\" 1*SP b64token").
			WithEvidence(baseline.Exchange)
	}
	return nil
}
