package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
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
	RevocationEndpointAuthMethodsSupported     []string `json:"revocation_endpoint_auth_methods_supported"`
	IntrospectionEndpointAuthMethodsSupported  []string `json:"introspection_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported,omitempty"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
	ServiceDocumentation                       string   `json:"service_documentation,omitempty"`
	ClientIDMetadataDocumentSupported          bool     `json:"client_id_metadata_document_supported,omitempty"`
}

var authMethods = []string{"client_secret_basic", "client_secret_post", "none"}

// Metadata returns the document served at the RFC 8414 well-known URI.
func (s *Server) Metadata() Metadata {
	m := Metadata{
		Issuer:                                     s.cfg.Issuer,
		AuthorizationEndpoint:                      s.endpoint("/authorize"),
		TokenEndpoint:                              s.endpoint("/token"),
		RegistrationEndpoint:                       s.endpoint("/register"),
		RevocationEndpoint:                         s.endpoint("/revoke"),
		IntrospectionEndpoint:                      s.endpoint("/introspect"),
		ScopesSupported:                            append([]string(nil), s.cfg.Scopes...),
		ResponseTypesSupported:                     []string{"code"},
		ResponseModesSupported:                     []string{"query"},
		GrantTypesSupported:                        []string{"authorization_code", "refresh_token", "client_credentials"},
		TokenEndpointAuthMethodsSupported:          authMethods,
		RevocationEndpointAuthMethodsSupported:     authMethods,
		IntrospectionEndpointAuthMethodsSupported:  []string{"client_secret_basic", "client_secret_post"},
		CodeChallengeMethodsSupported:              []string{"S256"},
		AuthorizationResponseIssParameterSupported: true,
		ClientIDMetadataDocumentSupported:          s.cimdEnabled(),
	}
	if s.fault(FaultIssuerMismatch) {
		m.Issuer = s.base + "/"
		if s.base+"/" == s.cfg.Issuer {
			m.Issuer = s.base
		}
	}
	if s.fault(FaultWrongRegistrationEP) {
		m.RegistrationEndpoint = s.endpoint("/registration")
	}
	if s.fault(FaultMetadataNoRespTypes) {
		m.ResponseTypesSupported = nil
	}
	if s.fault(FaultMetadataNoS256) {
		m.CodeChallengeMethodsSupported = nil
	}
	if s.fault(FaultPKCEPlain) {
		m.CodeChallengeMethodsSupported = []string{"S256", "plain"}
	}
	return m
}

func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	ct := "application/json"
	if s.fault(FaultMetadataNotJSON) {
		ct = "text/html; charset=utf-8"
	}
	writeJSONDoc(w, ct, s.metadataDoc(s.Metadata()))
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
	return s.issuer.Scheme + "://" + s.issuer.Host + "/.well-known/oauth-protected-resource" +
		trimSlash(s.issuer.Path) + "/mcp"
}

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

func (s *Server) handleResourceMetadata(w http.ResponseWriter, r *http.Request) {
	as := s.cfg.Issuer
	if s.fault(FaultResourceMetaWrongAS) {
		as = s.base + "/other-issuer"
	}
	resource := s.ResourceURL()
	if s.fault(FaultResourceMetaWrongResource) {
		resource += "/"
	}
	if s.resourceMetadataHidden(r) || s.fault(FaultMCPPRMNotServed) {
		writePlainError(w, http.StatusNotFound, "not found")
		return
	}
	servers := []string{as}
	if s.fault(FaultMCPNoAuthorizationServers) {
		servers = []string{}
	}
	writeJSONDoc(w, s.resourceMetadataContentType(), s.resourceMetadataDoc(ResourceMetadata{
		Resource:               resource,
		AuthorizationServers:   servers,
		ScopesSupported:        append([]string(nil), s.cfg.Scopes...),
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "authspec demo protected resource",
	}))
}

func writeJSONDoc(w http.ResponseWriter, contentType string, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writePlainError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(body, '\n'))
}

// Discovery faults (RFC 8414, RFC 9728; see fault_discovery.go). The
// functions below leave the documents untouched unless one of those faults
// is on.

// deviceCodeGrant is a grant type the server does not implement.
const deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

func (s *Server) anyFault(fs ...Fault) bool {
	return slices.ContainsFunc(fs, s.fault)
}

// jsonMembers turns a document into its JSON members so that faults can
// remove members or change their type.
func jsonMembers(v any) (map[string]any, bool) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, false
	}
	return m, true
}

// metadataDoc is the RFC 8414 document as served: m with the discovery
// faults applied.
func (s *Server) metadataDoc(m Metadata) any {
	if !s.anyFault(FaultMetadataNoAuthzEndpoint, FaultMetadataEmptyArray, FaultMetadataArrayAsString,
		FaultMetadataUnsupportedGrant, FaultMetadataUnsupportedRespType, FaultMetadataWrongIntrospectionEP,
		FaultMetadataUnsupportedScope, FaultMetadataUnsupportedPKCE, FaultMetadataIntrospectionNone) {
		return m
	}
	doc, ok := jsonMembers(m)
	if !ok {
		return m
	}
	if s.fault(FaultMetadataNoAuthzEndpoint) {
		delete(doc, "authorization_endpoint")
	}
	if s.fault(FaultMetadataEmptyArray) {
		doc["ui_locales_supported"] = []string{}
	}
	if s.fault(FaultMetadataArrayAsString) {
		doc["response_modes_supported"] = strings.Join(m.ResponseModesSupported, " ")
	}
	if s.fault(FaultMetadataUnsupportedGrant) {
		doc["grant_types_supported"] = append(slices.Clone(m.GrantTypesSupported), deviceCodeGrant)
	}
	if s.fault(FaultMetadataUnsupportedRespType) {
		doc["response_types_supported"] = append(slices.Clone(m.ResponseTypesSupported), "token")
	}
	if s.fault(FaultMetadataWrongIntrospectionEP) {
		doc["introspection_endpoint"] = s.endpoint("/introspection")
	}
	if s.fault(FaultMetadataUnsupportedScope) {
		doc["scopes_supported"] = append(slices.Clone(m.ScopesSupported), s.unsupportedScope())
	}
	if s.fault(FaultMetadataUnsupportedPKCE) && !slices.Contains(m.CodeChallengeMethodsSupported, "plain") {
		doc["code_challenge_methods_supported"] = append(slices.Clone(m.CodeChallengeMethodsSupported), "plain")
	}
	if s.fault(FaultMetadataIntrospectionNone) {
		doc["introspection_endpoint_auth_methods_supported"] = append(slices.Clone(m.IntrospectionEndpointAuthMethodsSupported), authNone)
	}
	return doc
}

// unsupportedScope is a scope name the server does not support.
func (s *Server) unsupportedScope() string {
	sc := "admin"
	for s.scopes[sc] {
		sc += "-unsupported"
	}
	return sc
}

// discoveryRoutes registers the URLs that only discovery faults serve.
func (s *Server) discoveryRoutes(mux *http.ServeMux, prefix string) {
	if s.fault(FaultResourceMetaPathAppended) {
		mux.HandleFunc("GET "+prefix+"/mcp/.well-known/oauth-protected-resource", s.handleResourceMetadata)
	}
}

// resourceMetadataHidden reports whether the request for the resource
// metadata at the (correct) inserted well-known URL is refused by a fault.
func (s *Server) resourceMetadataHidden(r *http.Request) bool {
	return s.fault(FaultResourceMetaPathAppended) && strings.HasPrefix(r.URL.Path, "/.well-known/")
}

func (s *Server) resourceMetadataContentType() string {
	if s.fault(FaultResourceMetaNotJSON) {
		return "text/plain; charset=utf-8"
	}
	return "application/json"
}

// resourceMetadataDoc is the RFC 9728 document as served: m with the
// discovery faults applied.
func (s *Server) resourceMetadataDoc(m ResourceMetadata) any {
	if !s.anyFault(FaultResourceMetaNoResource, FaultResourceMetaScopesString, FaultResourceMetaEmptyArray,
		FaultResourceMetaQueryMethod, FaultResourceMetaUnknownAS, FaultResourceMetaUnknownScope) {
		return m
	}
	doc, ok := jsonMembers(m)
	if !ok {
		return m
	}
	if s.fault(FaultResourceMetaNoResource) {
		delete(doc, "resource")
	}
	if s.fault(FaultResourceMetaScopesString) {
		doc["scopes_supported"] = strings.Join(m.ScopesSupported, " ")
	}
	if s.fault(FaultResourceMetaEmptyArray) {
		doc["resource_signing_alg_values_supported"] = []string{}
	}
	if s.fault(FaultResourceMetaQueryMethod) {
		doc["bearer_methods_supported"] = append(slices.Clone(m.BearerMethodsSupported), "query")
	}
	if s.fault(FaultResourceMetaUnknownAS) {
		doc["authorization_servers"] = append(slices.Clone(m.AuthorizationServers), s.base+"/tenant-unknown")
	}
	if s.fault(FaultResourceMetaUnknownScope) {
		doc["scopes_supported"] = append(slices.Clone(m.ScopesSupported), s.unsupportedScope())
	}
	return doc
}

// challengeMetadataURL is the resource_metadata URL of the resource's
// Bearer challenge (RFC 9728 §5.1).
func (s *Server) challengeMetadataURL() string {
	if s.fault(FaultResourceMetaChallengeToAS) {
		return s.issuer.Scheme + "://" + s.issuer.Host + "/.well-known/oauth-authorization-server" + trimSlash(s.issuer.Path)
	}
	return s.ResourceMetadataURL()
}
