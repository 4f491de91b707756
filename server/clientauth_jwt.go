package server

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// JWT client authentication (private_key_jwt, RFC 7523 §2.2 and §3, with
// the method name of OpenID Connect Core §9): the client signs a short-lived
// JWT with a key of the JWK Set it registered (jwks, RFC 7591 §2) and sends
// it as client_assertion.

const (
	authPrivateKeyJWT = "private_key_jwt"
	// assertionTypeJWT is the client_assertion_type of a JWT (RFC 7523 §2.2).
	assertionTypeJWT = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// maxAssertion bounds the client_assertion, maxAssertionLife how far
	// in the future its exp may be, assertionSkew the leeway past it.
	maxAssertion     = 8 << 10
	maxAssertionLife = time.Hour
	assertionSkew    = time.Minute
	// maxClientKeys bounds the keys of a registered JWK Set.
	maxClientKeys = 8
)

// assertionAlgs are the signature algorithms a client assertion may use
// (token_endpoint_auth_signing_alg_values_supported).
var assertionAlgs = []jose.SignatureAlgorithm{jose.ES256, jose.RS256, jose.PS256, jose.EdDSA}

func assertionAlgNames() []string {
	out := make([]string, len(assertionAlgs))
	for i, a := range assertionAlgs {
		out[i] = string(a)
	}
	return out
}

// assertionClaims are the claims RFC 7523 §3 requires of a client assertion.
type assertionClaims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Aud json.RawMessage `json:"aud"`
	Exp *float64        `json:"exp"`
	JTI string          `json:"jti"`
}

// hasAssertion reports whether form carries JWT client authentication.
func hasAssertion(form url.Values) bool {
	_, a := form["client_assertion"]
	_, t := form["client_assertion_type"]
	return a || t
}

// authenticateAssertion authenticates the client of a request with a
// client_assertion: a JWT signed by a key of the client's registered JWK
// Set, whose iss and sub are its client_id, whose aud names this server
// (acceptedAudience), and which is not expired nor used before.
func (s *Server) authenticateAssertion(r *http.Request, form url.Values) (*clientAuth, *oautherr.Error) {
	if form.Get("client_assertion_type") != assertionTypeJWT {
		return nil, oautherr.InvalidClient("client_assertion_type must be %s", assertionTypeJWT)
	}
	raw := form.Get("client_assertion")
	if raw == "" || len(raw) > maxAssertion {
		return nil, oautherr.InvalidClient("client_assertion is missing or longer than %d bytes", maxAssertion)
	}
	jws, err := jose.ParseSigned(raw, assertionAlgs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, oautherr.InvalidClient("client_assertion is not a JWS signed with one of %v", assertionAlgNames())
	}
	var unverified assertionClaims
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &unverified) != nil || unverified.Sub == "" {
		return nil, oautherr.InvalidClient("the claims of client_assertion are not a JSON object with sub")
	}
	if id := form.Get("client_id"); id != "" && id != unverified.Sub {
		return nil, oautherr.InvalidClient("client_id differs from the sub of client_assertion")
	}
	c, oerr := s.lookupClient(r, unverified.Sub)
	if oerr != nil {
		return nil, oerr
	}
	if c.Metadata.TokenEndpointAuthMethod != authPrivateKeyJWT || len(c.Metadata.JWKS) == 0 {
		return nil, oautherr.InvalidClient("client %q is not registered for private_key_jwt", c.ID)
	}
	payload, oerr := s.verifyAssertion(jws, c)
	if oerr != nil {
		return nil, oerr
	}
	var claims assertionClaims
	if json.Unmarshal(payload, &claims) != nil {
		return nil, oautherr.InvalidClient("the claims of client_assertion are not a JSON object")
	}
	if claims.Iss != c.ID || claims.Sub != c.ID {
		return nil, oautherr.InvalidClient("client_assertion must have iss and sub equal to the client_id")
	}
	if !s.acceptedAudience(claims.Aud) {
		return nil, oautherr.InvalidClient("the aud of client_assertion does not name this authorization server")
	}
	now := s.now()
	if claims.Exp == nil {
		return nil, oautherr.InvalidClient("client_assertion has no exp")
	}
	exp := time.Unix(int64(*claims.Exp), 0)
	if now.After(exp.Add(assertionSkew)) || exp.After(now.Add(maxAssertionLife)) {
		return nil, oautherr.InvalidClient("client_assertion is expired, or its exp is more than %s away", maxAssertionLife)
	}
	if claims.JTI == "" {
		return nil, oautherr.InvalidClient("client_assertion has no jti")
	}
	key := "client assertion " + c.ID + " " + base64.RawURLEncoding.EncodeToString(store.Hash(claims.JTI))
	switch err := s.store.UseOnce(r.Context(), key, exp.Add(assertionSkew)); {
	case errors.Is(err, store.ErrAlreadyUsed):
		return nil, oautherr.InvalidClient("client_assertion was used before (jti seen)")
	case err != nil:
		return nil, oautherr.ServerError(err)
	}
	return &clientAuth{client: c, method: authPrivateKeyJWT}, nil
}

// verifyAssertion verifies jws with the keys of the client's JWK Set; it
// returns the verified payload.
func (s *Server) verifyAssertion(jws *jose.JSONWebSignature, c *store.Client) ([]byte, *oautherr.Error) {
	payload, ok := verifyWithClientKeys(jws, c)
	switch {
	case ok:
		return payload, nil
	case s.acceptsUnverifiedAssertion():
		return jws.UnsafePayloadWithoutVerification(), nil
	}
	return nil, oautherr.InvalidClient("the signature of client_assertion does not verify with a key the client registered")
}

// verifyWithClientKeys verifies jws with a key of the client's JWK Set:
// the one its kid names, else each.
func verifyWithClientKeys(jws *jose.JSONWebSignature, c *store.Client) ([]byte, bool) {
	var set jose.JSONWebKeySet
	if json.Unmarshal(c.Metadata.JWKS, &set) != nil {
		return nil, false
	}
	keys := set.Keys
	if kid := jws.Signatures[0].Header.KeyID; kid != "" {
		if k := set.Key(kid); len(k) > 0 {
			keys = k
		}
	}
	for _, k := range keys {
		if payload, err := jws.Verify(k); err == nil {
			return payload, true
		}
	}
	return nil, false
}

// parseClientJWKS validates the jwks member of a registration: a JWK Set
// of at most maxClientKeys public signing keys.
func parseClientJWKS(v json.RawMessage) (json.RawMessage, *oautherr.Error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(v, &set); err != nil {
		return nil, oautherr.InvalidClientMetadata("jwks must be a JWK Set (a JSON object with keys): %v", err)
	}
	if len(set.Keys) == 0 || len(set.Keys) > maxClientKeys {
		return nil, oautherr.InvalidClientMetadata("jwks must hold between 1 and %d keys", maxClientKeys)
	}
	for _, k := range set.Keys {
		if !k.Valid() || !k.IsPublic() {
			return nil, oautherr.InvalidClientMetadata("jwks must hold valid public keys only")
		}
	}
	out, err := json.Marshal(set)
	if err != nil {
		return nil, oautherr.InvalidClientMetadata("jwks cannot be stored: %v", err)
	}
	return out, nil
}
