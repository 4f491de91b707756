package server

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// DPoP (RFC 9449): the proofs the token endpoint and the demo resource
// check (§4.3), the nonces they hand out (§8, §9), and the key a proof
// binds tokens to (§5, §6). A request without a DPoP header is an ordinary
// bearer request.

const (
	// dpopMaxAge is how long after its iat a proof is accepted (§11.1:
	// "preferably only for a relatively brief period on the order of
	// seconds or minutes"), and dpopMaxSkew how far in the future its iat
	// may be (§11.1: "the server MAY accept DPoP proofs that carry an iat
	// time in the reasonably near future").
	dpopMaxAge  = 2 * time.Minute
	dpopMaxSkew = time.Minute
	// dpopMaxProof bounds the DPoP header, dpopMaxJTI the jti claim (§11.1:
	// "reject DPoP proof JWTs with unnecessarily large jti values").
	dpopMaxProof = 8 << 10
	dpopMaxJTI   = 256
	// dpopNonceWindow is how long a nonce stays current; the nonce of the
	// previous window is still accepted.
	dpopNonceWindow = 5 * time.Minute
)

// dpopClaims are the claims of a DPoP proof (§4.2).
type dpopClaims struct {
	JTI   string   `json:"jti"`
	HTM   string   `json:"htm"`
	HTU   string   `json:"htu"`
	IAT   *float64 `json:"iat"`
	ATH   *string  `json:"ath"`
	Nonce *string  `json:"nonce"`
}

// dpopProof is a proof that passed every check: the thumbprint of its key.
type dpopProof struct {
	jkt string
}

// dpopSite is where a proof is received: the request's URI (without query
// and fragment), the access token it comes with at a resource, and the
// nonce the site requires ("" when none).
type dpopSite struct {
	url         string
	accessToken string
	nonceLabel  string
	nonce       bool
}

// dpopError is a refused proof: the error code (invalid_dpop_proof or
// use_dpop_nonce), why, and the nonce to send in DPoP-Nonce, if any.
type dpopError struct {
	code, desc, nonce string
}

func invalidProof(format string, args ...any) *dpopError {
	return &dpopError{code: oautherr.CodeInvalidDPoPProof, desc: fmt.Sprintf(format, args...)}
}

// dpopHeader is the DPoP header's key in an http.Header, looked up without
// canonicalizing "DPoP" on every request.
var dpopHeader = textproto.CanonicalMIMEHeaderKey("DPoP")

// readDPoP checks the DPoP proof of r (§4.3) received at site. It returns
// nil, nil for a request without a DPoP header.
func (s *Server) readDPoP(r *http.Request, site dpopSite) (*dpopProof, *dpopError) {
	vals := r.Header[dpopHeader]
	switch {
	case len(vals) == 0:
		return nil, nil
	case len(vals) > 1 && s.refusesSeveralDPoPHeaders():
		return nil, invalidProof("more than one DPoP header")
	case len(vals[0]) > dpopMaxProof:
		return nil, invalidProof("the DPoP proof is too large")
	}
	jwk, payload, derr := s.verifyProofJWS(vals[0])
	if derr != nil {
		return nil, derr
	}
	var c dpopClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, invalidProof("the claims of the DPoP proof are not a JSON object")
	}
	thumb, err := jwkThumbprint(jwk)
	if err != nil {
		return nil, invalidProof("the jwk of the DPoP proof has no thumbprint")
	}
	jkt := base64.RawURLEncoding.EncodeToString(thumb)
	if derr := s.checkProofClaims(r, site, &c, jkt); derr != nil {
		return nil, derr
	}
	// The jti is spent last, so that a proof refused for another reason
	// does not use it up.
	if s.tracksDPoPJTI() && c.JTI != "" {
		key := "dpop jti " + site.url + " " + base64.RawURLEncoding.EncodeToString(store.Hash(c.JTI))
		err := s.store.UseOnce(r.Context(), key, s.now().Add(dpopMaxAge+dpopMaxSkew))
		switch {
		case errors.Is(err, store.ErrAlreadyUsed):
			return nil, invalidProof("the DPoP proof was used before (jti seen)")
		case err != nil:
			return nil, invalidProof("the jti of the DPoP proof could not be recorded")
		}
	}
	return &dpopProof{jkt: jkt}, nil
}

// jwkThumbprint is the JWK SHA-256 thumbprint of jwk (RFC 7638), a
// symmetric key's too (§3.2: its members k and kty), which only a proof
// accepted under a fault carries.
func jwkThumbprint(jwk *jose.JSONWebKey) ([]byte, error) {
	if secret, ok := jwk.Key.([]byte); ok {
		sum := sha256.Sum256([]byte(`{"k":"` + base64.RawURLEncoding.EncodeToString(secret) + `","kty":"oct"}`))
		return sum[:], nil
	}
	return jwk.Thumbprint(crypto.SHA256)
}

// verifyProofJWS checks the JOSE header and the signature of a proof (§4.3
// items 2, 4 to 7) and returns its key and payload.
func (s *Server) verifyProofJWS(raw string) (*jose.JSONWebKey, []byte, *dpopError) {
	jws, err := s.parseDPoPProof(raw)
	if err != nil {
		if jwk, payload, ok := s.acceptFaultyProof(raw); ok {
			return jwk, payload, nil
		}
		return nil, nil, invalidProof("the DPoP proof is not a JWS signed with one of %s and a public jwk", strings.Join(s.dpopAlgs(), ", "))
	}
	h := jws.Signatures[0].Header
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != "dpop+jwt" && s.checksDPoPTyp() {
		return nil, nil, invalidProof("the typ of the DPoP proof is not dpop+jwt")
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.Valid() || !h.JSONWebKey.IsPublic() {
		return nil, nil, invalidProof("the DPoP proof carries no public jwk")
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		if s.verifiesDPoPSignature() {
			return nil, nil, invalidProof("the signature of the DPoP proof does not verify with its jwk")
		}
		payload = jws.UnsafePayloadWithoutVerification()
	}
	return h.JSONWebKey, payload, nil
}

// checkProofClaims checks the claims of a proof of the key jkt (§4.3
// items 3, 8 to 12). A claim is compared only when present, and every
// required one is (item 3).
func (s *Server) checkProofClaims(r *http.Request, site dpopSite, c *dpopClaims, jkt string) *dpopError {
	if (c.JTI == "" || c.HTM == "" || c.HTU == "" || c.IAT == nil) && s.requiresDPoPClaims() {
		return invalidProof("the DPoP proof lacks one of jti, htm, htu and iat")
	}
	if len(c.JTI) > dpopMaxJTI {
		return invalidProof("the jti of the DPoP proof is too long")
	}
	if c.HTM != "" && c.HTM != r.Method && s.checksDPoPHTM() {
		return invalidProof("the htm of the DPoP proof is not the request's method")
	}
	if c.HTU != "" && !s.htuMatches(c.HTU, site.url) && s.checksDPoPHTU() {
		return invalidProof("the htu of the DPoP proof is not the request's URI")
	}
	if c.IAT != nil && !s.proofFresh(*c.IAT) {
		return invalidProof("the iat of the DPoP proof is outside the accepted window")
	}
	if site.nonce {
		if c.Nonce == nil && !s.nonceSpared(r, jkt) || c.Nonce != nil && !s.validDPoPNonce(site.nonceLabel, *c.Nonce) && s.comparesDPoPNonce() {
			return &dpopError{code: oautherr.CodeUseDPoPNonce, desc: "a DPoP proof with the nonce of the DPoP-Nonce header is required",
				nonce: s.dpopNonce(site.nonceLabel, s.now())}
		}
	}
	if site.accessToken != "" && s.checksDPoPATH() && (c.ATH != nil || s.requiresDPoPClaims()) {
		sum := sha256.Sum256([]byte(site.accessToken))
		if c.ATH == nil || *c.ATH != base64.RawURLEncoding.EncodeToString(sum[:]) {
			return invalidProof("the ath of the DPoP proof is not the hash of the access token")
		}
	}
	return nil
}

// proofFresh reports whether a proof created at iat is within the window.
func (s *Server) proofFresh(iat float64) bool {
	if !s.checksDPoPIAT() {
		return true
	}
	if math.IsNaN(iat) || math.IsInf(iat, 0) {
		return false
	}
	now := float64(s.now().UnixMilli()) / 1000
	return iat >= now-dpopMaxAge.Seconds() && (iat <= now+dpopMaxSkew.Seconds() || !s.boundsDPoPFutureIAT())
}

// sameHTU compares htu with the request's URI, ignoring query and
// fragment, after syntax- and scheme-based normalization (§4.3).
func sameHTU(htu, want string) bool {
	a, ok1 := normalizeHTU(htu)
	b, ok2 := normalizeHTU(want)
	return ok1 && ok2 && a == b
}

func normalizeHTU(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "", false
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname())
	port := u.Port()
	if scheme == "https" && port == "443" || scheme == "http" && port == "80" {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path, true
}

// dpopNonce is the nonce of label (the token endpoint's or the resource's)
// for the window of at: unpredictable without the server's secret, and the
// same for every replica that shares it.
func (s *Server) dpopNonce(label string, at time.Time) string {
	w := strconv.FormatInt(at.Unix()/int64(dpopNonceWindow/time.Second), 36)
	m := hmac.New(sha256.New, s.keys.dpopNonce)
	m.Write([]byte(label + "\x00" + w))
	return w + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// validDPoPNonce reports whether nonce is the current or the previous
// nonce of label.
func (s *Server) validDPoPNonce(label, nonce string) bool {
	now := s.now()
	return hmac.Equal([]byte(nonce), []byte(s.dpopNonce(label, now))) ||
		hmac.Equal([]byte(nonce), []byte(s.dpopNonce(label, now.Add(-dpopNonceWindow))))
}

// dpopKey keys the proof of a token request in its context.
type dpopKey struct{}

// tokenDPoP checks the DPoP proof of a token request (§5) and returns the
// request with the proof in its context.
func (s *Server) tokenDPoP(w http.ResponseWriter, r *http.Request) (*http.Request, *oautherr.Error) {
	if len(r.Header[dpopHeader]) == 0 {
		return r, nil
	}
	proof, derr := s.readDPoP(r, dpopSite{url: s.endpoint("/token"), nonceLabel: "token", nonce: s.requiresTokenDPoPNonce()})
	if derr != nil {
		if derr.nonce != "" {
			w.Header().Set("DPoP-Nonce", derr.nonce)
		}
		if derr.code == oautherr.CodeUseDPoPNonce {
			return r, oautherr.UseDPoPNonce("%s", derr.desc)
		}
		return r, s.invalidProofError(derr.desc)
	}
	if proof == nil {
		return r, nil
	}
	return r.WithContext(context.WithValue(r.Context(), dpopKey{}, proof)), nil
}

// dpopJKT is the thumbprint of the key of the token request's proof, ""
// without one.
func dpopJKT(r *http.Request) string {
	if p, ok := r.Context().Value(dpopKey{}).(*dpopProof); ok {
		return p.jkt
	}
	return ""
}

// checkCodeDPoPKey implements §10: a code issued for a dpop_jkt is redeemed
// with a proof of that key.
func (s *Server) checkCodeDPoPKey(r *http.Request, code *store.Code) *oautherr.Error {
	if code.DPoPJKT == "" || !s.checksDPoPJKT() || dpopJKT(r) == code.DPoPJKT {
		return nil
	}
	return s.invalidProofError("the authorization code is bound to another DPoP key (dpop_jkt)")
}

// checkRefreshDPoPKey implements §5: a public client's refresh token bound
// to a key is used with a proof of that key.
func (s *Server) checkRefreshDPoPKey(r *http.Request, c *store.Client, t *store.Token) *oautherr.Error {
	if t.JKT == "" || !c.Public() || !s.bindsRefreshToDPoPKey() || dpopJKT(r) == t.JKT {
		return nil
	}
	return s.invalidProofError("the refresh token is bound to another DPoP key")
}

// pushedDPoP implements §10.1: the dpop_jkt of a pushed request binds
// the code as at the authorization endpoint, a DPoP proof sent with it is
// checked (§4.3) and binds the code to its key likewise, and with both
// they name the same key.
func (s *Server) pushedDPoP(r *http.Request, req *authRequest) *oautherr.Error {
	if !s.keepsPushedJKT() {
		req.dpopJKT = ""
	}
	if !s.readsPushedDPoP() {
		return nil
	}
	proof, derr := s.readDPoP(r, dpopSite{url: s.endpoint("/par")})
	switch {
	case derr != nil:
		return s.invalidProofError(derr.desc)
	case proof == nil:
		return nil
	case req.dpopJKT == "":
		req.dpopJKT = proof.jkt
	case req.dpopJKT != proof.jkt && s.comparesPushedJKT():
		return s.invalidProofError("dpop_jkt is not the thumbprint of the DPoP proof's key")
	}
	return nil
}

// validJKT reports whether v looks like a JWK SHA-256 thumbprint: 43
// base64url characters.
func validJKT(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == sha256.Size
}

// dpopAuth authenticates a protected resource request with a DPoP-bound
// access token (§7.1). It answers the request itself when it returns false.
func (s *Server) dpopAuth(w http.ResponseWriter, r *http.Request, tok string) (*store.Token, bool) {
	if tok == "" || strings.ContainsAny(tok, " \t") {
		s.dpopChallenge(w, oautherr.InvalidRequest("the DPoP credentials are malformed"), "")
		return nil, false
	}
	t, err := s.store.GetToken(r.Context(), store.Hash(tok))
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.dpopChallenge(w, oautherr.InvalidToken("the access token is invalid"), "")
		return nil, false
	case err != nil:
		s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("resource: %w", err)))
		return nil, false
	case t.Kind != store.AccessToken || !t.Active(s.now()) || t.JKT == "":
		s.dpopChallenge(w, oautherr.InvalidToken("the access token is invalid, expired, revoked or not DPoP-bound"), "")
		return nil, false
	}
	site := dpopSite{url: s.resourceOrigin + r.URL.Path, accessToken: tok,
		nonceLabel: "resource", nonce: s.variant(VariantDPoPResourceNonceRequired)}
	proof, derr := s.readDPoP(r, site)
	switch {
	case derr != nil:
		e := &oautherr.Error{Code: derr.code, Description: derr.desc, Status: http.StatusUnauthorized}
		s.dpopChallenge(w, e, derr.nonce)
		return nil, false
	case proof == nil:
		s.dpopChallenge(w, &oautherr.Error{Code: oautherr.CodeInvalidDPoPProof, Description: "a DPoP proof is required with a DPoP-bound access token", Status: http.StatusUnauthorized}, "")
		return nil, false
	case proof.jkt != t.JKT && s.checksResourceDPoPKey():
		s.dpopChallenge(w, oautherr.InvalidToken("Invalid DPoP key binding"), "")
		return nil, false
	}
	if !s.audienceOK(t) {
		s.dpopChallenge(w, oautherr.InvalidToken("the access token was not issued for this resource (RFC 8707 audience)"), "")
		return nil, false
	}
	return t, true
}

// dpopChallenge answers with e's status and a DPoP challenge (§7.1), with
// a DPoP-Nonce header when nonce is set (§9).
func (s *Server) dpopChallenge(w http.ResponseWriter, e *oautherr.Error, nonce string) {
	params := []string{fmt.Sprintf("error=%q", e.Code), fmt.Sprintf("error_description=%q", oautherr.Sanitize(e.Description)),
		fmt.Sprintf("algs=%q", strings.Join(s.dpopAlgs(), " "))}
	w.Header().Set("WWW-Authenticate", "DPoP "+strings.Join(params, ", "))
	if nonce != "" {
		w.Header().Set("DPoP-Nonce", nonce)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": e.Code, "error_description": e.Description})
}

// dpopJOSEAlgs are the algorithms of dpopAlgs, for go-jose.
func (s *Server) dpopJOSEAlgs() []jose.SignatureAlgorithm {
	var out []jose.SignatureAlgorithm
	for _, a := range s.dpopAlgs() {
		out = append(out, jose.SignatureAlgorithm(a))
	}
	return out
}
