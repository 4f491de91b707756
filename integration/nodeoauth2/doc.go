// Package nodeoauth2 runs authspec against an authorization server built
// from @node-oauth/oauth2-server 5.3.0 and its express wrapper
// @node-oauth/express-oauth-server 4.2.0 (server.mjs beside this file, pinned
// by package-lock.json): the code grant with PKCE, client credentials and
// rotated refresh tokens, an in-memory model with two static clients, and a
// login page.
//
// The test carries the build tag integration, so `go test ./...` leaves it
// out; `make integration` runs it. It compares authspec's results with
// expectations.yaml (see package integration/harness); docs/targets.md
// explains every finding.
package nodeoauth2
