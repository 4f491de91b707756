package rfc9207

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// providingChecks returns the checks of RFC 9207 §2.3, Providing the
// Issuer Identifier.
func providingChecks() []*suite.Check {
	return []*suite.Check{issSupportAdvertised}
}

var issSupportAdvertised = &suite.Check{
	ID: "rfc9207-2.3-iss-support-advertised", Spec: suite.RFC9207, Section: "2.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A server whose authorization responses carry iss says so with authorization_response_iss_parameter_supported: true",
	Quote: "For authorization servers publishing metadata according to [RFC8414], the following rules apply: ... " +
		"The server MUST indicate its support for the iss parameter by setting the metadata parameter authorization_response_iss_parameter_supported, defined in Section 3, to true.",
	Run: runIssSupportAdvertised,
}

// runIssSupportAdvertised judges a server that sends iss: clients that
// follow RFC 9207 §2.4 ("Clients SHOULD discard authorization responses
// with the iss parameter from authorization servers that do not indicate
// their support for the parameter") discard its responses unless the
// metadata says true, a JSON boolean (§3).
func runIssSupportAdvertised(ctx context.Context, t *suite.T) error {
	if t.Target.MetadataResult == nil || t.Target.Metadata.Raw == nil {
		return suite.SkipErr("no RFC 8414 metadata was fetched: the rule binds servers publishing metadata")
	}
	res, err := responseWithIss(ctx, t, "the server does not support RFC 9207; rfc9207-2-iss-parameter judges a server whose metadata says it does")
	if err != nil {
		return err
	}
	v, present := t.Target.Metadata.Raw["authorization_response_iss_parameter_supported"]
	if b, ok := v.(bool); ok && b {
		return nil
	}
	got := "absent"
	if present {
		got = expect.Describe(v)
	}
	return expect.Fail(t.Target.MetadataResult, "authorization_response_iss_parameter_supported: true", got,
		"the authorization responses carry iss, but the metadata does not say so: clients discard such responses or cannot rely on iss").
		WithEvidence(res.Last.Exchange).
		WithFix(`publish "authorization_response_iss_parameter_supported": true (a JSON boolean) in the authorization server metadata`)
}
