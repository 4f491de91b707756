package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc7009-2.1-access-token-revoked":        faults(server.FaultRevokeNoop),
	"rfc7009-2.1-refresh-token-revoked":       faults(server.FaultRevokeNoop),
	"rfc7009-2.1-refresh-revokes-access":      faults(server.FaultRevokeKeepsAccess),
	"rfc7009-2.2-invalid-token-200":           faults(server.FaultRevokeUnknown400),
	"rfc7009-2.1-client-authentication":       faults(server.FaultRevokeNoClientAuth),
	"rfc7009-2.1-foreign-token-not-revoked":   faults(server.FaultRevokeForeign),
	"rfc7009-2.1-hint-not-binding":            faults(server.FaultRevokeHintStrict),
	"rfc7009-2.1-token-required":              faults(server.FaultRevokeNoTokenOK),
	"rfc7009-2.1-foreign-refresh-not-revoked": faults(server.FaultRevokeForeign),
	"rfc7009-2-endpoint-url":                  faults(server.FaultMetadataRevocationFragment),
	"rfc7009-2.2-invalid-hint-ignored":        faults(server.FaultRevokeUnknownHintRefused, server.FaultRevokeHintStrict),
})
