package server

import "crypto/tls"

// TLSConfig is the TLS configuration to serve the server with (authspec
// serve --tls-cert, or a test's TLS listener): TLS 1.2 and TLS 1.3, since
// RFC 7591 §5, RFC 7592 §5 and RFC 7662 §4 require TLS 1.2 of the
// registration, client configuration and introspection endpoints. The
// caller adds the certificates.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: s.minTLSVersion()}
}

// minTLSVersion is the oldest TLS version the server completes a handshake
// with (fault tls12-unsupported: TLS 1.3).
func (s *Server) minTLSVersion() uint16 {
	if s.fault(FaultTLS12Unsupported) {
		return tls.VersionTLS13
	}
	return tls.VersionTLS12
}
