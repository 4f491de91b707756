// Package dpop makes the suite a DPoP client (RFC 9449): keys generated per
// run, proofs signed with go-jose, and requests that follow the server's
// nonces (use_dpop_nonce, DPoP-Nonce).
//
// A Proof describes the proof of one request; its deviation fields (an old
// iat, a wrong typ, a private key in jwk, alg none, a broken signature, a
// missing claim, an HMAC signature, the JSON serialization, a second DPoP
// header) make the proofs a compliant server refuses.
package dpop

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/authspec/authspec/suite/httpx"
)

// Algs are the JWS algorithms the suite signs proofs with, preferred first.
var Algs = []string{"ES256", "PS256", "RS256"}

// PickAlg picks the first of Algs that supported (the server's
// dpop_signing_alg_values_supported) lists; an empty list means ES256.
func PickAlg(supported []string) (string, bool) {
	if len(supported) == 0 {
		return "ES256", true
	}
	for _, a := range Algs {
		if slices.Contains(supported, a) {
			return a, true
		}
	}
	return "", false
}

// Key is a DPoP key pair.
type Key struct {
	Alg string
	// JWK is the public key, as proofs carry it.
	JWK jose.JSONWebKey
	// JKT is the JWK SHA-256 thumbprint of the public key (RFC 7638), the
	// value of dpop_jkt and cnf.jkt.
	JKT  string
	priv crypto.Signer
}

// NewKey generates a key for alg: ES256 (P-256), or PS256 and RS256 (RSA
// 2048).
func NewKey(alg string) (*Key, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case "ES256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "PS256", "RS256":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		return nil, fmt.Errorf("dpop: algorithm %q is not supported (use one of %s)", alg, strings.Join(Algs, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("dpop: generate %s key: %w", alg, err)
	}
	k := &Key{Alg: alg, priv: priv, JWK: jose.JSONWebKey{Key: priv.Public(), Algorithm: alg}}
	thumb, err := k.JWK.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("dpop: thumbprint: %w", err)
	}
	k.JKT = base64.RawURLEncoding.EncodeToString(thumb)
	return k, nil
}

// Proof is what a DPoP proof says of its request (RFC 9449 §4.2), and how
// it deviates from a valid proof.
type Proof struct {
	// Method and URL are the request's (htm, htu); the URL's query and
	// fragment are left out of htu.
	Method, URL string
	// AccessToken, when set, gives ath: the hash of the token.
	AccessToken string
	// Nonce is the server's nonce ("" for none).
	Nonce string

	// Deviations.
	Typ          string    // typ instead of dpop+jwt
	IssuedAt     time.Time // iat instead of now
	JTI          string    // jti instead of a random one
	ATH          string    // ath instead of the token's hash
	PrivateJWK   bool      // jwk carries the private key
	AlgNone      bool      // unsigned: alg none and no signature
	BadSignature bool      // the signature does not verify
	Omit         []string  // claims left out (jti, htm, htu, iat, ath, nonce)
	HTU          string    // htu verbatim instead of the request's URL
	Symmetric    bool      // signed HS256 with a fresh secret, jwk the oct key
	JSON         bool      // the flattened JWS JSON Serialization: not a JWT
	Twice        bool      // a second proof of the key in a second DPoP header field
}

// ATH is the ath claim of an access token: the base64url SHA-256 of its
// ASCII form.
func ATH(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// HTU is a request URI as htu says it: without query and fragment.
func HTU(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
	return u.String()
}

// claims are the claims of p.
func (p Proof) claims() (map[string]any, error) {
	jti := p.JTI
	if jti == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("dpop: jti: %w", err)
		}
		jti = base64.RawURLEncoding.EncodeToString(b)
	}
	iat := p.IssuedAt
	if iat.IsZero() {
		iat = time.Now()
	}
	c := map[string]any{"jti": jti, "htm": p.Method, "htu": HTU(p.URL), "iat": iat.Unix()}
	switch {
	case p.ATH != "":
		c["ath"] = p.ATH
	case p.AccessToken != "":
		c["ath"] = ATH(p.AccessToken)
	}
	if p.Nonce != "" {
		c["nonce"] = p.Nonce
	}
	if p.HTU != "" {
		c["htu"] = p.HTU
	}
	for _, name := range p.Omit {
		delete(c, name)
	}
	return c, nil
}

// Sign makes the proof p with k.
func (k *Key) Sign(p Proof) (string, error) {
	claims, err := p.claims()
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("dpop: claims: %w", err)
	}
	typ := p.Typ
	if typ == "" {
		typ = "dpop+jwt"
	}
	if p.AlgNone {
		return k.unsigned(typ, payload)
	}
	signer, err := k.signer(p, typ)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("dpop: sign: %w", err)
	}
	if p.JSON {
		return jws.FullSerialize(), nil
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("dpop: serialize: %w", err)
	}
	if p.BadSignature {
		out = breakSignature(out)
	}
	return out, nil
}

// signer signs with k, its public key in jwk; or with the deviations of
// p: the private key in jwk, or HS256 with a fresh secret given in jwk.
func (k *Key) signer(p Proof, typ string) (jose.Signer, error) {
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ))
	key := jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.Alg), Key: k.priv}
	switch {
	case p.Symmetric:
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("dpop: secret: %w", err)
		}
		key = jose.SigningKey{Algorithm: jose.HS256, Key: secret}
		opts = opts.WithHeader("jwk", &jose.JSONWebKey{Key: secret, Algorithm: string(jose.HS256)})
	case p.PrivateJWK:
		opts = opts.WithHeader("jwk", &jose.JSONWebKey{Key: k.priv, Algorithm: k.Alg})
	default:
		opts.EmbedJWK = true
	}
	signer, err := jose.NewSigner(key, opts)
	if err != nil {
		return nil, fmt.Errorf("dpop: signer: %w", err)
	}
	return signer, nil
}

// unsigned is an unsecured JWS (RFC 7515 §A.5) with the public jwk.
func (k *Key) unsigned(typ string, payload []byte) (string, error) {
	head, err := json.Marshal(map[string]any{"typ": typ, "alg": "none", "jwk": &k.JWK})
	if err != nil {
		return "", fmt.Errorf("dpop: header: %w", err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc(head) + "." + enc(payload) + ".", nil
}

// breakSignature flips a bit of the signature of a compact JWS.
func breakSignature(compact string) string {
	i := strings.LastIndexByte(compact, '.')
	sig, err := base64.RawURLEncoding.DecodeString(compact[i+1:])
	if err != nil || len(sig) == 0 {
		return compact + "A"
	}
	sig[len(sig)/2] ^= 0x01
	return compact[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

// Nonces remembers the last nonce each server gave (RFC 9449 §8.2: "The
// client MUST use the new nonce value supplied for the next token request"),
// by the URL of the endpoint that gave it. Safe for concurrent use.
type Nonces struct {
	mu sync.Mutex
	m  map[string]string
}

// Any reports whether a server gave a nonce.
func (n *Nonces) Any() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.m) > 0
}

func (n *Nonces) get(u string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.m[HTU(u)]
}

func (n *Nonces) set(u, nonce string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil {
		n.m = make(map[string]string)
	}
	n.m[HTU(u)] = nonce
}

// Request is a request to send with a DPoP proof: Build makes it afresh
// for each attempt (its body is read once).
type Request struct {
	Build func(ctx context.Context) (*http.Request, error)
	// Proof is the proof's template; Method and URL default to the
	// request's, Nonce to the last nonce the server gave.
	Proof Proof
	Note  string
}

// Do sends r with a proof made by k. When the server answers
// use_dpop_nonce with a DPoP-Nonce header (RFC 9449 §8, §9), it retries
// once with that nonce; either way it remembers the nonce of every
// response in nonces (nil: none kept). The result is the last response.
func Do(ctx context.Context, hc *httpx.Client, k *Key, nonces *Nonces, r Request) (*httpx.Result, error) {
	if nonces == nil {
		nonces = &Nonces{}
	}
	res, err := send(ctx, hc, k, nonces, r, r.Note)
	if err != nil || !AsksNonce(res) {
		return res, err
	}
	return send(ctx, hc, k, nonces, r, r.Note+" (again, with the server's DPoP nonce)")
}

// Once sends r with a proof made by k, once: no nonce but the Proof's,
// no retry.
func Once(ctx context.Context, hc *httpx.Client, k *Key, r Request) (*httpx.Result, error) {
	return send(ctx, hc, k, &Nonces{}, r, r.Note)
}

func send(ctx context.Context, hc *httpx.Client, k *Key, nonces *Nonces, r Request, note string) (*httpx.Result, error) {
	req, err := r.Build(ctx)
	if err != nil {
		return nil, fmt.Errorf("dpop: build request: %w", err)
	}
	p := r.Proof
	if p.Method == "" {
		p.Method = req.Method
	}
	if p.URL == "" {
		p.URL = req.URL.String()
	}
	if p.Nonce == "" {
		p.Nonce = nonces.get(req.URL.String())
	}
	proof, err := k.Sign(p)
	if err != nil {
		return nil, err
	}
	req.Header.Set("DPoP", proof)
	if p.Twice {
		second, err := k.Sign(p)
		if err != nil {
			return nil, err
		}
		req.Header.Add("DPoP", second)
	}
	res, err := hc.Do(ctx, req, note)
	if err != nil {
		return nil, err
	}
	if n := res.Header.Get("DPoP-Nonce"); n != "" {
		nonces.set(req.URL.String(), n)
	}
	return res, nil
}

// AsksNonce reports whether res asks for a DPoP nonce: the error
// use_dpop_nonce, in a JSON body (token endpoint, §8) or a DPoP challenge
// (resource, §9), with a DPoP-Nonce header.
func AsksNonce(res *httpx.Result) bool {
	if res == nil || res.Header.Get("DPoP-Nonce") == "" {
		return false
	}
	if strings.Contains(res.Header.Get("WWW-Authenticate"), "use_dpop_nonce") {
		return true
	}
	var body struct {
		Error string `json:"error"`
	}
	return json.Unmarshal(res.Body, &body) == nil && body.Error == "use_dpop_nonce"
}

// ErrNoAlg is returned by KeyFor when the server supports none of Algs.
var ErrNoAlg = errors.New("dpop: the server supports none of " + strings.Join(Algs, ", "))

// KeyFor generates a key for an algorithm the server supports (its
// dpop_signing_alg_values_supported).
func KeyFor(supported []string) (*Key, error) {
	alg, ok := PickAlg(supported)
	if !ok {
		return nil, ErrNoAlg
	}
	return NewKey(alg)
}
