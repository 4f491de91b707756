package faultpairs_test

import "github.com/authspec/authspec/server"

// private_key_jwt client authentication (RFC 6749 §3.2.1, RFC 9126 §2,
// OAuth 2.1 §2.4).
var _ = add(map[string]pair{
	"rfc9126-2-client-assertion-audiences":    faults(server.FaultAssertionAudTokenEndpointOnly),
	"oauth21-2.4-client-assertion-aud-issuer": faults(server.FaultAssertionAudTokenEndpointOnly),
	"rfc6749-3.2.1-client-assertion-verified": faults(server.FaultAssertionSignatureUnchecked),
})

// Request Objects at the PAR endpoint (RFC 9126 §3).
var _ = add(map[string]pair{
	"rfc9126-3-request-object-signature-verified": faults(server.FaultRequestObjectSignatureUnchecked),
	"rfc9126-3-request-object-client-id-matched":  faults(server.FaultRequestObjectClientIDUnchecked),
})
