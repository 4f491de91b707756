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
	rep, _ := Bearer([]string{`Bearer realm="a", scope="read", scope="write", error="x\"y"`})
	assert.Equal(t, 2, rep.Count("scope"))
	assert.Equal(t, 1, rep.Count("realm"))
	assert.Equal(t, Param{Name: "error", Value: `x"y`, Quoted: true}, rep.List[3])
	// BWS around "=" (RFC 9110 §11.2: auth-param = token BWS "=" BWS ...).
	sp, ok := Bearer([]string{`Bearer realm = "x" , resource_metadata	=	"https://r/m", Basic realm="y"`})
	assert.True(t, ok)
	assert.Equal(t, "x", sp.Params["realm"])
	assert.Equal(t, "https://r/m", sp.Params["resource_metadata"])
	assert.Len(t, ParseChallenges([]string{`Bearer realm = "x" , Basic realm="y"`}), 2)
	assert.NotPanics(t, func() { ParseChallenges([]string{`"`, `=`, `Bearer ="x`, `Bearer a="\`, ",,,"}) })
}
