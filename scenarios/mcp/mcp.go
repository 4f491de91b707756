// Package mcp holds the checks of the MCP authorization specification
// (Model Context Protocol, revisions 2025-06-18 and 2025-11-25): what an
// authorization server and an MCP server (its protected resource) must do
// for MCP clients. One file per section: numbered sections of 2025-06-18
// by their number, sections of 2025-11-25 by their title.
package mcp

import "github.com/authspec/authspec/suite"

// Checks returns the MCP authorization checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, serverLocationChecks()...)
	out = append(out, registrationChecks()...)
	out = append(out, resourceParameterChecks()...)
	out = append(out, tokenRequirementChecks()...)
	out = append(out, tokenHandlingChecks()...)
	out = append(out, errorHandlingChecks()...)
	out = append(out, scopeChallengeChecks()...)
	out = append(out, prmDiscoveryChecks()...)
	out = append(out, cimdChecks()...)
	out = append(out, cimdFetchChecks()...)
	out = append(out, cimdSecurityChecks()...)
	out = append(out, communicationSecurityChecks()...)
	out = append(out, codeProtectionChecks()...)
	out = append(out, confusedDeputyChecks()...)
	return out
}
