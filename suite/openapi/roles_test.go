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

// TestRoles_SharedURL: a revocation endpoint at the token endpoint's URL
// (Cloudflare's workers-oauth-provider) is judged as what each request is,
// read from its body, every time (it was decided by the order of a map,
// so the contract judged the same responses as revocation responses in one
// run and as token responses in the next).
func TestRoles_SharedURL(t *testing.T) {
	for range 20 {
		r := openapi.NewRoles(map[string]string{"token_endpoint": "https://as.example/oauth/token",
			"revocation_endpoint": "https://as.example/oauth/token", "registration_endpoint": "https://as.example/register"}, "")
		u, _ := url.Parse("https://as.example/oauth/token")
		assert.Empty(t, r.Role(u), "two roles: the URL alone does not say which")
		assert.Equal(t, "/token", r.RoleOf(u, []byte("grant_type=authorization_code&code=x")))
		assert.Equal(t, "/revoke", r.RoleOf(u, []byte("token=abc&token_type_hint=refresh_token")))
		assert.Empty(t, r.RoleOf(u, []byte("client_id=abc")), "neither: not judged")
		reg, _ := url.Parse("https://as.example/register")
		assert.Equal(t, "/register", r.RoleOf(reg, nil))
	}
}
