// Package cfoauth runs authspec against an authorization server built from
// Cloudflare's @cloudflare/workers-oauth-provider 1.2.3 (worker.mjs beside
// this file: the library's one-Worker OAuthProvider with its resource at
// /mcp, and the /authorize page its documentation shows), run in workerd,
// the Workers runtime, by miniflare, the local runtime of wrangler dev, with
// a KV namespace for the library's storage (server.mjs; all pinned by
// package-lock.json).
//
// The test carries the build tag integration, so `go test ./...` leaves it
// out; `make integration` runs it. It compares authspec's results with
// expectations.yaml (see package integration/harness); docs/targets.md
// explains every finding.
package cfoauth
