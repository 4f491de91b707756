package openapi_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/suite/openapi"
)

// TestRoles_MetadataURLs: the authorization server metadata is judged
// wherever discovery finds it: at the RFC 8414 URL, or at the OpenID
// Connect Discovery URL, inserted or appended.
func TestRoles_MetadataURLs(t *testing.T) {
	r := openapi.NewRoles(map[string]string{"token_endpoint": "https://as.example/t/token"}, "https://rs.example/mcp")
	for _, raw := range []string{
		"https://as.example/.well-known/oauth-authorization-server",
		"https://as.example/.well-known/oauth-authorization-server/t",
		"https://as.example/.well-known/openid-configuration",
		"https://as.example/.well-known/openid-configuration/t",
		"https://as.example/t/.well-known/openid-configuration",
	} {
		u, _ := url.Parse(raw)
		assert.Equal(t, "/.well-known/oauth-authorization-server", r.Role(u), raw)
	}
	u, _ := url.Parse("https://as.example/t/.well-known/openid-configuration/x")
	assert.Empty(t, r.Role(u))
}
