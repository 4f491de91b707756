package rfc9728

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReadSignedMetadata(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	jws := func(header, claims string) map[string]any {
		return map[string]any{"signed_metadata": b64([]byte(header)) + "." + b64([]byte(claims)) + ".c2ln"}
	}
	assert.False(t, readSignedMetadata(map[string]any{}).present)
	ok := readSignedMetadata(jws(`{"alg":"ES256"}`, `{"iss":"https://rs.example.com","resource":"https://rs.example.com"}`))
	assert.True(t, ok.present)
	assert.Empty(t, ok.notJWS)
	assert.Equal(t, "https://rs.example.com", ok.claim["iss"])
	assert.NotEmpty(t, readSignedMetadata(jws(`{"alg":"none"}`, `{"iss":"x"}`)).notJWS, "alg none is not signed")
	assert.NotEmpty(t, readSignedMetadata(map[string]any{"signed_metadata": "a.b.c.d.e"}).notJWS, "a JWE")
	assert.NotEmpty(t, readSignedMetadata(map[string]any{"signed_metadata": 42}).notJWS)
}

func TestKeyPurpose(t *testing.T) {
	for _, c := range []struct {
		key      map[string]any
		sig, enc bool
	}{
		{map[string]any{"use": "sig"}, true, false},
		{map[string]any{"use": "enc"}, false, true},
		{map[string]any{"alg": "RS256"}, true, false},
		{map[string]any{"alg": "RSA-OAEP-256"}, false, true},
		{map[string]any{"alg": "ECDH-ES+A128KW"}, false, true},
		{map[string]any{"key_ops": []any{"verify"}}, true, false},
		{map[string]any{"key_ops": []any{"wrapKey"}}, false, true},
		{map[string]any{"kty": "EC"}, false, false},
	} {
		sig, enc := keyPurpose(c.key)
		assert.Equal(t, c.sig, sig, "%v", c.key)
		assert.Equal(t, c.enc, enc, "%v", c.key)
	}
}
