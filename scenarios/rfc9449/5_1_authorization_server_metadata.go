package rfc9449

import (
	"context"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

func metadataChecks() []*suite.Check {
	return []*suite.Check{signingAlgs}
}

var signingAlgs = &suite.Check{
	ID: "rfc9449-5.1-signing-algs-array", Spec: suite.RFC9449, Section: "5.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDPoP}, Profiles: profiles,
	Title:       "dpop_signing_alg_values_supported is a JSON array of JWS alg names, without none",
	Quote:       "dpop_signing_alg_values_supported: A JSON array containing a list of the JWS alg values (from the [IANA.JOSE.ALGS] registry) supported by the authorization server for DPoP proof JWTs.",
	Keywordless: "RFC 9449 §5.1 defines the metadata member's value; the definition binds every server that publishes it, and §11.6 says the algorithm none MUST NOT be allowed",
	Run:         runSigningAlgs,
}

func runSigningAlgs(_ context.Context, t *suite.T) error {
	v, present := t.Target.Metadata.Raw["dpop_signing_alg_values_supported"]
	res := t.Target.MetadataResult
	if !present {
		// An OPTIONAL member (§5.1): the definition binds a value only.
		return suite.SkipErr("the metadata has no dpop_signing_alg_values_supported (DPoP support declared in the config): no value to judge")
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return expect.Fail(res, "a non-empty JSON array of strings", expect.Describe(v),
			"dpop_signing_alg_values_supported is not a non-empty JSON array").WithFix("list the JWS algorithms accepted in DPoP proofs, such as [\"ES256\"]")
	}
	for _, a := range list {
		s, ok := a.(string)
		switch {
		case !ok || s == "":
			return expect.Fail(res, "JWS alg names (strings)", expect.Describe(a),
				"dpop_signing_alg_values_supported holds %s", expect.Describe(a))
		case strings.EqualFold(s, "none") || strings.HasPrefix(s, "HS"):
			return expect.Fail(res, "asymmetric JWS algorithms only", s,
				"dpop_signing_alg_values_supported lists %q: DPoP proofs are signed with asymmetric algorithms, never none (RFC 9449 §11.6)", s).
				WithFix("advertise only the asymmetric algorithms the server accepts, such as ES256 and PS256")
		}
	}
	return nil
}
