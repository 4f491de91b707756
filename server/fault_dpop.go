package server

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// acceptFaultyProof accepts, under its fault only, a DPoP proof that
// go-jose refuses: an unsigned one (alg "none", RFC 9449 §11.6), or one
// whose jwk holds the private key (§4.3 item 7), verified with the key's
// public part. It reports false when no such fault is on or the proof is
// not of that kind.
func (s *Server) acceptFaultyProof(raw string) (*jose.JSONWebKey, []byte, bool) {
	if !s.fault(FaultDPoPAlgNoneAccepted) && !s.fault(FaultDPoPPrivateJWKAccepted) {
		return nil, nil, false
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, nil, false
	}
	head, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	payload, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	var h struct {
		Alg string          `json:"alg"`
		Typ string          `json:"typ"`
		JWK json.RawMessage `json:"jwk"`
	}
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(head, &h) != nil || h.Typ != "dpop+jwt" {
		return nil, nil, false
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(h.JWK); err != nil {
		return nil, nil, false
	}
	pub := jwk.Public()
	switch {
	case h.Alg == "none" && s.fault(FaultDPoPAlgNoneAccepted) && jwk.IsPublic():
		return &jwk, payload, true
	case !jwk.IsPublic() && s.fault(FaultDPoPPrivateJWKAccepted) && pub.Valid() &&
		verifySHA256(h.Alg, pub.Key, parts[0]+"."+parts[1], sig):
		return &pub, payload, true
	}
	return nil, nil, false
}

// verifySHA256 verifies a JWS signature of ES256, RS256 or PS256.
func verifySHA256(alg string, key any, input string, sig []byte) bool {
	h := sha256.Sum256([]byte(input))
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		if alg != "ES256" || len(sig) != 64 {
			return false
		}
		return ecdsa.Verify(k, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	case *rsa.PublicKey:
		switch alg {
		case "RS256":
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig) == nil
		case "PS256":
			return rsa.VerifyPSS(k, crypto.SHA256, h[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
	}
	return false
}
