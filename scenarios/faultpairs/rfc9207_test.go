package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc9207-2-iss-parameter":            faults(server.FaultIssParamMissing),
	"rfc9207-2-iss-on-error-response":    faults(server.FaultIssMissingOnErrors),
	"rfc9207-2.3-iss-support-advertised": faults(server.FaultMetadataIssNotAdvertised),
	"rfc9207-2-iss-https-url":            faults(server.FaultIssWithQuery),
})
