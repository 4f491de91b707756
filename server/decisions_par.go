package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// The decisions of pushed authorization requests (RFC 9126) that
// deliberate behaviours change.

// parForm reads a pushed request: the form-encoded body of a POST (RFC
// 9126 §2.1; another method is answered 405, §2.3); with the fault, a GET's
// query too.
func (s *Server) parForm(w http.ResponseWriter, r *http.Request) (url.Values, *oautherr.Error) {
	if r.Method == http.MethodGet && s.fault(FaultPARGetAccepted) {
		return r.URL.Query(), nil
	}
	return s.readForm(w, r)
}

// parClient authenticates the client of a pushed request as the token
// endpoint does (RFC 9126 §2.1); with the fault, its client_id is taken
// without its credentials.
func (s *Server) parClient(r *http.Request, form url.Values) (*store.Client, *oautherr.Error) {
	if s.fault(FaultPARNoClientAuth) {
		if id := form.Get("client_id"); id != "" {
			return s.lookupClient(r, id)
		}
	}
	auth, oerr := s.authenticateClient(r, form)
	if oerr != nil {
		return nil, oerr
	}
	return auth.client, nil
}

// parValidatesRedirectURI: the pushed request's redirect_uri is validated
// at the PAR endpoint as at the authorization endpoint (RFC 9126 §2.1).
func (s *Server) parValidatesRedirectURI() bool { return !s.fault(FaultPARRequestUnvalidated) }

// pushedSealExpiry is when a request_uri issued at now stops being
// accepted: at the end of its lifetime (RFC 9126 §4); with the fault, an
// hour later.
func (s *Server) pushedSealExpiry(now time.Time, lifetime time.Duration) time.Time {
	if s.fault(FaultPARExpiredAccepted) {
		return now.Add(lifetime + time.Hour)
	}
	return now.Add(lifetime)
}

// bindsRequestURIToClient: a request_uri is used only by the client that
// pushed it (RFC 9126 §2.2).
func (s *Server) bindsRequestURIToClient() bool { return !s.fault(FaultPARNotBoundToClient) }

// requestURIsSingleUse: a request_uri is used once (RFC 9126 §4).
func (s *Server) requestURIsSingleUse() bool { return !s.fault(FaultPARRequestURIReusable) }

// reloadOfPushed reports whether this use of the request_uri of req comes
// from a browser that used it before, which the variant lets through as a
// reload (RFC 9126 §4 "MAY allow for duplicate requests due to a user
// reloading/refreshing their user agent"); without it, never. Each use
// records the browser, by its browser cookie, for the request_uri's
// lifetime.
func (s *Server) reloadOfPushed(w http.ResponseWriter, r *http.Request, req *authRequest) bool {
	if !s.variant(VariantPARReloadAllowed) {
		return false
	}
	key := "pushed authorization request " + req.id + " in browser " + s.browserID(w, r)
	err := s.store.UseOnce(r.Context(), key, s.now().Add(s.parLifetime()))
	return errors.Is(err, store.ErrAlreadyUsed)
}

// overridePushed lets the authorization request's own state replace the
// pushed one (fault only: the pushed request is the request, RFC 9126
// §2.2, §4).
func (s *Server) overridePushed(req *authRequest, q url.Values) {
	if s.fault(FaultPARQueryParamsOverride) && q.Has("state") {
		req.state, req.hasState = q.Get("state"), true
	}
}

// readsRequestURI: the authorization endpoint serves requests that carry
// a request_uri (RFC 9126 §4); with the fault, it ignores the parameter
// and reads the request as a plain one.
func (s *Server) readsRequestURI(q url.Values) bool {
	return q.Has("request_uri") && !s.fault(FaultPARRequestURIIgnored)
}

// requiresPAR reports whether c must push its authorization requests: the
// server requires it of every client, or c registered
// require_pushed_authorization_requests (RFC 9126 §4, §5, §6); with the
// fault, the requirement is advertised but not enforced.
func (s *Server) requiresPAR(c *store.Client) bool {
	if s.fault(FaultPARRequiredNotEnforced) {
		return false
	}
	return s.requiresPAROfAll() || c.Metadata.RequirePushedAuthorizationRequests
}

// requiresPAROfAll reports whether every client must push its
// authorization requests (RFC 9126 §4: "either globally or on a per-client
// basis"): Config.RequirePAR, or the variant.
func (s *Server) requiresPAROfAll() bool {
	return s.cfg.RequirePAR || s.variant(VariantPARRequired)
}

// parRefusesRequestURI: a pushed request carrying request_uri is refused
// (RFC 9126 §2.1).
func (s *Server) parRefusesRequestURI() bool { return !s.fault(FaultPARRequestURIAccepted) }

// keptSignedRequestObject is the require_signed_request_object a
// registration keeps: none, since the server supports no Request Objects
// (RFC 7591 §2: metadata the server does not understand is ignored); with
// the fault, the value asked for, never enforced.
func (s *Server) keptSignedRequestObject(raw map[string]json.RawMessage) bool {
	var v bool
	if r, ok := raw["require_signed_request_object"]; ok && s.fault(FaultPARSignedRequestObjectIgnored) && json.Unmarshal(r, &v) == nil {
		return v
	}
	return false
}
