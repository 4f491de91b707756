// Package zitadel runs authspec against the example OpenID Provider of
// zitadel/oidc v3.52.0 (server/, a separate Go module pinned by its go.mod
// and go.sum): the code grant with and without PKCE, refresh tokens,
// revocation and introspection, its in-memory storage with a confidential
// and a native client, and its login page (no consent page).
//
// The test carries the build tag integration, so `go test ./...` leaves it
// out; `make integration` runs it. It compares authspec's results with
// expectations.yaml (see package integration/harness); docs/targets.md
// explains every finding.
package zitadel
