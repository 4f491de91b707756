package rfc7592

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
)

// securityChecks returns the checks of RFC 7592 §5, Security
// Considerations.
func securityChecks() []*suite.Check {
	return []*suite.Check{tls12Supported}
}

var tls12Supported = &suite.Check{
	ID: "rfc7592-5-tls12-supported", Spec: suite.RFC7592, Section: "5", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "The https client configuration endpoint completes a TLS handshake limited to TLS 1.2",
	Quote: "The server MUST support TLS 1.2 [RFC5246] and MAY support additional transport-layer security mechanisms meeting its security requirements.",
	Run:   runTLS12Supported,
}

// runTLS12Supported registers a client and judges the TLS versions of the
// registration_client_uri its registration response gives: the client
// configuration endpoint may be served elsewhere than the registration
// endpoint.
func runTLS12Supported(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	return probe.JudgeTLS12(ctx, t, "registration_client_uri", m.URI,
		"enable TLS 1.2 beside TLS 1.3 on the client configuration endpoint (its server or TLS-terminating proxy): clients that cannot speak TLS 1.3 cannot manage their registration")
}
