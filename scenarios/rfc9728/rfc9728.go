// Package rfc9728 holds the checks of RFC 9728, OAuth 2.0 Protected
// Resource Metadata, one file per section of the RFC. §5.1 has no check:
// the resource_metadata parameter is a MAY there (a MAY cannot be unmet);
// the MCP check of 2025-06-18 requires it of MCP servers, and §3.3's check
// judges the metadata it names.
package rfc9728

import "github.com/authspec/authspec/suite"

// Checks returns the RFC 9728 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, terminologyChecks()...)
	out = append(out, metadataChecks()...)
	out = append(out, memberFormChecks()...)
	out = append(out, humanReadableChecks()...)
	out = append(out, signedMetadataChecks()...)
	out = append(out, retrievalChecks()...)
	out = append(out, responseChecks()...)
	out = append(out, validationChecks()...)
	return out
}
