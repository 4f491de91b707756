package server

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// maxFormBytes caps request bodies of the form-encoded endpoints.
const maxFormBytes = 64 << 10

// Client authentication methods (RFC 7591 §2).
const (
	authBasic = "client_secret_basic"
	authPost  = "client_secret_post"
	authNone  = "none"
)

// formType is the media type of form-encoded bodies (RFC 6749 §3.2).
const formType = "application/x-www-form-urlencoded"

// readForm parses an application/x-www-form-urlencoded body (RFC 6749
// §3.2: parameters of the token endpoint are sent in the body, never the
// query).
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (url.Values, *oautherr.Error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		e := oautherr.InvalidRequest("the endpoint accepts only POST")
		e.Status = http.StatusMethodNotAllowed
		return nil, e
	}
	mt := r.Header.Get("Content-Type")
	if mt != formType { // the usual value needs no parsing
		var err error
		if mt, _, err = mime.ParseMediaType(mt); err != nil {
			mt = ""
		}
	}
	body, err := readBody(w, r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			e := oautherr.InvalidRequest("request body exceeds %d bytes", maxFormBytes)
			e.Status = http.StatusRequestEntityTooLarge
			return nil, e
		}
		return nil, oautherr.InvalidRequest("could not read the request body")
	}
	switch {
	case mt == formType:
	case mt == "application/json" && s.acceptsJSONBody():
		return jsonToForm(body)
	default:
		return nil, oautherr.InvalidRequest("Content-Type must be application/x-www-form-urlencoded")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, oautherr.InvalidRequest("the request body is not valid form encoding")
	}
	if dup := s.duplicateParam(form, "resource"); dup != "" {
		return nil, oautherr.InvalidRequest("parameter %q is included more than once", dup)
	}
	return form, nil
}

// readBody reads r's body of at most maxFormBytes. A body whose length is
// declared and within the bound is read into a buffer of that length (the
// server stops the body there); any other is read through a limit.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if n := r.ContentLength; n >= 0 && n <= maxFormBytes {
		b := make([]byte, n)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, fmt.Errorf("read a body of %d bytes: %w", n, err)
		}
		return b, nil
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
}

// clientAuth is the outcome of authenticating a client.
type clientAuth struct {
	client *store.Client
	method string
}

// authenticateClient implements RFC 6749 §2.3: client_secret_basic with the
// credentials form-url-decoded (§2.3.1), client_secret_post, or a public
// client identifying itself with client_id alone. A client must not use more
// than one method in one request.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*clientAuth, *oautherr.Error) {
	ca, oerr := s.authenticateAnyMethod(r, form)
	if oerr == nil {
		oerr = s.registeredMethodOnly(ca)
	}
	if oerr != nil {
		return nil, oerr
	}
	return ca, nil
}

// registeredMethodOnly accepts any method a client authenticated with; with
// the variant auth-method-enforced, a confidential client only with the
// token_endpoint_auth_method it registered (client_secret_basic when none
// was named, RFC 7591 §2), as servers that hold clients to their
// registration do: RFC 6749 §2.3 "The authorization server MAY accept any
// form of client authentication meeting its security requirements".
func (s *Server) registeredMethodOnly(ca *clientAuth) *oautherr.Error {
	if !s.variant(VariantAuthMethodEnforced) || ca.client.Public() {
		return nil
	}
	registered := cmp.Or(ca.client.Metadata.TokenEndpointAuthMethod, authBasic)
	if ca.method != registered {
		return oautherr.InvalidClient("client %q is registered with token_endpoint_auth_method %s, not %s", ca.client.ID, registered, ca.method)
	}
	return nil
}

// authenticateAnyMethod is authenticateClient before the registered method
// is held against the one used.
func (s *Server) authenticateAnyMethod(r *http.Request, form url.Values) (*clientAuth, *oautherr.Error) {
	authz := r.Header.Get("Authorization")
	hasBasic := len(authz) >= 6 && strings.EqualFold(authz[:6], "basic ") && s.readsBasicAuth()
	formID := form.Get("client_id")
	_, hasFormSecret := form["client_secret"]
	hasFormSecret = hasFormSecret && s.readsSecretInBody()
	if hasAssertion(form) {
		if hasBasic || hasFormSecret {
			return nil, oautherr.InvalidRequest("the client used more than one authentication method (a client_assertion and a client secret)")
		}
		return s.authenticateAssertion(r, form)
	}

	if hasBasic {
		id, secret, err := s.decodeBasic(authz[6:])
		if err != nil {
			return nil, oautherr.InvalidClient("malformed HTTP Basic credentials: %v", err)
		}
		if s.refusesTwoAuthMethods() {
			if hasFormSecret {
				return nil, oautherr.InvalidRequest("the client used more than one authentication method (HTTP Basic and client_secret in the body)")
			}
			if formID != "" && formID != id {
				return nil, oautherr.InvalidRequest("client_id in the body differs from the HTTP Basic user name")
			}
		}
		c, oerr := s.lookupClient(r, id)
		if oerr != nil {
			return nil, oerr
		}
		if c.Public() {
			if secret != "" && s.refusesSecretOfPublicClient() {
				return nil, oautherr.InvalidClient("client %q is a public client and has no secret", id)
			}
			return &clientAuth{client: c, method: authNone}, nil
		}
		if oerr := s.verifySecret(c, secret); oerr != nil {
			return nil, oerr
		}
		return &clientAuth{client: c, method: authBasic}, nil
	}

	if formID == "" {
		return nil, oautherr.InvalidClient("client authentication is required: use HTTP Basic, client_secret_post, or client_id for public clients")
	}
	c, oerr := s.lookupClient(r, formID)
	if oerr != nil {
		return nil, oerr
	}
	if hasFormSecret && c.Public() && !s.refusesSecretOfPublicClient() {
		hasFormSecret = false
	}
	if hasFormSecret {
		if c.Public() {
			return nil, oautherr.InvalidClient("client %q is a public client and has no secret", formID)
		}
		if !s.checksSecretInBody() {
			return &clientAuth{client: c, method: authPost}, nil
		}
		if oerr := s.verifySecret(c, form.Get("client_secret")); oerr != nil {
			return nil, oerr
		}
		return &clientAuth{client: c, method: authPost}, nil
	}
	if !c.Public() && !s.confidentialWithoutSecret(form.Get("grant_type")) {
		return nil, oautherr.InvalidClient("client %q is confidential and must authenticate", formID)
	}
	return &clientAuth{client: c, method: authNone}, nil
}

func (s *Server) lookupClient(r *http.Request, id string) (*store.Client, *oautherr.Error) {
	c, err := s.getClient(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		// Hash a dummy secret so that unknown and known clients take similar time.
		_ = store.EqualHash(nil, id)
		return nil, s.unknownTokenClientError()
	}
	if err != nil {
		return nil, oautherr.ServerError(fmt.Errorf("look up client: %w", err))
	}
	return c, nil
}

// swapCase inverts the letter case of ASCII letters.
func swapCase(v string) string {
	b := []byte(v)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c >= 'A' && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

func (s *Server) verifySecret(c *store.Client, secret string) *oautherr.Error {
	if !store.EqualHash(c.SecretHash, secret) && !s.secretMatchesOtherCase(c, secret) {
		return oautherr.InvalidClient("client authentication failed")
	}
	if !c.SecretExpiresAt.IsZero() && !s.now().Before(c.SecretExpiresAt) {
		return oautherr.InvalidClient("the client secret has expired")
	}
	return nil
}

// decodeBasic decodes "base64(urlenc(id):urlenc(secret))" (RFC 6749 §2.3.1,
// RFC 7617).
func (s *Server) decodeBasic(payload string) (id, secret string, err error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return "", "", errors.New("not base64")
	}
	u, p, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", errors.New("no colon between client_id and client_secret")
	}
	if !s.decodesBasicCredentials() {
		return u, p, nil
	}
	if id, err = url.QueryUnescape(u); err != nil {
		return "", "", errors.New("client_id is not form-url-encoded")
	}
	if secret, err = s.basicPassword(p); err != nil {
		return "", "", errors.New("client_secret is not form-url-encoded")
	}
	if id == "" {
		return "", "", errors.New("empty client_id")
	}
	return id, secret, nil
}
