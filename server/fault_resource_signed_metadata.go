package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/go-jose/go-jose/v4"
)

// The protected resource publishes no keys and no signed metadata; these
// faults add them, broken, to its RFC 9728 metadata.

// resourceJWKSPath is where FaultResourceJWKSNoUse serves the resource's
// JWK Set.
const resourceJWKSPath = "/mcp-jwks.json"

// resourceJWKSRoute serves, with FaultResourceJWKSNoUse, a JWK Set of a
// signing key and an encryption key, the latter without "use" (RFC 9728 §2
// requires it of every key when both kinds are there).
func (s *Server) resourceJWKSRoute(mux *http.ServeMux, prefix string) {
	if !s.fault(FaultResourceJWKSNoUse) {
		return
	}
	mux.HandleFunc("GET "+prefix+resourceJWKSPath, func(w http.ResponseWriter, _ *http.Request) {
		sig, err1 := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		enc, err2 := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err1 != nil || err2 != nil {
			http.Error(w, "no key", http.StatusInternalServerError)
			return
		}
		writeJSONDoc(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &sig.PublicKey, KeyID: "sig-1", Algorithm: "ES256", Use: "sig"},
			{Key: &enc.PublicKey, KeyID: "enc-1", Algorithm: "ECDH-ES"},
		}})
	})
}

// signedResourceMetadata is a signed_metadata value (RFC 9728 §2.2): the
// resource's metadata as the claims of a JWS MACed with HS256, under a key
// of the fault's own (no client is meant to verify it). claims are changed
// by edit.
func (s *Server) signedResourceMetadata(edit func(claims map[string]any)) string {
	claims := map[string]any{
		"iss":                   s.cfg.Issuer,
		"resource":              s.ResourceURL(),
		"authorization_servers": []string{s.cfg.Issuer},
	}
	edit(claims)
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	key := sha256.Sum256([]byte("authspec signed metadata " + s.cfg.Issuer))
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
