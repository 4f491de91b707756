package server

// Faults of authorization server metadata (RFC 8414) and protected resource metadata (RFC 9728).
const (
	FaultMetadataNoAuthzEndpoint      Fault = "metadata-no-authorization-endpoint"
	FaultMetadataEmptyArray           Fault = "metadata-empty-array"
	FaultMetadataArrayAsString        Fault = "metadata-array-as-string"
	FaultMetadataUnsupportedGrant     Fault = "metadata-advertises-unsupported-grant"
	FaultMetadataUnsupportedRespType  Fault = "metadata-advertises-unsupported-response-type"
	FaultMetadataWrongIntrospectionEP Fault = "metadata-wrong-introspection-endpoint"
	FaultMetadataUnsupportedScope     Fault = "metadata-advertises-unsupported-scope"
	FaultClientSecretPostIgnored      Fault = "metadata-advertises-ignored-secret-post"
	FaultMetadataUnsupportedPKCE      Fault = "metadata-advertises-unsupported-pkce-method"
	FaultMetadataIntrospectionNone    Fault = "metadata-advertises-unsupported-introspection-auth"

	FaultResourceMetaPathAppended  Fault = "resource-metadata-path-appended"
	FaultResourceMetaNotJSON       Fault = "resource-metadata-not-json"
	FaultResourceMetaNoResource    Fault = "resource-metadata-no-resource"
	FaultResourceMetaScopesString  Fault = "resource-metadata-scopes-string"
	FaultResourceMetaEmptyArray    Fault = "resource-metadata-empty-array"
	FaultResourceMetaQueryMethod   Fault = "resource-metadata-advertises-query"
	FaultResourceMetaUnknownAS     Fault = "resource-metadata-unknown-authorization-server"
	FaultResourceMetaChallengeToAS Fault = "resource-metadata-challenge-wrong-document"
	FaultResourceMetaUnknownScope  Fault = "resource-metadata-advertises-unsupported-scope"
)

var discoveryFaults = map[Fault]string{
	FaultMetadataNoAuthzEndpoint:      "metadata omits authorization_endpoint although the authorization code grant is supported",
	FaultMetadataEmptyArray:           "metadata carries a member with an empty array (ui_locales_supported: []) instead of omitting it",
	FaultMetadataArrayAsString:        "metadata gives response_modes_supported as a string instead of a JSON array",
	FaultMetadataUnsupportedGrant:     "metadata advertises the device_code grant, which the token endpoint refuses as unsupported_grant_type",
	FaultMetadataUnsupportedRespType:  "metadata advertises response type token, which the authorization endpoint refuses as unsupported_response_type",
	FaultMetadataWrongIntrospectionEP: "metadata introspection_endpoint points at a URL that does not introspect tokens",
	FaultMetadataUnsupportedScope:     "metadata scopes_supported lists a scope the token endpoint refuses as invalid_scope",
	FaultClientSecretPostIgnored:      "metadata advertises client_secret_post but the token endpoint ignores client credentials in the body",
	FaultMetadataUnsupportedPKCE:      "metadata advertises code_challenge_method plain, which the authorization endpoint refuses",
	FaultMetadataIntrospectionNone:    "metadata lists none in introspection_endpoint_auth_methods_supported, but introspection refuses public clients",

	FaultResourceMetaPathAppended:  "protected resource metadata is served at the resource URL with the well-known suffix appended, not inserted before the path",
	FaultResourceMetaNotJSON:       "protected resource metadata is served with Content-Type text/plain",
	FaultResourceMetaNoResource:    "protected resource metadata omits the required resource member",
	FaultResourceMetaScopesString:  "protected resource metadata gives scopes_supported as a space-separated string instead of a JSON array",
	FaultResourceMetaEmptyArray:    "protected resource metadata carries a parameter with zero values (resource_signing_alg_values_supported: [])",
	FaultResourceMetaQueryMethod:   "protected resource metadata advertises bearer method query, which the resource does not accept",
	FaultResourceMetaUnknownAS:     "protected resource metadata lists an authorization server issuer that serves no RFC 8414 metadata",
	FaultResourceMetaChallengeToAS: "the resource's 401 challenge gives the authorization server metadata URL as resource_metadata",
	FaultResourceMetaUnknownScope:  "protected resource metadata scopes_supported lists a scope the authorization server refuses as invalid_scope",
}
