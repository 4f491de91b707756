package faultpairs_test

import "github.com/authspec/authspec/server"

// Pairs of RFC 8414 and RFC 9728 checks with the faults that reshape the
// metadata documents (server/middleware_discovery.go).
var _ = add(map[string]pair{
	"rfc8414-2-authorization-endpoint-required":         faults(server.FaultMetadataNoAuthzEndpoint),
	"rfc8414-2-token-endpoint-required":                 faults(server.FaultMetadataNoTokenEndpoint),
	"rfc8414-2-grant-types-not-refused":                 faults(server.FaultMetadataUnsupportedGrant),
	"rfc8414-2-response-types-not-refused":              faults(server.FaultMetadataUnsupportedRespType),
	"rfc8414-2-token-auth-methods-authenticate":         faults(server.FaultTokenSecretPostIgnored),
	"rfc8414-2-introspection-endpoint-introspects":      faults(server.FaultMetadataWrongIntrospectionEP),
	"rfc8414-2-scopes-supported-accepted":               faults(server.FaultMetadataUnsupportedScope),
	"rfc8414-3.2-no-empty-arrays":                       faults(server.FaultMetadataEmptyArray),
	"rfc8414-2-code-challenge-methods-honoured":         faults(server.FaultMetadataUnsupportedPKCE),
	"rfc8414-2-introspection-auth-methods-authenticate": faults(server.FaultMetadataIntrospectionNone),
	"rfc8414-3.2-multi-valued-as-arrays":                faults(server.FaultMetadataArrayAsString),
})

var _ = add(map[string]pair{
	"rfc9728-2-resource-required":                   faults(server.FaultResourceMetaNoResource),
	"rfc9728-2-jwks-keys-have-use":                  faults(server.FaultResourceJWKSNoUse),
	"rfc9728-2.2-signed-metadata-jws-with-iss":      faults(server.FaultResourceSignedMetadataNoIss),
	"rfc9728-2.2-signed-metadata-not-nested":        faults(server.FaultResourceSignedMetadataNested),
	"rfc9728-2-authorization-servers-have-metadata": faults(server.FaultResourceMetaUnknownAS),
	"rfc9728-2-bearer-methods-honoured":             faults(server.FaultResourceMetaQueryMethod),
	"rfc9728-3-well-known-uri":                      faults(server.FaultResourceMetaPathAppended),
	"rfc9728-3.2-json-content-type":                 faults(server.FaultResourceMetaNotJSON),
	"rfc9728-3.2-no-empty-arrays":                   faults(server.FaultResourceMetaEmptyArray),
	"rfc9728-3.2-multi-valued-as-arrays":            faults(server.FaultResourceMetaScopesString),
	"rfc9728-3.3-challenge-metadata-resource":       faults(server.FaultResourceMetaChallengeToAS),
	"rfc9728-2-scopes-supported-requestable":        faults(server.FaultResourceMetaUnknownScope),
	"rfc9728-1.2-resource-no-query":                 faults(server.FaultResourceMetaResourceQuery),
	"rfc9728-2-resource-https-url":                  faults(server.FaultResourceMetaResourceFragment),
	"rfc9728-2-jwks-uri-https":                      faults(server.FaultResourceMetaJWKSURIHTTP),
	"rfc9728-2-signing-alg-none-absent":             faults(server.FaultResourceMetaSigningAlgNone),
	"rfc9728-2-resource-name":                       faults(server.FaultResourceMetaNoName),
	"rfc9728-2.1-untagged-instance":                 faults(server.FaultResourceMetaTaggedNameOnly),
})
