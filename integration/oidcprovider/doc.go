// Package oidcprovider runs authspec against a real third-party authorization
// server: oidc-provider 9.13.3 (server.mjs beside this file, pinned by
// package-lock.json), with open dynamic registration, resource indicators,
// client credentials, revocation, introspection, PKCE, refresh tokens and its
// built-in login and consent pages (devInteractions), driven by a browser
// recipe.
//
// The test carries the build tag integration, so `go test ./...` leaves it
// out; `make integration` runs it. It compares authspec's results with
// expectations.yaml (see package integration/harness); docs/targets.md
// explains every finding with the same one-line reason.
package oidcprovider
