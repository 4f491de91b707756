package faultpairs_test

import (
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite/target"
)

var _ = add(map[string]pair{
	"rfc7591-2-defaults-registered":               faults(server.FaultRegisterNoDefaults),
	"rfc7591-2-unknown-metadata-ignored":          faults(server.FaultRegisterUnknownFatal),
	"rfc7591-2-jwks-and-jwks-uri-exclusive":       faults(server.FaultRegisterJWKSBesideURI),
	"rfc7591-2-client-uri-shown":                  faults(server.FaultConsentClientLinksHidden),
	"rfc7591-2-tos-uri-shown":                     faults(server.FaultConsentClientLinksHidden),
	"rfc7591-2-policy-uri-shown":                  faults(server.FaultConsentClientLinksHidden),
	"rfc7591-2-logo-uri-shown":                    missesShould(server.VariantConsentLogoHidden),
	"rfc7591-2.1-grant-response-types-consistent": faults(server.FaultRegisterInconsistentTypes),
	"rfc7591-3-open-registration":                 {cfg: func(c *server.Config) { c.InitialAccessToken = "authspec-faultpair-iat" }},
	"rfc7591-3.2.1-201-created":                   faults(server.FaultRegister200),
	"rfc7591-3.2.1-client-id-present":             faults(server.FaultRegisterNoClientID),
	"rfc7591-3.2.1-client-id-unique":              faults(server.FaultRegisterClientIDReused),
	"rfc7591-3.2.1-secret-for-confidential":       faults(server.FaultRegisterNoSecret),
	"rfc7591-3.2.1-no-secret-for-public":          faults(server.FaultRegisterSecretForPublic),
	"rfc7591-3.2.1-secret-unique":                 faults(server.FaultRegisterSecretReused),
	"rfc7591-3.2.1-secret-expires-at":             faults(server.FaultNoSecretExpiresAt),
	"rfc7591-3.2.1-issued-at-seconds":             faults(server.FaultRegisterIssuedAtMillis),
	"rfc7591-3.2.1-metadata-echoed":               faults(server.FaultRegisterNoEcho),
	"rfc7591-3.2.1-issued-credentials-work":       faults(server.FaultRegisterSecretUnusable),
	"rfc6749-5.1-registration-no-store":           faults(server.FaultRegisterNoCacheControl),
	"rfc7591-3.2.2-error-json":                    faults(server.FaultErrorNotJSON),
	"rfc7591-3.2.2-fragment-redirect-refused":     faults(server.FaultRegisterFragment),
	"rfc7591-3.2.2-relative-redirect-refused":     faults(server.FaultRegisterRelativeRedirect),
	"rfc7591-3.2.2-unsupported-auth-method":       observed(server.FaultRegisterAuthMethodUnchecked),
	"rfc7591-3.2.2-invalid-software-statement":    faults(server.FaultRegisterStatementUnverified),
	"rfc7591-5-http-redirect-refused":             faults(server.FaultRegisterHTTPRedirect),
	"rfc7591-5-redirect-uris-required":            faults(server.FaultRegisterRedirectURIsOptional),
	// The suite sends nothing to an origin the user did not allow: a user
	// whose server names an http registration endpoint allows its origin
	// to see why.
	"rfc7591-3-endpoint-https": {faults: []server.Fault{server.FaultMetadataRegistrationHTTP},
		target: func(c *target.Config) { c.AllowedOrigins = []string{"http://as.example.com"} }},
	"rfc7591-5-tls12-supported": overTLS(server.FaultTLS12Unsupported),
})
