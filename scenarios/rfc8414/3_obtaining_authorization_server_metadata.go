package rfc8414

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// obtainingChecks returns the checks of RFC 8414 §3, Obtaining
// Authorization Server Metadata.
func obtainingChecks() []*suite.Check {
	return []*suite.Check{wellKnownInserted}
}

var wellKnownInserted = &suite.Check{
	ID: "rfc8414-3-well-known-inserted", Spec: suite.RFC8414, Section: "3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The metadata is served at the well-known URI inserted between the issuer's host and path (only the OpenID Connect appended form is reported as an observation)",
	Quote: "Authorization servers supporting metadata MUST make a JSON document containing metadata as specified in Section 2 available at a path formed by inserting a well-known URI string into the authorization server's issuer identifier between the host component and the path component (if any).",
	Run:   runWellKnownInserted,
}

func runWellKnownInserted(ctx context.Context, t *suite.T) error {
	var tried []string
	for _, suffix := range []string{t.Target.MetadataSource, "oauth-authorization-server", "openid-configuration"} {
		u, err := target.WellKnownURL(t.Target.Issuer, suffix)
		if err != nil {
			return suite.SkipErr("the issuer %q gives no well-known URI: %v", t.Target.Issuer, err)
		}
		if u == t.Target.MetadataURL {
			t.Logf("the metadata was found at %s, the well-known URI inserted before the issuer's path", u)
			return nil
		}
		m, _, err := fetchOtherMetadata(ctx, t, u)
		if err != nil {
			return err
		}
		if m != nil {
			t.Logf("the metadata is served at %s, the well-known URI inserted before the issuer's path", u)
			return nil
		}
		tried = append(tried, u)
	}
	// OpenID Connect Discovery 1.0 §4 appends the suffix to the issuer, and
	// RFC 8414 §5 tells clients to fall back to that location: an OpenID
	// provider that serves only there is reported, not failed.
	return expect.Fail(t.Target.MetadataResult, "the metadata at "+tried[0], "the metadata only at "+t.Target.MetadataURL,
		"the server publishes its metadata only where OpenID Connect Discovery appends the suffix to the issuer; RFC 8414 clients look first where it is inserted before the path").
		WithFix("serve the metadata at " + tried[0] + " as well").AsObservation()
}
