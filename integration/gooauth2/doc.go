// Package gooauth2 runs authspec against an authorization server built from
// go-oauth2/oauth2 v4.5.4 (server/, a separate Go module pinned by its go.mod
// and go.sum): the code grant with PKCE, the implicit, password and client
// credentials grants, refresh tokens, the library's memory stores with two
// static clients, and a login page that approves or denies.
//
// The test carries the build tag integration, so `go test ./...` leaves it
// out; `make integration` runs it. It compares authspec's results with
// expectations.yaml (see package integration/harness); docs/targets.md
// explains every finding.
package gooauth2
