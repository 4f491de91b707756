package rfc9728

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

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
