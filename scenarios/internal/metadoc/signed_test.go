package metadoc

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReadSigned(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	jws := func(header, claims string) map[string]any {
		return map[string]any{"signed_metadata": b64([]byte(header)) + "." + b64([]byte(claims)) + ".c2ln"}
	}
	assert.False(t, ReadSigned(map[string]any{}).Present)
	ok := ReadSigned(jws(`{"alg":"ES256"}`, `{"iss":"https://rs.example.com","resource":"https://rs.example.com"}`))
	assert.True(t, ok.Present)
	assert.Empty(t, ok.NotJWS)
	assert.Equal(t, "https://rs.example.com", ok.Claims["iss"])
	assert.NotEmpty(t, ReadSigned(jws(`{"alg":"none"}`, `{"iss":"x"}`)).NotJWS, "alg none is not signed")
	assert.NotEmpty(t, ReadSigned(map[string]any{"signed_metadata": "a.b.c.d.e"}).NotJWS, "a JWE")
	assert.NotEmpty(t, ReadSigned(map[string]any{"signed_metadata": 42}).NotJWS)
}

func TestReadSigned_AnyAlgorithm(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	for _, alg := range []string{"ES256K", "Ed25519", "EdDSA", "HS256", "ML-DSA-44"} {
		sm := ReadSigned(map[string]any{"signed_metadata": b64([]byte(`{"alg":"`+alg+`"}`)) + "." + b64([]byte(`{"iss":"x"}`)) + ".c2ln"})
		assert.Empty(t, sm.NotJWS, alg)
	}
}
