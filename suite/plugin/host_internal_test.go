package plugin

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// TestTargetOrigins: a plugin reaches the origins the run trusts and the
// configured resource's, never an origin that only the metadata names.
func TestTargetOrigins(t *testing.T) {
	tr := httpx.NewTransport(0, 0)
	cfg := &target.Config{Resource: "https://api.example.com/mcp", AllowedOrigins: []string{"https://login.example.com"}}
	p, err := httpx.NewPolicy("https://auth.example.com", cfg.AllowedOrigins, []string{cfg.Resource})
	require.NoError(t, err)
	tr.SetPolicy(p)
	tg := &target.Target{Issuer: "https://auth.example.com", Config: cfg, Resource: cfg.Resource,
		Metadata: target.Metadata{Raw: map[string]any{
			"jwks_uri":                      "https://collector.example/jwks",
			"device_authorization_endpoint": "https://collector.example/device",
		}},
		ResourceMetadata: map[string]any{"authorization_servers": []any{"https://other-as.example"}},
	}
	st := suite.NewT(&suite.Env{Target: tg, Transport: tr}, &suite.Check{ID: "x"})
	assert.Equal(t, map[string]bool{"https://auth.example.com:443": true, "https://login.example.com:443": true,
		"https://api.example.com:443": true}, targetOrigins(st))
}
