package server

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/authspec/authspec/server/store"
)

// acceptFaultyProof accepts, under its fault only, a DPoP proof that
// go-jose refuses: an unsigned one (alg "none", RFC 9449 §11.6), one whose
// jwk holds the private key (§4.3 item 7), verified with the key's public
// part, or one signed HS256 with the symmetric key of its jwk (§11.6). It
// reports false when no such fault is on or the proof is not of that kind.
func (s *Server) acceptFaultyProof(raw string) (*jose.JSONWebKey, []byte, bool) {
	if !s.fault(FaultDPoPAlgNoneAccepted) && !s.fault(FaultDPoPPrivateJWKAccepted) && !s.fault(FaultDPoPHS256Accepted) {
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
	case h.Alg == "HS256" && s.fault(FaultDPoPHS256Accepted):
		secret, ok := jwk.Key.([]byte)
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(parts[0] + "." + parts[1]))
		if ok && len(secret) > 0 && hmac.Equal(m.Sum(nil), sig) {
			return &jwk, payload, true
		}
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

// nonceSpared reports, under its fault only, whether the key jkt was sent
// a DPoP nonce before: its proof without a nonce claim is then accepted,
// against RFC 9449 §11.3. The first proof of a key without a nonce marks
// the key, as the use_dpop_nonce answer to it sends one.
func (s *Server) nonceSpared(r *http.Request, jkt string) bool {
	if !s.fault(FaultDPoPNonceSpared) {
		return false
	}
	err := s.store.UseOnce(r.Context(), "dpop nonce sent "+jkt, s.now().Add(time.Hour))
	return errors.Is(err, store.ErrAlreadyUsed)
}
