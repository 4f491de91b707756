package kit

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/authspec/authspec/suite/dpop"
)

// DPoPKey is a DPoP key pair (RFC 9449) and the last nonce each endpoint
// gave for it.
type DPoPKey struct {
	*dpop.Key
	nonces map[string]string
}

// NewDPoPKey generates a key for an algorithm of the target's
// dpop_signing_alg_values_supported (ES256, PS256 or RS256); a SkipError
// when the target supports none of them.
func (t *T) NewDPoPKey() (*DPoPKey, error) {
	k, err := dpop.KeyFor(t.MetadataList("dpop_signing_alg_values_supported"))
	if err == dpop.ErrNoAlg {
		return nil, &SkipError{Reason: err.Error()}
	}
	if err != nil {
		return nil, err
	}
	return &DPoPKey{Key: k, nonces: map[string]string{}}, nil
}

// Proof makes the DPoP proof of a request: its method and URL, and the
// access token it comes with ("" at the token endpoint) and the server's
// nonce ("" for none).
func (k *DPoPKey) Proof(method, rawURL, accessToken, nonce string) (string, error) {
	return k.Sign(dpop.Proof{Method: method, URL: rawURL, AccessToken: accessToken, Nonce: nonce})
}

// DoDPoP sends a request with a DPoP proof of k (and "Authorization: DPoP
// <accessToken>" when accessToken is set). When the server answers
// use_dpop_nonce with a DPoP-Nonce header (RFC 9449 §8, §9), it retries
// once with that nonce; the nonce is kept for the next request to the URL.
func (t *T) DoDPoP(k *DPoPKey, method, rawURL string, header http.Header, body, accessToken, note string) (*Response, error) {
	res, err := t.doDPoP(k, method, rawURL, header, body, accessToken, note)
	if err != nil || !asksNonce(res) {
		return res, err
	}
	return t.doDPoP(k, method, rawURL, header, body, accessToken, note+" (again, with the server's DPoP nonce)")
}

func (t *T) doDPoP(k *DPoPKey, method, rawURL string, header http.Header, body, accessToken, note string) (*Response, error) {
	proof, err := k.Proof(method, rawURL, accessToken, k.nonces[dpop.HTU(rawURL)])
	if err != nil {
		return nil, err
	}
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("DPoP", proof)
	if accessToken != "" {
		h.Set("Authorization", "DPoP "+accessToken)
	}
	res, err := t.Do(method, rawURL, h, body, note)
	if err != nil {
		return nil, err
	}
	if n := res.Header.Get("DPoP-Nonce"); n != "" {
		k.nonces[dpop.HTU(rawURL)] = n
	}
	return res, nil
}

// asksNonce reports whether res is a use_dpop_nonce error with a nonce.
func asksNonce(res *Response) bool {
	if res.Header.Get("DPoP-Nonce") == "" {
		return false
	}
	var m struct {
		Error string `json:"error"`
	}
	return strings.Contains(res.Header.Get("WWW-Authenticate"), "use_dpop_nonce") ||
		json.Unmarshal(res.Body, &m) == nil && m.Error == "use_dpop_nonce"
}
