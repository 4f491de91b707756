package rfc9700

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSiteOf: resources of the authorization server's own site (another
// host of the same registrable domain) are first party; IP addresses and
// names outside the public suffix list stand for themselves.
func TestSiteOf(t *testing.T) {
	assert.Equal(t, "example.com", siteOf("https://static.example.com/app.css"))
	assert.Equal(t, siteOf("https://login.example.co.uk/"), siteOf("https://cdn.example.co.uk/font.woff2"))
	assert.NotEqual(t, siteOf("https://auth.example.com/"), siteOf("https://fonts.googleapis.com/css"))
	assert.Equal(t, "127.0.0.1", siteOf("http://127.0.0.1:8080/logo.png"))
	assert.NotEqual(t, siteOf("http://127.0.0.1/"), siteOf("http://127.0.0.2:9/pixel.png"))
	assert.Equal(t, "localhost", siteOf("http://localhost:3000/x"))
	assert.Empty(t, siteOf("data:image/png;base64,xyz"))
}
