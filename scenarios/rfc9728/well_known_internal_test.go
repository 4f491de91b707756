package rfc9728

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestInsertedWellKnown: RFC 9728 §3 forms the metadata URL by inserting a
// well-known string, oauth-protected-resource by default; an application's
// own suffix, inserted the same way, is lawful.
func TestInsertedWellKnown(t *testing.T) {
	for _, c := range []struct {
		resource, u, suffix string
		ok                  bool
	}{
		{"https://rs.example.com/mcp", "https://rs.example.com/.well-known/example-app-resource/mcp", "example-app-resource", true},
		{"https://rs.example.com", "https://rs.example.com/.well-known/example-app-resource", "example-app-resource", true},
		{"https://rs.example.com/mcp", "https://rs.example.com/.well-known/oauth-protected-resource/mcp", "", false},
		{"https://rs.example.com/mcp", "https://rs.example.com/mcp/.well-known/example-app-resource", "", false},
		{"https://rs.example.com/mcp", "https://rs.example.com/.well-known/example-app-resource/other", "example-app-resource", false},
		{"https://rs.example.com/mcp", "https://other.example.com/.well-known/example-app-resource/mcp", "example-app-resource", false},
		{"https://rs.example.com/mcp", "https://rs.example.com/metadata/mcp.json", "", false},
	} {
		suffix, ok := insertedWellKnown(c.resource, c.u)
		assert.Equal(t, c.ok, ok, c.u)
		if c.ok {
			assert.Equal(t, c.suffix, suffix, c.u)
		}
	}
}
