package rfc9449

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
)

func schemeChecks() []*suite.Check {
	return []*suite.Check{{
		ID: "rfc9449-7.1-resource-htu-mismatch-refused", Spec: suite.RFC9449, Section: "7.1", Level: suite.Must,
		Requires: atResource, Profiles: profiles,
		Title: "The resource refuses a DPoP-bound token with a proof made for another URI",
		Quote: "For such an access token, a resource server MUST check that a DPoP proof was also received in the DPoP header field of the HTTP request, check the DPoP proof according to the rules in Section 4.3, and check that the public key of the DPoP proof matches the public key to which the access token is bound per Section 6.",
		Run: func(ctx context.Context, t *suite.T) error {
			return refusedAtResource(ctx, t, "whose htu is another URI", "check the proof's htu against the resource's URI (RFC 9449 §4.3)",
				func(p *dpop.Proof) { p.URL = otherURI(t.Target.Resource) })
		},
	}}
}
