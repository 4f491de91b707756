package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc7592-2.1-read-200":                      faults(server.FaultRegMgmtReadNotJSON),
	"rfc7592-2-missing-token-challenge":         faults(server.FaultRegMgmtNoChallenge),
	"rfc7592-2.1-invalid-token-refused":         faults(server.FaultRegMgmtTokenUnchecked),
	"rfc7592-2.1-other-client-token-refused":    faults(server.FaultRegMgmtOtherClient),
	"rfc7592-2.1-unknown-client-401":            faults(server.FaultRegMgmtDeletedNotFound),
	"rfc7592-2.2-update-replaces":               faults(server.FaultRegMgmtUpdateNotPersisted),
	"rfc7592-2.2-client-id-unchanged":           faults(server.FaultRegMgmtClientIDChange),
	"rfc7592-2.2-secret-not-overwritable":       faults(server.FaultRegMgmtSecretOverwrite),
	"rfc7592-2.2-invalid-update-refused":        faults(server.FaultRegMgmtUpdateUnvalidated),
	"rfc7592-2.3-delete-204":                    faults(server.FaultRegMgmtDelete200),
	"rfc7592-2.3-deleted-client-unusable":       faults(server.FaultRegMgmtDeleteNoop),
	"rfc7592-2.2-invalid-token-refused":         faults(server.FaultRegMgmtUpdateTokenUnchecked),
	"rfc7592-2.2-unknown-client-401":            faults(server.FaultRegMgmtDeletedNotFound),
	"rfc7592-2.3-deleted-or-405":                faults(server.FaultRegMgmtDeleteNoop),
	"rfc7592-2.3-invalid-token-refused":         faults(server.FaultRegMgmtDeleteTokenUnchecked),
	"rfc7592-2.3-unknown-client-401":            faults(server.FaultRegMgmtDeletedNotFound),
	"rfc7592-2.3-tokens-invalidated":            faults(server.FaultRegMgmtDeleteKeepsTokens),
	"rfc7592-2.3-deleted-client-not-authorized": faults(server.FaultRegMgmtDeleteNoop),
	"rfc7592-3-registration-client-uri":         faults(server.FaultRegMgmtRelativeURI),
	"rfc7592-3-read-management-fields":          faults(server.FaultRegMgmtReadNoToken),
	"rfc7592-3-read-registered-metadata":        faults(server.FaultRegMgmtReadOmitsMetadata),
	"rfc7592-5-tls12-supported":                 overTLS(server.FaultTLS12Unsupported),
})
