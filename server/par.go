package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// Pushed authorization requests (RFC 9126).
//
// The PAR endpoint authenticates the client as the token endpoint does,
// validates the pushed request as the authorization endpoint would, and
// answers 201 with a request_uri. The request_uri carries the validated
// request itself, sealed (encrypted and authenticated) under a key of its
// own, so that pending pushed requests cost the server nothing to keep and
// cannot crowd each other out; replicas that share the secret accept each
// other's. What must happen once (the request_uri used at the authorization
// endpoint) is recorded in the store (store.Once), as for every other
// single-use value of the pages. A request_uri names its client and
// expires after Config.PARLifetime (default 10 s: it only has to survive
// the redirect from the client to the authorization endpoint; the pending
// request then lives as long as any other). A pushed request may be a
// Request Object (the request parameter, JAR RFC 9101) signed with a key
// the client registered (par_request_object.go).

// requestURIPrefix is the RFC 9126 §2.2 form of request_uri values.
const requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

// defaultPARLifetime is how long a request_uri lives by default.
const defaultPARLifetime = 10 * time.Second

// clientAuthParams are the parameters of client authentication, which are
// not part of the pushed authorization request (RFC 9126 §2.1).
var clientAuthParams = []string{"client_secret", "client_assertion", "client_assertion_type"}

// pushedRequest is a validated pushed request, as its request_uri carries it.
type pushedRequest struct {
	Pushed  bool           `json:"par"` // tells it from any other sealed value
	Request pendingRequest `json:"r"`
}

// parKeys holds the key that seals request_uri values.
type parKeys struct {
	once   sync.Once
	sealer sealer
	err    error
}

// parSealer derives, once, the key of request_uri values from the server's
// keys (HKDF-SHA256, its own purpose).
func (s *Server) parSealer() (*sealer, error) {
	k := &s.par
	k.once.Do(func() {
		const info = "authspec pushed authorization request v1"
		key, err := hkdf.Key(sha256.New, s.keys.csrf, nil, info, 32)
		if err != nil {
			k.err = fmt.Errorf("derive key: %w", err)
			return
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			k.err = fmt.Errorf("cipher: %w", err)
			return
		}
		if k.sealer.aead, err = cipher.NewGCM(block); err != nil {
			k.err = fmt.Errorf("cipher: %w", err)
			return
		}
		k.sealer.aad = []byte(info + "\x00" + s.cfg.Issuer)
	})
	return &k.sealer, k.err
}

// parLifetime is the lifetime of request_uri values.
func (s *Server) parLifetime() time.Duration {
	if s.variant(VariantPARLongLived) {
		return 600 * time.Second
	}
	if s.cfg.PARLifetime > 0 {
		return s.cfg.PARLifetime
	}
	return defaultPARLifetime
}

// ParResponse is the RFC 9126 §2.2 response of the PAR endpoint.
type ParResponse struct {
	RequestURI string `json:"request_uri"`
	ExpiresIn  int64  `json:"expires_in"`
}

func (s *Server) handlePAR(w http.ResponseWriter, r *http.Request) {
	if s.rateLimited(w, r, tokenBucket) {
		return
	}
	resp, oerr := s.pushRequest(w, r)
	if oerr != nil {
		s.writeOAuthError(w, oerr)
		return
	}
	body, err := json.Marshal(resp)
	if err != nil {
		s.writeOAuthError(w, oautherr.ServerError(fmt.Errorf("encode the PAR response: %w", err)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(body)
}

// pushRequest implements RFC 9126 §2.1: authenticate the client as at the
// token endpoint, refuse request_uri, validate the request as the
// authorization endpoint would, and seal it into a request_uri.
func (s *Server) pushRequest(w http.ResponseWriter, r *http.Request) (*ParResponse, *oautherr.Error) {
	form, oerr := s.parForm(w, r)
	if oerr != nil {
		return nil, oerr
	}
	if oerr := s.pushingDocumentClient(w, r, form); oerr != nil {
		return nil, oerr
	}
	c, oerr := s.parClient(r, form)
	if oerr != nil {
		return nil, oerr
	}
	if id := form.Get("client_id"); id != "" && id != c.ID {
		return nil, oautherr.InvalidRequest("client_id differs from the authenticated client")
	}
	if form.Has("request_uri") && s.parRefusesRequestURI() {
		return nil, oautherr.InvalidRequest("request_uri must not be sent to the pushed authorization request endpoint")
	}
	for _, p := range clientAuthParams {
		form.Del(p)
	}
	form.Set("client_id", c.ID)
	if form.Has("request") {
		if form, oerr = s.openRequestObject(c, form); oerr != nil {
			return nil, oerr
		}
	}
	req, oerr := s.validatePushed(c, form)
	if oerr != nil {
		return nil, oerr
	}
	if oerr := s.pushedDPoP(r, req); oerr != nil {
		return nil, oerr
	}
	return s.sealPushed(req)
}

// pushingDocumentClient makes the client of a pushed request whose
// client_id is a Client ID Metadata Document URL known, as the
// authorization endpoint does (authorizeClient): the document is fetched,
// or taken from the cache, and its client stored, so that it can then be
// identified as any public client (a server that requires pushed requests
// would otherwise never serve such a client). A document that cannot be
// used is invalid_client.
func (s *Server) pushingDocumentClient(w http.ResponseWriter, r *http.Request, form url.Values) *oautherr.Error {
	id := form.Get("client_id")
	if !s.cimdEnabled() || !isURLClientID(id) || r.Header.Get("Authorization") != "" {
		return nil
	}
	if !s.cimdCached(id) {
		// Fetching a client metadata document costs as much as a registration.
		if ok, wait := s.sources.allow(r, registrationBucket, s.now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			return busyError(http.StatusTooManyRequests, "too many requests from this address; retry later")
		}
	}
	_, err := s.authorizeClient(r.Context(), id, form.Get("redirect_uri"))
	var cerr *cimdError
	switch {
	case errors.As(err, &cerr):
		return oautherr.InvalidClient("%s", strings.TrimSuffix(cerr.msg, "."))
	case err != nil:
		return oautherr.ServerError(fmt.Errorf("the client of a pushed request: %w", err))
	}
	return nil
}

// validatePushed validates the pushed parameters as the authorization
// endpoint validates a request (RFC 9126 §2.1), reporting every error as
// the JSON error of RFC 9126 §2.3 (invalid_request for the redirect URI).
func (s *Server) validatePushed(c *store.Client, form url.Values) (*authRequest, *oautherr.Error) {
	redirect, msg := s.resolveRedirectURI(c, form)
	if msg != "" {
		if !s.parValidatesRedirectURI() {
			redirect = form.Get("redirect_uri")
		} else {
			return nil, oautherr.InvalidRequest("%s", strings.TrimSuffix(msg, "."))
		}
	}
	req := &authRequest{
		id: randomID(), clientID: c.ID,
		redirectURI: redirect, redirectURISent: form.Get("redirect_uri"),
		state: form.Get("state"), hasState: form.Has("state"),
	}
	if oerr := s.validateAuthorize(c, form, req); oerr != nil {
		return nil, oerr
	}
	if req.implicit {
		return nil, oautherr.UnsupportedResponseType("response_type %q is not supported; use code", form.Get("response_type"))
	}
	return req, nil
}

// sealPushed seals req into a request_uri valid for the PAR lifetime.
func (s *Server) sealPushed(req *authRequest) (*ParResponse, *oautherr.Error) {
	k, err := s.parSealer()
	if err != nil {
		return nil, oautherr.ServerError(err)
	}
	lifetime := s.parLifetime()
	sealed, err := seal(k, pushedRequest{Pushed: true, Request: req.pending()}, s.pushedSealExpiry(s.now(), lifetime))
	if err != nil {
		return nil, oautherr.ServerError(fmt.Errorf("seal the pushed request: %w", err))
	}
	return &ParResponse{RequestURI: requestURIPrefix + sealed, ExpiresIn: int64(lifetime / time.Second)}, nil
}

// openPushed opens a request_uri: nil when it is not one this server
// issued, or has expired.
func (s *Server) openPushed(requestURI string) *pendingRequest {
	raw, ok := strings.CutPrefix(requestURI, requestURIPrefix)
	if !ok {
		return nil
	}
	k, err := s.parSealer()
	if err != nil {
		return nil
	}
	p, err := unseal[pushedRequest](k, raw, s.now())
	if err != nil || !p.Pushed {
		return nil
	}
	return &p.Request
}

// authorizePushed serves an authorization request that carries a
// request_uri (RFC 9126 §4): the request is the pushed one, for the client
// it was pushed by, used once, before it expires; the parameters of the
// authorization request other than client_id and request_uri are ignored.
func (s *Server) authorizePushed(w http.ResponseWriter, r *http.Request, c *store.Client, q url.Values) {
	p := s.openPushed(q.Get("request_uri"))
	if p == nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid request",
			"invalid_request_uri: the request_uri is unknown or has expired. Return to the application and start again.")
		return
	}
	if p.ClientID != c.ID && s.bindsRequestURIToClient() {
		s.errorPage(w, http.StatusBadRequest, "Invalid request",
			"invalid_request_uri: the request_uri was not issued to this client.")
		return
	}
	req := p.request("")
	if !s.pushedRedirectStillRegistered(r, req) {
		s.errorPage(w, http.StatusBadRequest, "Invalid redirect URI",
			"The redirect URI of the pushed request is no longer registered for this application.")
		return
	}
	if s.requestURIsSingleUse() {
		reload := s.reloadOfPushed(w, r, req)
		err := s.store.UseOnce(r.Context(), "pushed authorization request "+req.id, s.now().Add(s.parLifetime()))
		switch {
		case errors.Is(err, store.ErrAlreadyUsed) && reload:
		case errors.Is(err, store.ErrAlreadyUsed):
			s.errorPage(w, http.StatusBadRequest, "Invalid request",
				"invalid_request_uri: the request_uri was used before. Return to the application and start again.")
			return
		case err != nil:
			s.log.Error("authorize: use the request_uri", "err", err)
			s.errorPage(w, http.StatusInternalServerError, "Server error", "The authorization server encountered an internal error.")
			return
		}
	}
	// Each use is an authorization request of its own, whose login and
	// consent complete once: a second use (a reload the server lets
	// through) is not taken for the first one's completed request.
	req.id = randomID()
	s.overridePushed(req, q)
	s.continueAuthorize(w, r, req)
}

// pushedRedirectStillRegistered re-validates the pushed request's redirect
// URI against the client's registration as it is now (RFC 9126 §4: the
// client's redirect URIs may have changed since the push).
func (s *Server) pushedRedirectStillRegistered(r *http.Request, req *authRequest) bool {
	c, err := s.getClient(r.Context(), req.clientID)
	if err != nil {
		return false
	}
	q := url.Values{}
	if req.redirectURISent != "" {
		q.Set("redirect_uri", req.redirectURISent)
	}
	got, msg := s.resolveRedirectURI(c, q)
	return (msg == "" && got == req.redirectURI) || !s.parValidatesRedirectURI()
}

// refusePlainRequest answers a plain authorization request of a client that
// must use PAR (RFC 9126 §4): invalid_request, redirected. It reports
// whether it answered.
func (s *Server) refusePlainRequest(w http.ResponseWriter, r *http.Request, c *store.Client, q url.Values, redirect string) bool {
	if !s.requiresPAR(c) {
		return false
	}
	req := &authRequest{id: randomID(), clientID: c.ID, redirectURI: redirect, state: q.Get("state"), hasState: q.Has("state")}
	oerr := oautherr.InvalidRequest("this client must push its authorization requests (RFC 9126): send client_id and a request_uri from the pushed authorization request endpoint")
	if s.errorAfterLogin(r) {
		// Like any request that fails validation, its error goes to the
		// client once the user has signed in (RFC 9700 §4.11.2).
		req.failure = oerr
		s.continueAuthorize(w, r, req)
		return true
	}
	s.redirectError(w, r, req, oerr)
	return true
}
