package rfc9126

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// endpointChecks returns the checks of RFC 9126 §2, Pushed Authorization
// Request Endpoint.
func endpointChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9126-2-endpoint-https", Spec: suite.RFC9126, Section: "2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeaturePAR}, Profiles: profiles,
			Title: "The PAR endpoint the metadata names is an https URL",
			Quote: "The PAR endpoint URL MUST use the https scheme.",
			Run: func(_ context.Context, t *suite.T) error {
				return metadoc.JudgeHTTPSEndpoint(t, "pushed_authorization_request_endpoint",
					"confidential clients authenticate there and every authorization request's parameters travel to it in the clear",
					"serve the PAR endpoint over TLS and publish its https URL (behind a TLS-terminating proxy, build it from the external scheme)")
			},
		},
	}
}
