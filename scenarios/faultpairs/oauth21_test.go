package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"oauth21-1.7.1-long-state-echoed": faults(server.FaultStateTruncated),
	// A server without RFC 9207: no iss, and the metadata does not say it
	// sends one (rfc9207-2-iss-parameter then has nothing to ask for).
	"oauth21-4.1.2-iss-required":                       faults(server.FaultIssParamMissing, server.FaultMetadataIssNotAdvertised),
	"oauth21-3.2.2-public-client-secret-authenticated": faults(server.FaultPublicClientSecretIgnored),
	"oauth21-4.1.2.1-error-page-400":                   missesShould(server.VariantErrorPage200),
	"oauth21-4.1.2.1-pkce-required-public":             faults(server.FaultPKCENotRequired),
	"oauth21-4.1.2.1-iss-on-error-response":            faults(server.FaultIssMissingOnErrors, server.FaultMetadataIssNotAdvertised),
	"oauth21-4.3.1-refresh-bound-to-client-id":         faults(server.FaultRefreshNotBound),
	"oauth21-7.5.3-invalid-replay-keeps-tokens":        faults(server.FaultReplayRevokesUnverified),
	"oauth21-5.1-query-token-ignored":                  faults(server.FaultMCPQueryToken),
})
