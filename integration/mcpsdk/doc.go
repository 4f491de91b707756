// Package mcpsdk runs authspec against the authorization server and MCP
// server of the MCP TypeScript SDK (@modelcontextprotocol/sdk 1.32.2), as
// its example simpleStreamableHttp starts them with --oauth --oauth-strict:
// the SDK's mcpAuthRouter (metadata, authorization, token, registration and
// revocation endpoints) over the example's in-memory provider, which
// approves every authorization request without a page, and an MCP server
// whose requireBearerAuth middleware checks tokens by introspection and
// accepts only tokens issued for it. server.mjs beside this file starts it
// (pinned by package-lock.json).
//
// The test carries the build tag integration, so `go test ./...` leaves it
// out; `make integration` runs it. It compares authspec's results with
// expectations.yaml (see package integration/harness); docs/targets.md
// explains every finding.
package mcpsdk
