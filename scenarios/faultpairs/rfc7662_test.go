package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc7662-2.1-requires-authorization": faults(server.FaultIntrospectNoAuth),
	"rfc7662-2.2-active-token":           faults(server.FaultIntrospectActiveString),
	"rfc7662-2.2-json-response":          faults(server.FaultIntrospectNotJSON),
	"rfc7662-2.2-numeric-dates":          faults(server.FaultIntrospectExpString),
	"rfc7662-2.2-revoked-inactive":       faults(server.FaultIntrospectRevokedActive),
	"rfc7662-2.1-hint-not-binding":       faults(server.FaultIntrospectHintStrict),
	"rfc7662-2.3-invalid-client-401":     faults(server.FaultIntrospectNoAuth),
	"rfc7662-2.2-inactive-no-details":    faults(server.FaultIntrospectInactiveDetail),
	"rfc7662-2.2-unknown-token-inactive": faults(server.FaultIntrospectAlwaysActive),
	"rfc7662-4-callers-authorized":       faults(server.FaultIntrospectAnyClient),
	"rfc7662-4-signature-validated":      faults(server.FaultAccessTokenSignatureUnchecked),
	"rfc7662-4-tls12-supported":          overTLS(server.FaultTLS12Unsupported),
	"rfc7662-4-expired-inactive":         shortLived(server.FaultIntrospectExpiredActive),
})
