package vocab

import "slices"

// Feature is something a target offers (learnt from its metadata and the
// config) that a check needs.
type Feature string

// Features.
const (
	FeatureMetadata          Feature = "metadata"                    // RFC 8414 document found
	FeatureAuthCode          Feature = "authorization_code"          // authorization code grant
	FeatureRefresh           Feature = "refresh_token"               // refresh token grant
	FeatureClientCredentials Feature = "client_credentials"          // client credentials grant
	FeatureDCR               Feature = "dcr"                         // RFC 7591 registration endpoint, open or with a token
	FeatureDCRManagement     Feature = "dcr_management"              // RFC 7592 client configuration endpoint
	FeaturePKCE              Feature = "pkce"                        // RFC 7636 S256
	FeatureSecretBasic       Feature = "client_secret_basic"         // auth method
	FeatureSecretPost        Feature = "client_secret_post"          // auth method
	FeaturePrivateKeyJWT     Feature = "private_key_jwt"             // auth method, with registration of the suite's key
	FeaturePublicClients     Feature = "public_clients"              // token_endpoint_auth_method none
	FeatureConfidential      Feature = "confidential_client"         // a confidential client is available (DCR or config)
	FeaturePublicClient      Feature = "public_client"               // a public client is available (DCR or config)
	FeatureRevocation        Feature = "revocation"                  // RFC 7009 endpoint
	FeatureIntrospection     Feature = "introspection"               // RFC 7662 endpoint
	FeatureResource          Feature = "resource"                    // RFC 8707 resource configured or discovered
	FeatureResourceMetadata  Feature = "resource_metadata"           // RFC 9728 metadata of the resource
	FeatureMCPServer         Feature = "mcp_server"                  // the resource is an MCP server (config, profile, or probed by the check)
	FeatureIssParameter      Feature = "iss_parameter"               // RFC 9207 advertised
	FeatureCIMD              Feature = "client_id_metadata_document" // URL client_ids advertised
	FeatureNonInteractive    Feature = "noninteractive_code"         // codes obtainable (auto consent or browser)
	FeatureBrowser           Feature = "browser"                     // a real browser is available for consent pages
	FeaturePAR               Feature = "par"                         // RFC 9126 pushed_authorization_request_endpoint advertised
	// FeatureOneGrantPerClient: the server keeps one grant per user and
	// client, a new authorization revoking the earlier one (config, or
	// found out by the run); checks then use clients of their own.
	FeatureOneGrantPerClient Feature = "one_grant_per_client"
	// FeatureOAuth21Clients: the server treats the run's clients as OAuth
	// 2.1 clients (config oauth21_clients), not as OAuth 2.0 clients.
	FeatureOAuth21Clients Feature = "oauth21_clients"
)

// FeatureDPoP is RFC 9449 DPoP: dpop_signing_alg_values_supported in the
// metadata.
const FeatureDPoP Feature = "dpop"

var features = []Feature{
	FeatureMetadata, FeatureAuthCode, FeatureRefresh, FeatureClientCredentials,
	FeatureDCR, FeatureDCRManagement, FeaturePKCE, FeatureSecretBasic,
	FeatureSecretPost, FeaturePublicClients, FeatureConfidential, FeaturePublicClient,
	FeatureRevocation, FeatureIntrospection, FeatureResource, FeatureResourceMetadata,
	FeatureIssParameter, FeatureNonInteractive, FeatureBrowser, FeatureCIMD, FeatureMCPServer,
	FeaturePAR, FeaturePrivateKeyJWT,
	FeatureDPoP,
	FeatureOneGrantPerClient,
	FeatureOAuth21Clients,
}

// Known reports whether f is one of the features above (a plugin's check
// may require only those).
func (f Feature) Known() bool { return slices.Contains(features, f) }

// needs names each feature as what a check needs ("54 checks need a
// protected resource"), for the summaries of what a run could not see.
var needs = map[Feature]string{
	FeatureMetadata:          "authorization server metadata (RFC 8414)",
	FeatureAuthCode:          "the authorization code grant",
	FeatureRefresh:           "the refresh token grant",
	FeatureClientCredentials: "the client credentials grant",
	FeatureDCR:               "dynamic client registration (RFC 7591)",
	FeatureDCRManagement:     "client management (RFC 7592)",
	FeaturePKCE:              "PKCE with S256",
	FeatureSecretBasic:       "client_secret_basic authentication",
	FeatureSecretPost:        "client_secret_post authentication",
	FeaturePrivateKeyJWT:     "private_key_jwt authentication of a client the suite registers",
	FeaturePublicClients:     "public clients (token_endpoint_auth_method none)",
	FeatureConfidential:      "a confidential client",
	FeaturePublicClient:      "a public client",
	FeatureRevocation:        "a revocation endpoint",
	FeatureIntrospection:     "an introspection endpoint",
	FeatureResource:          "a protected resource",
	FeatureResourceMetadata:  "protected resource metadata (RFC 9728)",
	FeatureMCPServer:         "an MCP server as the resource",
	FeatureIssParameter:      "the iss authorization response parameter (RFC 9207)",
	FeatureCIMD:              "Client ID Metadata Documents",
	FeatureNonInteractive:    "an authorization endpoint",
	FeatureBrowser:           "login/consent steps",
	FeaturePAR:               "pushed authorization requests (RFC 9126)",
	FeatureDPoP:              "DPoP (RFC 9449)",
	FeatureOneGrantPerClient: "one grant per user and client",
	FeatureOAuth21Clients:    "clients the server treats as OAuth 2.1 clients (oauth21_clients: true in the config)",
}

// Need is what a check that requires f needs, in words: "a protected
// resource" for FeatureResource. A feature without words is named as is.
func (f Feature) Need() string {
	if s, ok := needs[f]; ok {
		return s
	}
	return "the feature " + string(f)
}
