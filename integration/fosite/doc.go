// Package fosite runs authspec against an authorization server built from
// ory/fosite v0.49.0 (server/, a separate Go module pinned by its go.mod and
// go.sum): the code grant with PKCE, client credentials, refresh tokens,
// revocation and introspection, fosite's in-memory store with two static
// clients, and a login page that asks which scopes to grant.
//
// The test carries the build tag integration, so `go test ./...` leaves it
// out; `make integration` runs it. It compares authspec's results with
// expectations.yaml (see package integration/harness); docs/targets.md
// explains every finding.
package fosite
