package probe

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseChallenges(t *testing.T) {
	cs := ParseChallenges([]string{`Basic realm="a, b", Bearer realm="x", error="invalid_token", resource_metadata="https://r/.well-known/oauth-protected-resource"`, `Negotiate abc==`})
	assert.Len(t, cs, 3)
	assert.Equal(t, "a, b", cs[0].Params["realm"])
	b, ok := Bearer([]string{`Basic realm="a", Bearer error=invalid_token, scope="read write"`})
	assert.True(t, ok)
	assert.Equal(t, "invalid_token", b.Params["error"])
	assert.Equal(t, "read write", b.Params["scope"])
	assert.NotPanics(t, func() { ParseChallenges([]string{`"`, `=`, `Bearer ="x`, `Bearer a="\`, ",,,"}) })
}
