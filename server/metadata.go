package server

import (
	"encoding/json"
	"net/http"
)

// Metadata is the RFC 8414 authorization server metadata document.
type Metadata struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	RegistrationEndpoint                       string   `json:"registration_endpoint,omitempty"`
	RevocationEndpoint                         string   `json:"revocation_endpoint"`
	IntrospectionEndpoint                      string   `json:"introspection_endpoint"`
	ScopesSupported                            []string `json:"scopes_supported"`
	ResponseTypesSupported                     []string `json:"response_types_supported,omitempty"`
	ResponseModesSupported                     []string `json:"response_modes_supported"`
	GrantTypesSupported                        []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported"`
	TokenEndpointAuthSigningAlgValuesSupported []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	RevocationEndpointAuthMethodsSupported     []string `json:"revocation_endpoint_auth_methods_supported"`
	// RFC 8414 §2: present whenever a JWT method is listed beside it.
	RevocationEndpointAuthSigningAlgValuesSupported []string `json:"revocation_endpoint_auth_signing_alg_values_supported,omitempty"`
	IntrospectionEndpointAuthMethodsSupported       []string `json:"introspection_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported                   []string `json:"code_challenge_methods_supported,omitempty"`
	AuthorizationResponseIssParameterSupported      bool     `json:"authorization_response_iss_parameter_supported"`
	ServiceDocumentation                            string   `json:"service_documentation,omitempty"`
	ClientIDMetadataDocumentSupported               bool     `json:"client_id_metadata_document_supported,omitempty"`
	// RFC 9126 §5.
	PushedAuthorizationRequestEndpoint string   `json:"pushed_authorization_request_endpoint,omitempty"`
	RequirePushedAuthorizationRequests bool     `json:"require_pushed_authorization_requests"`
	DPoPSigningAlgValuesSupported      []string `json:"dpop_signing_alg_values_supported,omitempty"`
	// Request Objects at the PAR endpoint (RFC 9101 §10.1, RFC 9126 §3).
	RequestObjectSigningAlgValuesSupported []string `json:"request_object_signing_alg_values_supported,omitempty"`
}

var authMethods = []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}

// Metadata returns the document served at the RFC 8414 well-known URI.
func (s *Server) Metadata() Metadata {
	m := Metadata{
		Issuer:                                          s.cfg.Issuer,
		AuthorizationEndpoint:                           s.endpoint("/authorize"),
		TokenEndpoint:                                   s.endpoint("/token"),
		RegistrationEndpoint:                            s.endpoint("/register"),
		RevocationEndpoint:                              s.endpoint("/revoke"),
		IntrospectionEndpoint:                           s.endpoint("/introspect"),
		ScopesSupported:                                 append([]string(nil), s.cfg.Scopes...),
		ResponseTypesSupported:                          []string{"code"},
		ResponseModesSupported:                          []string{"query"},
		GrantTypesSupported:                             s.grantTypesSupported(),
		TokenEndpointAuthMethodsSupported:               s.tokenAuthMethods(),
		TokenEndpointAuthSigningAlgValuesSupported:      s.assertionAlgsAdvertised(),
		RevocationEndpointAuthMethodsSupported:          s.tokenAuthMethods(),
		RevocationEndpointAuthSigningAlgValuesSupported: s.assertionAlgsAdvertised(),
		IntrospectionEndpointAuthMethodsSupported:       s.introspectionAuthMethods(),
		CodeChallengeMethodsSupported:                   s.codeChallengeMethods(),
		AuthorizationResponseIssParameterSupported:      true,
		ClientIDMetadataDocumentSupported:               s.cimdEnabled(),
		PushedAuthorizationRequestEndpoint:              s.endpoint("/par"),
		RequirePushedAuthorizationRequests:              s.requiresPAROfAll(),
		DPoPSigningAlgValuesSupported:                   s.dpopAlgsAdvertised(),
		RequestObjectSigningAlgValuesSupported:          assertionAlgNames(),
	}
	return m
}

func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	writeJSONDoc(w, s.Metadata())
}

// ResourceMetadata is the RFC 9728 protected resource metadata document.
type ResourceMetadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	ScopesSupported        []string `json:"scopes_supported"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	ResourceName           string   `json:"resource_name"`
}

// ResourceMetadataURL is where the demo resource's RFC 9728 metadata lives
// (well-known suffix inserted before the resource's path, RFC 9728 §3.1).
func (s *Server) ResourceMetadataURL() string {
	return s.resourceOrigin + "/.well-known/oauth-protected-resource" + trimSlash(s.issuer.Path) + "/mcp"
}

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

func (s *Server) handleResourceMetadata(w http.ResponseWriter, r *http.Request) {
	writeJSONDoc(w, ResourceMetadata{
		Resource:               s.ResourceURL(),
		AuthorizationServers:   []string{s.cfg.Issuer},
		ScopesSupported:        append([]string(nil), s.cfg.Scopes...),
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "authspec demo protected resource",
	})
}

// writeJSONDoc writes a metadata document, which caches may keep a minute.
func writeJSONDoc(w http.ResponseWriter, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writePlainError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(body, '\n'))
}
