package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/authspec/authspec/server/oautherr"
)

// The server keeps no state between the steps of a browser's authorization:
// the pending authorization request and the signed-in session travel with
// the browser, sealed (encrypted and authenticated with AES-256-GCM) under
// keys derived from Config.Secret. Anonymous authorization requests
// therefore cost the server nothing to remember, and cannot crowd out each
// other or anyone's sign-in; servers that share the secret and the store
// (replicas) accept each other's. What must happen once (a consent approval
// turning into a code) is recorded in the store (store.Once).

// minSecretLen is the least length of Config.Secret.
const minSecretLen = 32

// sealer seals and opens values of one purpose.
type sealer struct {
	aead cipher.AEAD
	aad  []byte // the purpose and the issuer: a value sealed for one is no other
}

// keys are the keys the server derives from its secret.
type keys struct {
	request, session sealer
	csrf             []byte
	dpopNonce        []byte // MACs the DPoP nonces (dpop.go)
}

// deriveKeys derives one key per purpose from secret with HKDF-SHA256
// (RFC 5869), so that no key serves two purposes.
func deriveKeys(secret []byte, issuer string) (*keys, error) {
	if len(secret) < minSecretLen {
		return nil, fmt.Errorf("the secret is %d bytes; at least %d are needed", len(secret), minSecretLen)
	}
	var k keys
	for _, p := range []struct {
		s    *sealer
		info string
	}{{&k.request, "authspec authorization request v1"}, {&k.session, "authspec session v1"}} {
		key, err := hkdf.Key(sha256.New, secret, nil, p.info, 32)
		if err != nil {
			return nil, fmt.Errorf("derive key: %w", err)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("cipher: %w", err)
		}
		if p.s.aead, err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("cipher: %w", err)
		}
		p.s.aad = []byte(p.info + "\x00" + issuer)
	}
	var err error
	if k.csrf, err = hkdf.Key(sha256.New, secret, nil, "authspec csrf v1", 32); err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	if k.dpopNonce, err = hkdf.Key(sha256.New, secret, nil, "authspec dpop nonce v1", 32); err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	return &k, nil
}

// randomSecret is the secret of a server configured without one.
func randomSecret() ([]byte, error) {
	b := make([]byte, minSecretLen)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("random secret: %w", err)
	}
	return b, nil
}

// sealedValue is the envelope of every sealed value: the payload and when
// it stops being accepted.
type sealedValue[T any] struct {
	Exp     int64 `json:"e"`
	Payload T     `json:"p"`
}

var errUnsealed = errors.New("not a sealed value of this server, or expired")

// seal encrypts v, valid until exp, into a URL- and cookie-safe string.
func seal[T any](s *sealer, v T, exp time.Time) (string, error) {
	plain, err := json.Marshal(sealedValue[T]{Exp: exp.Unix(), Payload: v})
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, s.aad)), nil
}

// unseal opens a value sealed by seal, refusing it from exp on.
func unseal[T any](s *sealer, raw string, now time.Time) (T, error) {
	var zero T
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) < s.aead.NonceSize() {
		return zero, errUnsealed
	}
	plain, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], s.aad)
	if err != nil {
		return zero, errUnsealed
	}
	var v sealedValue[T]
	if err := json.Unmarshal(plain, &v); err != nil || now.Unix() >= v.Exp {
		return zero, errUnsealed
	}
	return v.Payload, nil
}

// csrfMAC derives a CSRF token bound to the given parts.
func csrfMAC(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// pendingRequest is an authorization request waiting for login and
// consent, as it travels sealed in the login and consent pages' URLs and
// forms. The client's name is not in it: the pages read it from the store.
type pendingRequest struct {
	ID                  string   `json:"i"` // binds the CSRF tokens; completes once
	ClientID            string   `json:"c"`
	RedirectURI         string   `json:"r"`
	RedirectURISent     string   `json:"rs,omitempty"`
	State               string   `json:"s,omitempty"`
	HasState            bool     `json:"hs,omitempty"`
	Scope               string   `json:"sc,omitempty"`
	Resources           []string `json:"rr,omitempty"`
	CodeChallenge       string   `json:"cc,omitempty"`
	CodeChallengeMethod string   `json:"cm,omitempty"`
	ForceConsent        bool     `json:"f,omitempty"`
	Implicit            bool     `json:"im,omitempty"`
	DPoPJKT             string   `json:"dj,omitempty"`
	// Error and ErrorDescription are the validation error of a request
	// whose error waits for the user to sign in (RFC 9700 §4.11.2).
	Error            string `json:"e,omitempty"`
	ErrorDescription string `json:"ed,omitempty"`
}

func (req *authRequest) pending() pendingRequest {
	p := pendingRequest{
		ID: req.id, ClientID: req.clientID, RedirectURI: req.redirectURI, RedirectURISent: req.redirectURISent,
		State: req.state, HasState: req.hasState, Scope: req.scope, Resources: req.resources,
		CodeChallenge: req.codeChallenge, CodeChallengeMethod: req.codeChallengeMethod,
		ForceConsent: req.forceConsent, Implicit: req.implicit, DPoPJKT: req.dpopJKT,
	}
	if req.failure != nil {
		p.Error, p.ErrorDescription = req.failure.Code, req.failure.Description
	}
	return p
}

func (p pendingRequest) request(sealed string) *authRequest {
	req := &authRequest{
		id: p.ID, sealed: sealed, clientID: p.ClientID, redirectURI: p.RedirectURI, redirectURISent: p.RedirectURISent,
		state: p.State, hasState: p.HasState, scope: p.Scope, resources: p.Resources,
		codeChallenge: p.CodeChallenge, codeChallengeMethod: p.CodeChallengeMethod,
		forceConsent: p.ForceConsent, implicit: p.Implicit, dpopJKT: p.DPoPJKT,
	}
	if p.Error != "" {
		req.failure = &oautherr.Error{Code: p.Error, Description: p.ErrorDescription}
	}
	return req
}

// sealedSession is a signed-in browser: who, and the session's own ID,
// which binds the consent form's CSRF token.
type sealedSession struct {
	ID      string `json:"i"`
	Subject string `json:"u"`
}
