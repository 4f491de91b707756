package target

import (
	"fmt"
	"slices"

	"github.com/authspec/authspec/suite/vocab"
)

// The RFC 8414 §2 defaults for omitted members.
var (
	defaultGrantTypes  = []string{"authorization_code", "implicit"}
	defaultAuthMethods = []string{"client_secret_basic"}
)

// RequirePAR reports whether require_pushed_authorization_requests is true
// (RFC 9126 §5). It is read from the document as sent, so that a member of
// another type (which rfc9126-5-metadata-members reports) does not stop
// discovery.
func (m *Metadata) RequirePAR() bool {
	v, _ := m.Raw["require_pushed_authorization_requests"].(bool)
	return v
}

// GrantTypes returns grant_types_supported, or the RFC 8414 default.
func (m *Metadata) GrantTypes() []string {
	if len(m.GrantTypesSupported) == 0 {
		return defaultGrantTypes
	}
	return m.GrantTypesSupported
}

// SecretMethod is the client secret method the suite's confidential
// clients use: client_secret_basic, or client_secret_post when the target
// lists only that one.
func (m *Metadata) SecretMethod() string {
	if ams := m.AuthMethods(); !slices.Contains(ams, "client_secret_basic") && slices.Contains(ams, "client_secret_post") {
		return "client_secret_post"
	}
	return "client_secret_basic"
}

// AuthMethods returns token_endpoint_auth_methods_supported, or the default.
func (m *Metadata) AuthMethods() []string {
	if len(m.TokenEndpointAuthMethodsSupported) == 0 {
		return defaultAuthMethods
	}
	return m.TokenEndpointAuthMethodsSupported
}

func (t *Target) setFeature(name vocab.Feature, ok bool, why string) {
	if ok {
		t.features[name] = ""
	} else {
		t.features[name] = why
	}
}

// deriveFeatures decides what the target offers from its metadata and the
// config. Feature names match vocab.Feature values.
func (t *Target) deriveFeatures() {
	t.features = make(map[vocab.Feature]string)
	md := &t.Metadata
	cfg := t.Config
	gts, ams := md.GrantTypes(), md.AuthMethods()
	dcr := md.RegistrationEndpoint != "" && !cfg.Registration.Disabled
	dcrWhy := "the metadata has no registration_endpoint"
	if cfg.Registration.Disabled {
		dcrWhy = "registration is disabled in the config"
	}
	t.setFeature(vocab.FeatureMetadata, true, "")
	t.setFeature(vocab.FeatureAuthCode, md.AuthorizationEndpoint != "" && slices.Contains(gts, "authorization_code"),
		"the metadata advertises no authorization_endpoint or no authorization_code grant")
	t.setFeature(vocab.FeatureRefresh, slices.Contains(gts, "refresh_token"), "grant_types_supported does not list refresh_token")
	t.setFeature(vocab.FeatureClientCredentials, slices.Contains(gts, "client_credentials"), "grant_types_supported does not list client_credentials")
	t.setFeature(vocab.FeatureDCR, dcr, dcrWhy)
	t.setFeature(vocab.FeatureDCRManagement, dcr, dcrWhy)
	t.setFeature(vocab.FeaturePKCE, slices.Contains(md.CodeChallengeMethodsSupported, "S256"),
		"code_challenge_methods_supported does not list S256")
	t.setFeature(vocab.FeatureSecretBasic, slices.Contains(ams, "client_secret_basic"), "token_endpoint_auth_methods_supported does not list client_secret_basic")
	t.setFeature(vocab.FeatureSecretPost, slices.Contains(ams, "client_secret_post"), "token_endpoint_auth_methods_supported does not list client_secret_post")
	t.setFeature(vocab.FeaturePublicClients, slices.Contains(ams, "none"), "token_endpoint_auth_methods_supported does not list none")
	jwtWhy := "token_endpoint_auth_methods_supported does not list private_key_jwt"
	if slices.Contains(ams, "private_key_jwt") {
		jwtWhy = "private_key_jwt needs a client whose key authspec holds: configure clients.jwt (client_id, private_key_file), or offer registration (" + dcrWhy + ")"
	}
	t.setFeature(vocab.FeaturePrivateKeyJWT, slices.Contains(ams, "private_key_jwt") && (dcr || cfg.Clients.JWT != nil), jwtWhy)
	t.setFeature(vocab.FeatureConfidential, cfg.Clients.Confidential != nil || dcr,
		"no confidential client: the target has no registration endpoint and the config names no clients.confidential")
	t.setFeature(vocab.FeaturePublicClient, cfg.Clients.Public != nil || (dcr && slices.Contains(ams, "none")),
		"no public client: configure clients.public, or the target must offer registration with token_endpoint_auth_method none")
	t.setFeature(vocab.FeatureRevocation, md.RevocationEndpoint != "", "the metadata has no revocation_endpoint")
	t.setFeature(vocab.FeatureIntrospection, md.IntrospectionEndpoint != "", "the metadata has no introspection_endpoint")
	t.setFeature(vocab.FeatureResource, t.Resource != "", "no resource configured (set resource: in the config)")
	t.setFeature(vocab.FeatureResourceMetadata, t.ResourceMetadata != nil, t.resourceMetadataWhy())
	t.setFeature(vocab.FeatureCIMD, md.ClientIDMetadataDocumentSupported && md.AuthorizationEndpoint != "",
		"client_id_metadata_document_supported is not true")
	t.setFeature(vocab.FeatureIssParameter, md.IssParameterSupported, "authorization_response_iss_parameter_supported is not true")
	t.setFeature(vocab.FeatureNonInteractive, md.AuthorizationEndpoint != "", "no authorization endpoint")
	t.setFeature(vocab.FeaturePAR, md.PushedAuthorizationRequestEndpoint != "" && md.AuthorizationEndpoint != "",
		"the metadata has no pushed_authorization_request_endpoint")
	_, dpop := md.Raw["dpop_signing_alg_values_supported"]
	t.setFeature(vocab.FeatureDPoP, dpop, "the metadata has no dpop_signing_alg_values_supported")
	t.setFeature(vocab.FeatureOAuth21Clients, cfg.OAuth21Clients,
		"the config does not say that the server treats the run's clients as OAuth 2.1 clients (oauth21_clients: true)")
	switch {
	case t.Resource == "":
		t.setFeature(vocab.FeatureMCPServer, false, "no resource configured (set resource: in the config)")
	case cfg.MCPServer != nil:
		t.setFeature(vocab.FeatureMCPServer, *cfg.MCPServer, "mcp_server: false in the config: the resource is not an MCP server")
	}
	// Otherwise mcp_server stays undecided: the MCP checks probe the
	// resource themselves (scenarios/internal/probe), or the run's MCP
	// profile declares it (SetFeature).
	t.applyOverrides()
	if md.TokenEndpoint == "" {
		for _, f := range tokenFeatures {
			t.setFeature(f, false, NoTokenEndpoint)
		}
	}
}

// NoTokenEndpoint is why a check that needs the token endpoint SKIPs on a
// target whose metadata names none.
const NoTokenEndpoint = "the metadata names no token_endpoint (rfc8414-2-token-endpoint-required reports it): no client can redeem a grant"

// tokenFeatures are the features that need the token endpoint: a client
// that can obtain tokens, and every grant redeemed there.
var tokenFeatures = []vocab.Feature{vocab.FeatureConfidential, vocab.FeaturePublicClient, vocab.FeatureAuthCode,
	vocab.FeatureRefresh, vocab.FeatureClientCredentials, vocab.FeaturePrivateKeyJWT, vocab.FeaturePAR, vocab.FeatureDPoP}

// applyOverrides applies what the config says about features the metadata
// decides: features: (validated against OverridableFeatures), and a
// clients.client_credentials client, which says the target offers that
// grant. An override to true needs what the feature works with: the
// authorization code grant needs an authorization endpoint.
func (t *Target) applyOverrides() {
	t.overridden = map[vocab.Feature]bool{}
	cfg := t.Config
	if cfg.Clients.ClientCredentials != nil {
		if _, set := cfg.Features[string(vocab.FeatureClientCredentials)]; !set {
			t.setFeature(vocab.FeatureClientCredentials, true, "")
			t.overridden[vocab.FeatureClientCredentials] = true
		}
	}
	for name, on := range cfg.Features {
		f := vocab.Feature(name)
		if !slices.Contains(OverridableFeatures, f) {
			continue // refused by the config's validation
		}
		if on && f == vocab.FeatureAuthCode && t.Metadata.AuthorizationEndpoint == "" {
			t.setFeature(f, false, "features.authorization_code is true, but the metadata has no authorization_endpoint")
			continue
		}
		t.setFeature(f, on, "the config sets features."+name+": false")
		t.overridden[f] = on
	}
}

// Overrides lists the features the config set, as name=value, sorted (the
// preflight shows them next to the features).
func (t *Target) Overrides() []string {
	var out []string
	for f, on := range t.overridden {
		out = append(out, fmt.Sprintf("%s=%t", f, on))
	}
	slices.Sort(out)
	return out
}

func (t *Target) resourceMetadataWhy() string {
	switch {
	case t.Resource == "":
		return "no resource configured (set resource: in the config)"
	case t.ResourceMetadataResult == nil:
		return "the protected resource metadata at " + t.ResourceMetadataURL + " could not be fetched"
	default:
		return fmt.Sprintf("the protected resource metadata at %s answered HTTP %d without a JSON object",
			t.ResourceMetadataURL, t.ResourceMetadataResult.Status)
	}
}

// Has reports whether the target offers feature, and if not, why.
func (t *Target) Has(feature vocab.Feature) (bool, string) {
	t.featMu.RLock()
	defer t.featMu.RUnlock()
	why, known := t.features[feature]
	if !known {
		return true, "" // features decided elsewhere (e.g. browser) are checked by their owner
	}
	return why == "", why
}

// Decided reports whether the feature was decided before the checks run (by
// discovery, the config, or SetFeature), and if so whether the target
// offers it and why not. A feature left undecided (mcp_server without a
// config key) is found out by the checks that need it.
func (t *Target) Decided(feature vocab.Feature) (ok bool, why string, decided bool) {
	t.featMu.RLock()
	defer t.featMu.RUnlock()
	why, decided = t.features[feature]
	return decided && why == "", why, decided
}

// SetFeature records a feature decided outside discovery (e.g. browser).
// It may be called while checks run.
func (t *Target) SetFeature(feature vocab.Feature, ok bool, why string) {
	t.featMu.Lock()
	defer t.featMu.Unlock()
	t.setFeature(feature, ok, why)
}

// Features lists present features, sorted.
func (t *Target) Features() []vocab.Feature {
	t.featMu.RLock()
	defer t.featMu.RUnlock()
	var out []vocab.Feature
	for f, why := range t.features {
		if why == "" {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}
