// Package mcp holds the checks of the MCP authorization profile
// (Model Context Protocol, revisions 2025-06-18 and 2025-11-25), including
// Client ID Metadata Documents, one file per section.
package mcp

import "github.com/authspec/authspec/suite"

// Checks returns the MCP authorization checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	return out
}
