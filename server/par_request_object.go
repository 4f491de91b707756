package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// Request Objects at the PAR endpoint (RFC 9126 §3, JAR RFC 9101): the
// request parameter is a JWT signed with a key of the client's registered
// JWK Set, whose claims are the authorization request's parameters.

// maxRequestObject bounds the request parameter.
const maxRequestObject = 16 << 10

// requestObjectClaims are the JWT claims of a Request Object that are not
// authorization request parameters (RFC 9101 §4).
var requestObjectClaims = []string{"iss", "aud", "exp", "iat", "nbf", "jti"}

// errInvalidRequestObject is RFC 9101 §6.3's invalid_request_object.
func errInvalidRequestObject(format string, args ...any) *oautherr.Error {
	return &oautherr.Error{Code: "invalid_request_object", Description: fmt.Sprintf(format, args...)}
}

// openRequestObject validates the Request Object of a pushed request of c
// (RFC 9126 §3: its signature, and its client_id claim against the
// authenticated client) and returns the authorization request it holds:
// only its parameters count (RFC 9101 §6.3).
func (s *Server) openRequestObject(c *store.Client, form url.Values) (url.Values, *oautherr.Error) {
	raw := form.Get("request")
	if len(raw) > maxRequestObject {
		return nil, errInvalidRequestObject("the request object is longer than %d bytes", maxRequestObject)
	}
	jws, err := jose.ParseSigned(raw, assertionAlgs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, errInvalidRequestObject("the request object is not a JWS signed with one of %v", assertionAlgNames())
	}
	if len(c.Metadata.JWKS) == 0 {
		return nil, errInvalidRequestObject("client %q registered no keys (jwks) to verify a request object with", c.ID)
	}
	payload, oerr := s.verifyRequestObject(jws, c)
	if oerr != nil {
		return nil, oerr
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil, errInvalidRequestObject("the claims of the request object are not a JSON object")
	}
	if id, _ := claims["client_id"].(string); id != c.ID && s.matchesRequestObjectClient() {
		return nil, errInvalidRequestObject("the client_id claim of the request object is not the authenticated client")
	}
	if iss, ok := claims["iss"]; ok && iss != c.ID {
		return nil, errInvalidRequestObject("the iss claim of the request object is not the client_id")
	}
	if aud, ok := claims["aud"]; ok {
		b, _ := json.Marshal(aud)
		if vals, _ := audValues(b); !slices.Contains(vals, s.cfg.Issuer) {
			return nil, errInvalidRequestObject("the aud claim of the request object does not name this authorization server")
		}
	}
	if exp, ok := claims["exp"].(float64); ok && s.now().After(time.Unix(int64(exp), 0).Add(assertionSkew)) {
		return nil, errInvalidRequestObject("the request object is expired")
	}
	out := url.Values{}
	for k, v := range claims {
		if slices.Contains(requestObjectClaims, k) {
			continue
		}
		vals, ok := claimValues(v)
		if !ok {
			return nil, errInvalidRequestObject("the claim %s of the request object is not a string, a number, a boolean or a list of strings", k)
		}
		out[k] = vals
	}
	out.Set("client_id", c.ID)
	return out, nil
}

// verifyRequestObject verifies jws with the keys of the client's JWK Set.
func (s *Server) verifyRequestObject(jws *jose.JSONWebSignature, c *store.Client) ([]byte, *oautherr.Error) {
	payload, ok := verifyWithClientKeys(jws, c)
	switch {
	case ok:
		return payload, nil
	case s.fault(FaultRequestObjectSignatureUnchecked):
		return jws.UnsafePayloadWithoutVerification(), nil
	}
	return nil, errInvalidRequestObject("the signature of the request object does not verify with a key the client registered")
}

// matchesRequestObjectClient reports whether the client_id claim of a
// Request Object is held against the authenticated client (RFC 9126 §3);
// not with the fault request-object-client-id-unchecked.
func (s *Server) matchesRequestObjectClient() bool {
	return !s.fault(FaultRequestObjectClientIDUnchecked)
}

// claimValues turns a Request Object claim into parameter values.
func claimValues(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}, true
	case bool:
		return []string{strconv.FormatBool(x)}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}
