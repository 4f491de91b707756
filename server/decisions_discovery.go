package server

import (
	"net/url"
	"strings"
)

// The decisions about the issuer identifier and where the metadata is
// served (RFC 8414 §2, §3; OpenID Connect Discovery 1.0 §4) that
// deliberate behaviours change.

// issuerPath is the path the variant issuer-path gives an issuer that has
// none.
const issuerPath = "/tenant-a"

// issuerIdentifier is the issuer the server serves: as configured; with
// issuer-path, below issuerPath when the configured one has no path; with
// issuer-trailing-slash, ending in "/".
func (s *Server) issuerIdentifier(configured string) string {
	u, err := url.Parse(configured)
	if err != nil || u.RawQuery != "" || u.Fragment != "" {
		return configured // New refuses it
	}
	if s.variant(VariantIssuerPath) && strings.Trim(u.Path, "/") == "" {
		u.Path = issuerPath
	}
	if s.variant(VariantIssuerTrailingSlash) && !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String()
}

// metadataPath is the path of the authorization server metadata: the RFC
// 8414 well-known URI, the suffix inserted before the issuer's path
// (RFC 8414 §3.1); with openid-discovery-only, the OpenID Connect
// Discovery URI, the suffix appended to the issuer (OpenID Connect
// Discovery 1.0 §4) and nothing at the RFC 8414 one.
func (s *Server) metadataPath() string {
	prefix := strings.TrimSuffix(s.issuer.Path, "/")
	if s.variant(VariantOpenIDDiscoveryOnly) {
		return prefix + "/.well-known/openid-configuration"
	}
	return "/.well-known/oauth-authorization-server" + prefix
}

// MetadataURL is where the server serves its authorization server metadata.
func (s *Server) MetadataURL() string {
	return s.issuer.Scheme + "://" + s.issuer.Host + s.metadataPath()
}
