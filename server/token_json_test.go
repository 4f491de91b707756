package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTokenResponseJSON: the token response is written byte for byte as
// encoding/json writes it.
func TestTokenResponseJSON(t *testing.T) {
	require.Equal(t, 5, reflect.TypeFor[TokenResponse]().NumField(), "appendJSON writes every field of TokenResponse: add a new one there")
	for _, r := range []TokenResponse{
		{},
		{AccessToken: "aZ09-_.~+/=", TokenType: "Bearer", ExpiresIn: 3600},
		{AccessToken: "a", TokenType: "DPoP", ExpiresIn: -1, RefreshToken: "r", Scope: "read write"},
		{AccessToken: "q\"b\\s", Scope: "<html>&\u00e9\u2028\x00\x7f", RefreshToken: "\xff"},
	} {
		want, err := json.Marshal(&r)
		require.NoError(t, err)
		got, err := r.appendJSON(nil)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

func FuzzTokenResponseJSON(f *testing.F) {
	f.Add("token", "Bearer", int64(60), "refresh", "read")
	f.Fuzz(func(t *testing.T, at, typ string, exp int64, rt, scope string) {
		r := TokenResponse{AccessToken: at, TokenType: typ, ExpiresIn: exp, RefreshToken: rt, Scope: scope}
		want, err := json.Marshal(&r)
		require.NoError(t, err)
		got, err := r.appendJSON(nil)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	})
}
