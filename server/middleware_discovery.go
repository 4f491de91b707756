package server

import (
	"net/http"
	"slices"
	"strings"
)

// The behaviours that reshape the metadata documents: authorization server
// metadata (RFC 8414) and protected resource metadata (RFC 9728).

// metadataRules rewrite the RFC 8414 document.
func (s *Server) metadataRules() []rule {
	return []rule{
		onFault(FaultIssuerMismatch, func(res *response) {
			editBody(res, func(m *Metadata) {
				// Another path, not just a final slash: https://as and
				// https://as/ share a metadata URL, so the server could
				// not tell which one a client was configured with.
				m.Issuer = strings.TrimSuffix(s.cfg.Issuer, "/") + "/other-issuer"
			})
		}),
		onFault(FaultWrongRegistrationEP, func(res *response) {
			editBody(res, func(m *Metadata) { m.RegistrationEndpoint = s.endpoint("/registration") })
		}),
		onFault(FaultMetadataNoRespTypes, func(res *response) {
			editBody(res, func(m *Metadata) { m.ResponseTypesSupported = nil })
		}),
		onFault(FaultMetadataNoS256, func(res *response) {
			editBody(res, func(m *Metadata) { m.CodeChallengeMethodsSupported = nil })
		}),
		onFault(FaultMetadataNoAuthzEndpoint, deleteMember("authorization_endpoint")),
		onFault(FaultMetadataNoTokenEndpoint, deleteMember("token_endpoint")),
		onFault(FaultLogoutOpenRedirect, func(res *response) { setMember("end_session_endpoint", s.endpoint("/logout"))(res) }),
		onFault(FaultMetadataIssNotAdvertised, deleteMember("authorization_response_iss_parameter_supported")),
		onFault(FaultCIMDNotAdvertised, deleteMember("client_id_metadata_document_supported")),
		onFault(FaultMetadataEmptyArray, setMember("ui_locales_supported", []string{})),
		onFault(FaultMetadataArrayAsString, joinMember("response_modes_supported")),
		onFault(FaultMetadataUnsupportedGrant, appendMember("grant_types_supported", deviceCodeGrant)),
		onFault(FaultMetadataUnsupportedRespType, appendMember("response_types_supported", "token")),
		onFault(FaultMetadataEndpointFragment, func(res *response) {
			editBody(res, func(m *Metadata) {
				m.AuthorizationEndpoint += "#authorize"
				m.TokenEndpoint += "#token"
			})
		}),
		onFault(FaultMetadataRevocationFragment, func(res *response) {
			editBody(res, func(m *Metadata) { m.RevocationEndpoint += "#revoke" })
		}),
		onFault(FaultMetadataWrongIntrospectionEP, setMember("introspection_endpoint", s.endpoint("/introspection"))),
		onFault(FaultMetadataUnsupportedScope, appendMember("scopes_supported", s.unsupportedScope())),
		onFault(FaultMetadataUnsupportedPKCE, func(res *response) {
			res.editMembers(func(m map[string]any) {
				if methods, _ := m["code_challenge_methods_supported"].([]any); !slices.Contains(methods, any("plain")) {
					m["code_challenge_methods_supported"] = append(methods, "plain")
				}
			})
		}),
		onFault(FaultMetadataIntrospectionNone, appendMember("introspection_endpoint_auth_methods_supported", authNone)),
		onFault(FaultMetadataNotJSON, setContentType("text/html; charset=utf-8")),
		onFault(FaultMetadataIssuerQuery, func(res *response) {
			editBody(res, func(m *Metadata) { m.Issuer += "?tenant=a" })
		}),
		onFault(FaultMetadataJWKSURIHTTP, setMember("jwks_uri", "http://keys.example.com/jwks.json")),
		onFault(FaultMetadataEndpointHTTP, setMember("revocation_endpoint", "http://as.example.com/revoke")),
		onFault(FaultMetadataSigningAlgNone, setMember("token_endpoint_auth_signing_alg_values_supported", []string{"RS256", "none"})),
		onFault(FaultMetadataJWTAuthNoAlgs, deleteMember("token_endpoint_auth_signing_alg_values_supported")),
		onFault(FaultMetadataRegistrationHTTP, setMember("registration_endpoint", "http://as.example.com/register")),
		onFault(FaultMetadataPARHTTP, setMember("pushed_authorization_request_endpoint", "http://as.example.com/par")),
		onFault(FaultMetadataJWKSUseMissing, setMember("jwks_uri", s.endpoint(faultJWKSPath))),
		onFault(FaultMetadataSignedNoIss, signMetadataRule(func(c map[string]any) { delete(c, "issuer") })),
		onFault(FaultMetadataSignedNested, signMetadataRule(func(c map[string]any) {
			c["iss"] = c["issuer"]
			c["signed_metadata"] = signedMetadata(map[string]any{"iss": c["issuer"]})
		})),
	}
}

// resourceMetadataRules rewrite the RFC 9728 document.
func (s *Server) resourceMetadataRules() []rule {
	return []rule{
		onFault(FaultResourceMetaWrongAS, func(res *response) {
			editBody(res, func(m *ResourceMetadata) { m.AuthorizationServers = []string{s.base + "/other-issuer"} })
		}),
		onFault(FaultResourceMetaWrongResource, func(res *response) {
			editBody(res, func(m *ResourceMetadata) { m.Resource += "/" })
		}),
		onFault(FaultMCPNoAuthorizationServers, func(res *response) {
			editBody(res, func(m *ResourceMetadata) { m.AuthorizationServers = []string{} })
		}),
		onFault(FaultResourceMetaNoResource, deleteMember("resource")),
		onFault(FaultResourceMetaScopesString, joinMember("scopes_supported")),
		onFault(FaultResourceMetaEmptyArray, setMember("resource_signing_alg_values_supported", []string{})),
		onFault(FaultResourceMetaQueryMethod, appendMember("bearer_methods_supported", "query")),
		onFault(FaultResourceMetaUnknownAS, appendMember("authorization_servers", s.base+"/tenant-unknown")),
		onVariant(VariantResourceSecondAS, appendMember("authorization_servers", "https://idp.authspec.invalid")),
		onFault(FaultResourceMetaUnknownScope, appendMember("scopes_supported", s.unsupportedScope())),
		onFault(FaultResourceMetaNotJSON, setContentType("text/plain; charset=utf-8")),
		onFault(FaultResourceMetaResourceFragment, func(res *response) {
			editBody(res, func(m *ResourceMetadata) { m.Resource += "#main" })
		}),
		onFault(FaultResourceMetaResourceQuery, func(res *response) {
			editBody(res, func(m *ResourceMetadata) { m.Resource += "?tenant=a" })
		}),
		onFault(FaultResourceMetaJWKSURIHTTP, setMember("jwks_uri", "http://keys.example.com/resource-jwks.json")),
		onFault(FaultResourceJWKSNoUse, setMember("jwks_uri", s.base+resourceJWKSPath)),
		onFault(FaultResourceSignedMetadataNoIss, func(res *response) {
			setMember("signed_metadata", s.signedResourceMetadata(func(c map[string]any) { delete(c, "iss") }))(res)
		}),
		onFault(FaultResourceSignedMetadataNested, func(res *response) {
			nested := s.signedResourceMetadata(func(map[string]any) {})
			setMember("signed_metadata", s.signedResourceMetadata(func(c map[string]any) { c["signed_metadata"] = nested }))(res)
		}),
		onFault(FaultResourceMetaSigningAlgNone, setMember("resource_signing_alg_values_supported", []string{"RS256", "none"})),
		onFault(FaultResourceMetaNoName, deleteMember("resource_name")),
		onFault(FaultResourceMetaTaggedNameOnly, func(res *response) {
			res.editMembers(func(m map[string]any) {
				m["resource_name#en"] = m["resource_name"]
				delete(m, "resource_name")
			})
		}),
		onFault(FaultMCPPRMNotServed, func(res *response) { res.replace(http.StatusNotFound, "not found") }),
		// The document moves to the resource URL with the suffix appended
		// (fault_resource_metadata_appended.go).
		onFault(FaultResourceMetaPathAppended, func(res *response) {
			if strings.HasPrefix(res.req.URL.Path, "/.well-known/") {
				res.replace(http.StatusNotFound, "not found")
			}
		}),
	}
}

// deviceCodeGrant is a grant type the server does not implement.
const deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

// unsupportedScope is a scope name the server does not support.
func (s *Server) unsupportedScope() string {
	sc := "admin"
	for s.scopes[sc] {
		sc += "-unsupported"
	}
	return sc
}

func deleteMember(name string) func(*response) {
	return func(res *response) { res.editMembers(func(m map[string]any) { delete(m, name) }) }
}

func setMember(name string, v any) func(*response) {
	return func(res *response) { res.editMembers(func(m map[string]any) { m[name] = v }) }
}

// appendMember adds v to the array member name (creating it).
func appendMember(name string, v any) func(*response) {
	return func(res *response) {
		res.editMembers(func(m map[string]any) {
			arr, _ := m[name].([]any)
			m[name] = append(arr, v)
		})
	}
}

// joinMember turns the array member name into a space-separated string.
func joinMember(name string) func(*response) {
	return func(res *response) {
		res.editMembers(func(m map[string]any) {
			arr, _ := m[name].([]any)
			parts := make([]string, 0, len(arr))
			for _, v := range arr {
				if s, ok := v.(string); ok {
					parts = append(parts, s)
				}
			}
			m[name] = strings.Join(parts, " ")
		})
	}
}

func setContentType(ct string) func(*response) {
	return func(res *response) { res.header.Set("Content-Type", ct) }
}
