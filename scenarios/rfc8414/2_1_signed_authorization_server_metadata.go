package rfc8414

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// signedMetadataChecks returns the checks of RFC 8414 §2.1, Signed
// Authorization Server Metadata.
func signedMetadataChecks() []*suite.Check {
	return []*suite.Check{signedMetadataJWSWithIss, signedMetadataNotNested}
}

// signedMetadataClaims reads the claims of the metadata's signed_metadata
// without verifying its signature (metadoc.ReadSigned): present is false
// when the metadata has none; a value that is not a signed JWS in compact
// form, or whose payload is not a JSON object, is a failure.
func signedMetadataClaims(t *suite.T) (claims map[string]any, present bool, err error) {
	sm := metadoc.ReadSigned(t.Target.Metadata.Raw)
	if !sm.Present {
		return nil, false, nil
	}
	if sm.NotJWS != "" {
		return nil, true, expect.Fail(t.Target.MetadataResult, "a JWS in compact serialization, signed or MACed, whose payload is a JSON object with iss",
			"signed_metadata: "+expect.Describe(t.Target.Metadata.Raw["signed_metadata"]), "signed_metadata is %s", sm.NotJWS).
			WithFix("publish in signed_metadata a JWT signed (or MACed) with JWS, whose claims include iss and the metadata values")
	}
	return sm.Claims, true, nil
}

var signedMetadataJWSWithIss = &suite.Check{
	ID: "rfc8414-2.1-signed-metadata-jws-with-iss", Spec: suite.RFC8414, Section: "2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "signed_metadata, when present, is a JWS whose payload has an iss claim",
	Quote: "The signed metadata MUST be digitally signed or MACed using JSON Web Signature (JWS) [JWS] and MUST contain an \"iss\" (issuer) claim denoting the party attesting to the claims in the signed metadata.",
	Run:   runSignedMetadataJWSWithIss,
}

func runSignedMetadataJWSWithIss(_ context.Context, t *suite.T) error {
	claims, present, err := signedMetadataClaims(t)
	if err != nil || !present {
		if !present {
			t.Logf("the metadata has no signed_metadata")
		}
		return err
	}
	if iss, _ := claims["iss"].(string); iss == "" {
		return expect.Fail(t.Target.MetadataResult, `an "iss" claim naming the party attesting to the claims`, "claims: "+expect.Keys(claims),
			"the JWT of signed_metadata has no iss claim: a client cannot tell who attests to the metadata").
			WithFix("put in the JWT of signed_metadata an iss claim naming its signer")
	}
	return nil
}

var signedMetadataNotNested = &suite.Check{
	ID: "rfc8414-2.1-signed-metadata-not-nested", Spec: suite.RFC8414, Section: "2.1", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The JWT of signed_metadata has no signed_metadata claim",
	Quote: "A \"signed_metadata\" metadata value SHOULD NOT appear as a claim in the JWT.",
	Run:   runSignedMetadataNotNested,
}

func runSignedMetadataNotNested(_ context.Context, t *suite.T) error {
	claims, present, err := signedMetadataClaims(t)
	if !present {
		t.Logf("the metadata has no signed_metadata")
		return nil
	}
	if err != nil {
		return suite.SkipErr("signed_metadata cannot be read as a JWS (see rfc8414-2.1-signed-metadata-jws-with-iss)")
	}
	if _, nested := claims["signed_metadata"]; nested {
		return expect.Fail(t.Target.MetadataResult, "no signed_metadata claim in the JWT", "claims: "+expect.Keys(claims),
			"the JWT of signed_metadata carries a signed_metadata claim of its own").
			WithFix("leave signed_metadata out of the claims of the signed metadata")
	}
	return nil
}
