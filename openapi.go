// Package authspec is a conformance suite for OAuth 2.0 authorization
// servers. This root package only carries the HTTP contract.
package authspec

import _ "embed"

// OpenAPI is openapi.yaml: the HTTP contract of an RFC-compliant
// authorization server, as the suite checks it and the reference server
// implements it.
//
//go:embed openapi.yaml
var OpenAPI []byte
