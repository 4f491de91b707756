package metadoc

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/authspec/authspec/suite/expect"
)

// Signed is the signed_metadata member of a metadata document (RFC 8414
// §2.1, RFC 9728 §2.2) read as a JWS in compact form, its signature not
// verified (the signer's keys are the user's to supply): its header and
// claims, or why it is not a signed JWS whose payload is a JSON object.
// Present is false when the document has no signed_metadata. Any alg but
// "none" counts as signed or MACed: neither RFC limits the algorithms.
type Signed struct {
	Present        bool
	Header, Claims map[string]any
	NotJWS         string
}

// ReadSigned reads the signed_metadata member of doc.
func ReadSigned(doc map[string]any) Signed {
	v, ok := doc["signed_metadata"]
	if !ok {
		return Signed{}
	}
	sm := Signed{Present: true}
	s, _ := v.(string)
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		sm.NotJWS = "not a JWS in compact form (three base64url parts separated by dots)"
		return sm
	}
	for i, dst := range []*map[string]any{&sm.Header, &sm.Claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(raw, dst) != nil || *dst == nil {
			sm.NotJWS = []string{"its header", "its payload"}[i] + " is not a base64url-encoded JSON object"
			return sm
		}
	}
	if alg, _ := sm.Header["alg"].(string); alg == "" || strings.EqualFold(alg, "none") {
		sm.NotJWS = "its header's alg is " + expect.Describe(sm.Header["alg"]) + ": it is neither signed nor MACed"
	}
	return sm
}
