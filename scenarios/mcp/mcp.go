// Package mcp holds the checks of the MCP authorization profile
// (Model Context Protocol, revisions 2025-06-18 and 2025-11-25): what an
// authorization server and an MCP server (its protected resource) must do
// for MCP clients, one file per part of the specification.
package mcp

import "github.com/authspec/authspec/suite"

// Checks returns the MCP authorization checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, discoveryChecks()...)
	out = append(out, tokenChecks()...)
	out = append(out, securityChecks()...)
	out = append(out, cimdChecks()...)
	return out
}
