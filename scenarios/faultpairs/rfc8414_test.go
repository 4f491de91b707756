package faultpairs_test

import (
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
)

var _ = add(map[string]pair{
	"rfc8414-3.3-issuer-identical":              faults(server.FaultIssuerMismatch),
	"rfc8414-3.2-json-content-type":             faults(server.FaultMetadataNotJSON),
	"rfc8414-2-required-members":                faults(server.FaultMetadataNoRespTypes),
	"rfc8414-2-registration-endpoint-registers": faults(server.FaultWrongRegistrationEP),
	"rfc8414-2-code-challenge-methods-s256":     faults(server.FaultMetadataNoS256),
	"rfc8414-2-issuer-https-url":                faults(server.FaultMetadataIssuerQuery),
	// Only the OpenID Connect form, appended to an issuer with a path: an
	// observation (RFC 8414 §5 has clients fall back to it).
	"rfc8414-3-well-known-inserted":                  {variants: []server.Variant{server.VariantOpenIDDiscoveryOnly, server.VariantIssuerPath}, want: suite.Warn},
	"rfc8414-2-jwks-uri-https":                       faults(server.FaultMetadataJWKSURIHTTP),
	"rfc8414-2-signing-alg-none-absent":              faults(server.FaultMetadataSigningAlgNone),
	"rfc8414-2-signing-algs-with-jwt-auth":           faults(server.FaultMetadataJWTAuthNoAlgs),
	"rfc8414-2-jwks-use-when-mixed":                  faults(server.FaultMetadataJWKSUseMissing),
	"rfc8414-2.1-signed-metadata-jws-with-iss":       faults(server.FaultMetadataSignedNoIss),
	"rfc8414-2.1-signed-metadata-not-nested":         faults(server.FaultMetadataSignedNested),
	"rfc8414-2-revocation-auth-methods-authenticate": faults(server.FaultRevokePublicRefused),
	"rfc8414-3.3-openid-configuration-consistent":    faults(server.FaultOpenIDConfigurationDiffers),
})
