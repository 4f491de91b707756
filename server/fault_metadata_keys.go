package server

import (
	"crypto/rand"
	"encoding/json"
	"net/http"

	jose "github.com/go-jose/go-jose/v4"
)

// The faults of the metadata's keys and signed metadata (RFC 8414 §2,
// §2.1). The reference server signs nothing and publishes no jwks_uri: the
// documents below exist only with their fault on.

// faultJWKSPath is where FaultMetadataJWKSUseMissing serves its JWK Set.
const faultJWKSPath = "/jwks.json"

// mixedJWKS is a JWK Set of a signing key that does not say so (no "use";
// its alg tells) and an encryption key that does: the public keys of RFC
// 7517 Appendix A.1.
var mixedJWKS = map[string]any{"keys": []any{
	map[string]any{"kty": "EC", "crv": "P-256", "alg": "ES256", "kid": "sig-1",
		"x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"},
	map[string]any{"kty": "RSA", "alg": "RSA-OAEP-256", "use": "enc", "kid": "enc-1", "e": "AQAB",
		"n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
}}

// jwksRoute serves mixedJWKS under FaultMetadataJWKSUseMissing.
func (s *Server) jwksRoute(mux *http.ServeMux, prefix string) {
	if !s.fault(FaultMetadataJWKSUseMissing) {
		return
	}
	body, err := json.Marshal(mixedJWKS)
	if err != nil {
		return
	}
	mux.HandleFunc("GET "+prefix+faultJWKSPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(body)
	})
}

// signedMetadata is a JWT of claims MACed with HS256 under a key of its
// own, for the signed_metadata faults ("" if it cannot be made).
func signedMetadata(claims map[string]any) string {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return ""
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return ""
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return ""
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return ""
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		return ""
	}
	return out
}

// signMetadataRule sets signed_metadata to a JWT of the document's
// members, changed by edit.
func signMetadataRule(edit func(claims map[string]any)) func(*response) {
	return func(res *response) {
		res.editMembers(func(m map[string]any) {
			claims := make(map[string]any, len(m))
			for k, v := range m {
				claims[k] = v
			}
			edit(claims)
			m["signed_metadata"] = signedMetadata(claims)
		})
	}
}
