package rfc9728

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// signedMetadataChecks returns the checks of RFC 9728 §2.2, Signed
// Protected Resource Metadata.
func signedMetadataChecks() []*suite.Check {
	return []*suite.Check{signedMetadataJWSWithIss, signedMetadataNotNested}
}

var signedMetadataJWSWithIss = &suite.Check{
	ID: "rfc9728-2.2-signed-metadata-jws-with-iss", Spec: suite.RFC9728, Section: "2.2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "signed_metadata, when present, is a signed JWS whose claims carry iss",
	Quote: "The signed metadata MUST be digitally signed or MACed (protected with a Message Authentication Code) using a JSON Web Signature (JWS) [JWS] and MUST contain an iss (issuer) claim denoting the party attesting to the claims in the signed metadata.",
	Run:   runSignedMetadataJWSWithIss,
}

// runSignedMetadataJWSWithIss judges the form of signed_metadata; whether
// its signature verifies needs the signer's keys, which the run does not
// have.
func runSignedMetadataJWSWithIss(_ context.Context, t *suite.T) error {
	sm := metadoc.ReadSigned(t.Target.ResourceMetadata)
	switch {
	case !sm.Present:
		t.Logf("the protected resource metadata has no signed_metadata")
		return nil
	case sm.NotJWS != "":
		return expect.Fail(t.Target.ResourceMetadataResult, "a JWS (signed or MACed) in compact form", "signed_metadata "+sm.NotJWS,
			"clients cannot verify signed_metadata that is not a signed JWS, and must ignore it").
			WithFix("sign the metadata claims as a JWS (RFC 7515) in compact serialization and publish it as signed_metadata")
	}
	if iss, _ := sm.Claims["iss"].(string); iss != "" {
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "an iss claim naming the party that attests to the metadata", "claims: "+expect.Keys(sm.Claims),
		"the signed metadata does not say who signed it, so a client cannot pick the key to verify it with").
		WithFix(`add an "iss" claim with the issuer of the signed metadata`)
}

var signedMetadataNotNested = &suite.Check{
	ID: "rfc9728-2.2-signed-metadata-not-nested", Spec: suite.RFC9728, Section: "2.2", Level: suite.ShouldNot,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The claims of signed_metadata hold no signed_metadata of their own",
	Quote: "A signed_metadata parameter SHOULD NOT appear as a claim in the JWT; it is RECOMMENDED to reject any metadata in which this occurs.",
	Run:   runSignedMetadataNotNested,
}

func runSignedMetadataNotNested(_ context.Context, t *suite.T) error {
	sm := metadoc.ReadSigned(t.Target.ResourceMetadata)
	switch {
	case !sm.Present:
		t.Logf("the protected resource metadata has no signed_metadata")
		return nil
	case sm.NotJWS != "":
		return suite.SkipErr("signed_metadata is %s (the RFC 9728 §2.2 MUST check reports it): its claims cannot be read", sm.NotJWS)
	}
	if _, nested := sm.Claims["signed_metadata"]; !nested {
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "claims without signed_metadata", "claims: "+expect.Keys(sm.Claims),
		"the signed metadata holds a signed_metadata claim of its own, which clients are advised to reject").
		WithFix("leave signed_metadata out of the claims of the signed metadata")
}
