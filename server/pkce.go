package server

import (
	"crypto/sha256"
	"encoding/base64"
)

// The RFC 7636 helpers of the authorization and token endpoints.

// validS256 checks that an S256 challenge is BASE64URL of 32 bytes without
// padding: 43 characters of [A-Za-z0-9-_] (RFC 7636 §4.2).
func validS256(challenge string) bool {
	if len(challenge) != 43 {
		return false
	}
	for i := 0; i < len(challenge); i++ {
		c := challenge[i]
		if !isUnreserved(c) || c == '.' || c == '~' {
			return false
		}
	}
	return true
}

// s256 is BASE64URL-ENCODE(SHA256(ASCII(verifier))) (RFC 7636 §4.2).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
