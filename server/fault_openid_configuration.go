package server

import "net/http"

// With FaultOpenIDConfigurationDiffers the metadata is also served at the
// OpenID Connect Discovery URL (issuer + /.well-known/openid-configuration),
// naming another issuer there: RFC 8414 §3.3 holds every document fetched
// for the issuer to that issuer.
func (s *Server) openIDConfigurationRoute(mux *http.ServeMux, prefix string) {
	if !s.fault(FaultOpenIDConfigurationDiffers) || s.variant(VariantOpenIDDiscoveryOnly) {
		return
	}
	mux.Handle("GET "+prefix+"/.well-known/openid-configuration", s.rewritten(http.HandlerFunc(s.handleMetadata),
		rule{string(FaultOpenIDConfigurationDiffers), func(res *response) {
			editBody(res, func(m *Metadata) { m.Issuer = s.base + "/other-issuer" })
		}}))
}
