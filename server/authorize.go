package server

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// authRequest is a validated authorization request. While it waits for
// login and consent it travels sealed with the browser (see state.go).
type authRequest struct {
	id                  string
	sealed              string // the request sealed, once it has left the server
	clientID            string
	redirectURI         string // where the response goes
	redirectURISent     string // as sent; "" when omitted
	state               string
	hasState            bool
	scope               string
	resources           []string
	codeChallenge       string
	codeChallengeMethod string
	forceConsent        bool
	implicit            bool   // response_type=token (fault_implicit_grant.go)
	dpopJKT             string // RFC 9449 §10
	// failure is the validation error of a request whose error waits for
	// the user to sign in (RFC 9700 §4.11.2); nil for a valid request.
	failure *oautherr.Error
}

// authorizeParams reads the request parameters of GET (query) or POST (form
// body) authorization requests (RFC 6749 §3.1).
func (s *Server) authorizeParams(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if r.Method == http.MethodGet {
		return r.URL.Query(), nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return url.ParseQuery(string(body))
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q, err := s.authorizeParams(w, r)
	if err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The authorization request could not be parsed.")
		return
	}
	// Errors about the client or the redirect URI are shown to the user and
	// never redirected (RFC 6749 §4.1.2.1, RFC 9700 §4.11).
	if dup := s.duplicateParam(q, "resource"); dup == "client_id" || dup == "redirect_uri" {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", fmt.Sprintf("The parameter %q is included more than once.", dup))
		return
	}
	clientID := q.Get("client_id")
	if clientID == "" {
		if req := s.missingClientRedirect(q); req != nil {
			s.redirectError(w, r, req, oautherr.InvalidRequest("missing client_id"))
			return
		}
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The request has no client_id.")
		return
	}
	if s.cimdEnabled() && isURLClientID(clientID) && !s.cimdCached(clientID) {
		// Fetching a client metadata document costs as much as a registration.
		if ok, _ := s.sources.allow(r, registrationBucket, s.now()); !ok {
			s.errorPage(w, http.StatusTooManyRequests, "Too many requests", "Too many requests from your address. Try again later.")
			return
		}
	}
	c, err := s.authorizeClient(r.Context(), clientID, q.Get("redirect_uri"))
	var cerr *cimdError
	if errors.As(err, &cerr) {
		s.errorPage(w, http.StatusBadRequest, "Invalid client metadata document", cerr.msg)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		if req := s.unknownClientRedirect(q); req != nil {
			s.redirectError(w, r, req, oautherr.UnauthorizedClient("unknown client"))
			return
		}
		s.errorPage(w, http.StatusBadRequest, "Unknown application", fmt.Sprintf("No application is registered with client_id %q.", clientID))
		return
	}
	if err != nil {
		s.log.Error("authorize: get client", "err", err)
		s.errorPage(w, http.StatusInternalServerError, "Server error", "The authorization server encountered an internal error.")
		return
	}
	if s.readsRequestURI(q) {
		s.authorizePushed(w, r, c, q)
		return
	}
	redirect, msg := s.resolveRedirectURI(c, q)
	if msg != "" {
		if req := s.invalidRedirectTarget(q); req != nil {
			s.redirectError(w, r, req, oautherr.InvalidRequest("invalid redirect_uri"))
			return
		}
		s.errorPage(w, http.StatusBadRequest, "Invalid redirect URI", msg)
		return
	}
	if s.refusePlainRequest(w, r, c, q, redirect) {
		return
	}
	req := &authRequest{
		id: randomID(), clientID: c.ID,
		redirectURI: redirect, redirectURISent: q.Get("redirect_uri"),
		state: q.Get("state"), hasState: q.Has("state"),
	}
	if oerr := s.validateAuthorize(c, q, req); oerr != nil {
		if s.showsAuthorizationErrors() {
			s.errorPage(w, http.StatusBadRequest, "Invalid request", oerr.Code+": "+oerr.Description)
			return
		}
		if s.errorAfterLogin(r) {
			req.failure = oerr
			s.continueAuthorize(w, r, req)
			return
		}
		s.redirectError(w, r, req, oerr)
		return
	}
	s.continueAuthorize(w, r, req)
}

// continueAuthorize takes a validated request to the login and consent
// pages, or approves it at once (auto consent).
func (s *Server) continueAuthorize(w http.ResponseWriter, r *http.Request, req *authRequest) {
	if s.cfg.Consent == ConsentAuto || s.skipsLogin() {
		s.issueCode(w, r, req, s.defUser)
		return
	}
	sealed, err := seal(&s.keys.request, req.pending(), s.now().Add(requestTTL))
	if err != nil {
		s.log.Error("authorize: seal the request", "err", err)
		s.redirectError(w, r, req, &oautherr.Error{Code: oautherr.CodeServerError, Description: "the authorization server encountered an internal error"})
		return
	}
	req.sealed = sealed
	if sess := s.currentSession(r); sess != nil {
		s.afterLogin(w, r, req, sess, true)
		return
	}
	http.Redirect(w, r, s.endpoint("/login?request="+url.QueryEscape(req.sealed)), http.StatusFound)
}

// validateAuthorize checks everything that is reported by redirect.
func (s *Server) validateAuthorize(c *store.Client, q url.Values, req *authRequest) *oautherr.Error {
	if dup := s.duplicateParam(q, "resource"); dup != "" {
		return oautherr.InvalidRequest("parameter %q is included more than once", dup)
	}
	if oerr := s.unknownAuthorizeParamError(q); oerr != nil {
		return oerr
	}
	if oerr := s.stateRequiredError(q); oerr != nil {
		return oerr
	}
	rt, hasRT := q.Get("response_type"), q.Has("response_type")
	switch {
	case !hasRT || rt == "":
		return s.missingResponseTypeError()
	case s.servesImplicit(rt):
		req.implicit = true
	case rt != "code" && s.checksResponseType():
		return s.unknownResponseTypeError(rt)
	}
	if (!slices.Contains(c.Metadata.GrantTypes, "authorization_code") || !slices.Contains(c.Metadata.ResponseTypes, "code")) && s.checksClientGrantTypes() {
		return oautherr.UnauthorizedClient("the client is not registered for the authorization code grant")
	}
	if oerr := s.emptyScopeRefused(q); oerr != nil {
		return oerr
	}
	scope, oerr := s.checkScope(q.Get("scope"), c)
	if oerr != nil {
		return s.authorizeScopeError(oerr)
	}
	req.scope = scope
	if oerr := s.checkChallenge(c, q, req); oerr != nil {
		return oerr
	}
	res, oerr := s.checkResourcesAt(q["resource"], siteAuthorize)
	if oerr != nil {
		return oerr
	}
	req.resources = res
	if jkt := q.Get("dpop_jkt"); jkt != "" {
		if !validJKT(jkt) {
			return oautherr.InvalidRequest("dpop_jkt is not a JWK SHA-256 thumbprint (RFC 9449 §10)")
		}
		req.dpopJKT = jkt
	}
	req.forceConsent = slices.Contains(strings.Fields(q.Get("prompt")), "consent")
	return nil
}

// checkChallenge implements RFC 7636 §4.4 with S256 as the only method, and
// requires PKCE from public clients (RFC 9700 §2.1.1).
func (s *Server) checkChallenge(c *store.Client, q url.Values, req *authRequest) *oautherr.Error {
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge == "" {
		if method != "" {
			return oautherr.InvalidRequest("code_challenge_method without code_challenge")
		}
		if s.requiresPKCE(c) {
			return s.missingChallenge()
		}
		return nil
	}
	method = s.challengeMethod(method)
	switch method {
	case "S256":
		if !s.validS256Challenge(challenge) {
			return oautherr.InvalidRequest("code_challenge must be the 43-character base64url SHA-256 of the verifier")
		}
	case "plain":
		if !s.acceptsPlainPKCE() {
			return s.pkceInvalidRequest("code_challenge_method %q is not supported; use S256", method)
		}
		if !validVerifier(challenge) && !s.variant(VariantPKCESyntaxUnchecked) {
			return oautherr.InvalidRequest("code_challenge is not a valid plain challenge")
		}
	default:
		return s.pkceInvalidRequest("code_challenge_method %q is not supported; use S256", method)
	}
	req.codeChallenge, req.codeChallengeMethod = challenge, method
	return nil
}

// resolveRedirectURI picks the redirect URI of the request: the one sent,
// matched exactly against the registered ones (loopback IP literals may use
// any port, RFC 8252 §7.3), or the only registered one. It returns a message
// for the user when none is acceptable.
func (s *Server) resolveRedirectURI(c *store.Client, q url.Values) (string, string) {
	sent := q.Get("redirect_uri")
	registered := c.Metadata.RedirectURIs
	if !q.Has("redirect_uri") {
		if len(registered) == 1 && s.defaultsToOnlyRedirectURI() {
			return registered[0], ""
		}
		if len(registered) > 1 && s.defaultsToFirstRedirectURI() {
			return registered[0], ""
		}
		if len(registered) == 0 {
			return "", "The application has no registered redirect URI."
		}
		return "", "The request must name one of the application's registered redirect URIs."
	}
	for _, reg := range registered {
		if s.redirectMatches(reg, sent) {
			return sent, ""
		}
	}
	if s.implicitRedirectUnverified(q.Get("response_type")) {
		return sent, ""
	}
	return "", "The redirect_uri does not match any redirect URI registered for this application."
}

func (s *Server) redirectMatches(registered, sent string) bool {
	if registered == sent || s.redirectPatternMatches(registered, sent) || s.redirectPrefixMatches(registered, sent) {
		return true
	}
	if !s.loopbackAnyPort() {
		return false
	}
	ru, err1 := url.Parse(registered)
	su, err2 := url.Parse(sent)
	if err1 != nil || err2 != nil || ru.Scheme != "http" || su.Scheme != "http" {
		return false
	}
	// Only IP literals: "localhost" is not granted the port exception.
	host := ru.Hostname()
	if host == "localhost" || !isLoopbackHost(host) || su.Hostname() != host {
		return false
	}
	return (ru.Path == su.Path || !s.loopbackPathExact()) && ru.RawQuery == su.RawQuery && su.Fragment == "" && su.User == nil && ru.User == nil
}

// redirectError sends an error to the client's redirect URI (RFC 6749
// §4.1.2.1) with state and iss (RFC 9207).
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, req *authRequest, e *oautherr.Error) {
	params := url.Values{"error": {e.Code}}
	if e.Description != "" && !s.variant(VariantErrorDescriptionOmitted) {
		params.Set("error_description", oautherr.Sanitize(e.Description))
	}
	if req.hasState {
		params.Set("state", req.state)
	}
	s.redirectTo(w, r, req.redirectURI, params)
}

func (s *Server) redirectTo(w http.ResponseWriter, r *http.Request, target string, params url.Values) {
	params.Set("iss", s.cfg.Issuer)
	u, err := url.Parse(target)
	if err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid redirect URI", "The redirect URI cannot be parsed.")
		return
	}
	// Keep the registered query component (RFC 6749 §3.1.2).
	q := url.Values{}
	if s.keepsRedirectQuery() {
		q = u.Query()
	}
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	u.Fragment = ""
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", u.String())
	w.WriteHeader(redirectStatus(r))
}

// issueCode completes an approved request: it stores a code bound to the
// client, redirect URI, PKCE challenge, scope and resources, and redirects.
func (s *Server) issueCode(w http.ResponseWriter, r *http.Request, req *authRequest, subject string) {
	if req.implicit {
		s.issueImplicit(w, r, req, subject)
		return
	}
	if ok, _ := s.sources.allow(r, tokenBucket, s.now()); !ok {
		s.redirectError(w, r, req, &oautherr.Error{Code: "temporarily_unavailable", Description: "too many requests from this address; retry later"})
		return
	}
	if oerr := s.roomForCode(r.Context(), req.clientID); oerr != nil {
		s.redirectError(w, r, req, oerr)
		return
	}
	now := s.now()
	ttl := s.codeTTL()
	code, grantID := s.newCode(), randomID()
	err := s.store.SaveCode(r.Context(), &store.Code{
		Hash: store.Hash(code), ClientID: req.clientID, RedirectURI: req.redirectURISent,
		Subject: subject, Scope: req.scope, Resources: req.resources,
		CodeChallenge: req.codeChallenge, CodeChallengeMethod: req.codeChallengeMethod,
		GrantID: grantID, IssuedAt: now, ExpiresAt: now.Add(ttl), DPoPJKT: req.dpopJKT,
	})
	if err != nil {
		s.log.Error("authorize: save code", "err", err)
		s.redirectError(w, r, req, &oautherr.Error{Code: oautherr.CodeServerError, Description: "the authorization server encountered an internal error"})
		return
	}
	s.revokeEarlierGrants(r.Context(), req.clientID, subject, grantID)
	s.rememberChallenge(req)
	params := url.Values{"code": {code}}
	s.echoChallenge(req, params)
	if req.hasState {
		params.Set("state", req.state)
	}
	s.redirectTo(w, r, req.redirectURI, params)
}

// openRequest returns the pending request sealed in raw, or nil when raw is
// not one this server sealed or has expired.
func (s *Server) openRequest(raw string) *authRequest {
	p, err := unseal[pendingRequest](&s.keys.request, raw, s.now())
	if err != nil {
		return nil
	}
	return p.request(raw)
}

// completeRequest records in the store that req completes now, so that
// a pending request turns into at most one code or denial however often its
// forms are replayed (and on whichever replica). It answers the request
// itself and returns false when req completed before.
func (s *Server) completeRequest(w http.ResponseWriter, r *http.Request, req *authRequest) bool {
	err := s.store.UseOnce(r.Context(), "authorization request "+req.id, s.now().Add(requestTTL))
	if errors.Is(err, store.ErrAlreadyUsed) {
		s.errorPage(w, http.StatusBadRequest, "Request completed",
			"This authorization request was completed already. Return to the application and start again.")
		return false
	}
	if err != nil {
		s.log.Error("authorize: complete the request", "err", err)
		s.errorPage(w, http.StatusInternalServerError, "Server error", "The authorization server encountered an internal error.")
		return false
	}
	return true
}

// clientName is what the pages call the client of req: its registered
// name, or its client_id. ok is false when the client is gone.
func (s *Server) clientName(r *http.Request, req *authRequest) (name string, ok bool) {
	c, err := s.getClient(r.Context(), req.clientID)
	if err != nil {
		return "", false
	}
	if c.Metadata.ClientName != "" {
		return c.Metadata.ClientName, true
	}
	return c.ID, true
}

// parsePageForm parses the body of a login or consent form, reading at most
// maxFormBytes like every other endpoint (ParseForm alone reads 10 MB). It
// answers the request itself and returns false when the form is unusable.
func (s *Server) parsePageForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	err := r.ParseForm()
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		s.errorPage(w, http.StatusRequestEntityTooLarge, "Invalid request", "The form is too large.")
		return false
	case err != nil:
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The form could not be parsed.")
		return false
	}
	return true
}

func (s *Server) expiredRequestPage(w http.ResponseWriter) {
	s.errorPage(w, http.StatusBadRequest, "Request expired",
		"This authorization request is unknown or has expired. Return to the application and start again.")
}

// afterLogin shows the consent page, or skips it when the user approved the
// same or broader scopes for this client before and prompt=consent was not
// sent. That is the server's documented consent policy. fresh says that req
// has not left the server yet (nobody can replay it).
func (s *Server) afterLogin(w http.ResponseWriter, r *http.Request, req *authRequest, sess *session, fresh bool) {
	if req.failure != nil {
		// The user is authenticated now: the error may go to the client.
		if fresh || s.completeRequest(w, r, req) {
			s.redirectError(w, r, req, req.failure)
		}
		return
	}
	if s.approvesAtLogin() {
		if fresh || s.completeRequest(w, r, req) {
			s.issueCode(w, r, req, sess.subject)
		}
		return
	}
	if !req.forceConsent && s.remembersConsent() && s.remembersConsentOfClient(r, req.clientID) {
		cons, err := s.rememberedConsent(r, sess.subject, req)
		if err == nil && s.consentCovers(req.scope, cons.Scope) {
			if fresh || s.completeRequest(w, r, req) {
				s.issueCode(w, r, req, sess.subject)
			}
			return
		}
	}
	http.Redirect(w, r, s.endpoint("/consent?request="+url.QueryEscape(req.sealed)), redirectStatus(r))
}

// remembersConsentOfClient is remembersConsentOf for the client with id;
// false when it cannot be looked up (the consent page is then shown).
func (s *Server) remembersConsentOfClient(r *http.Request, id string) bool {
	c, err := s.getClient(r.Context(), id)
	return err == nil && s.remembersConsentOf(c)
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	req := s.openRequest(r.URL.Query().Get("request"))
	if req == nil {
		s.expiredRequestPage(w)
		return
	}
	s.renderLogin(w, r, req, "", "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, req *authRequest, user, msg string) {
	name, ok := s.clientName(r, req)
	if !ok {
		s.expiredRequestPage(w)
		return
	}
	bid := s.browserID(w, r)
	s.render(w, http.StatusOK, s.ui.login, map[string]any{
		"Title": "Sign in", "ClientName": name, "RequestID": req.sealed,
		"CSRF": s.csrfToken("login", req.id, bid), "Action": s.endpoint("/login"),
		"Username": user, "Error": msg, "TwoStep": s.loginInTwoSteps(),
	})
}

func (s *Server) handleLoginSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parsePageForm(w, r) {
		return
	}
	req := s.openRequest(r.PostForm.Get("request"))
	if req == nil {
		s.expiredRequestPage(w)
		return
	}
	bid := ""
	if c, err := r.Cookie(s.cookieName(browserCookie)); err == nil {
		bid = c.Value
	}
	if bid == "" || !s.checkCSRF(r.PostForm.Get("csrf_token"), "login", req.id, bid) {
		s.errorPage(w, http.StatusForbidden, "Invalid form", "The sign-in form expired or was not submitted from this site. Go back and try again.")
		return
	}
	user, pass := r.PostForm.Get("username"), r.PostForm.Get("password")
	if s.loginInTwoSteps() && !r.PostForm.Has("password") && user != "" {
		// The username page sent: the password page comes next, for any
		// name (which names are known is not revealed).
		s.renderLogin(w, r, req, user, "")
		return
	}
	want, known := s.users[user]
	if !known {
		want = "\x00never matches"
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(pass)) != 1 || !known {
		s.renderLogin(w, r, req, user, "Invalid username or password.")
		return
	}
	sess, err := s.newSession(w, user)
	if err != nil {
		s.log.Error("login: new session", "err", err)
		s.errorPage(w, http.StatusInternalServerError, "Server error", "The authorization server encountered an internal error.")
		return
	}
	s.afterLogin(w, r, req, sess, false)
}

// consentRequest opens the pending request sealed in id and the session of
// the user who is to approve it. Without the request it shows the page of
// an expired request; without a session it sends the browser to sign in
// first, with status. Either way it returns a nil session.
func (s *Server) consentRequest(w http.ResponseWriter, r *http.Request, id string, status int) (*authRequest, *session) {
	req := s.openRequest(id)
	if req == nil {
		s.expiredRequestPage(w)
		return nil, nil
	}
	sess := s.currentSession(r)
	if sess == nil {
		http.Redirect(w, r, s.endpoint("/login?request="+url.QueryEscape(id)), status)
		return nil, nil
	}
	if req.failure != nil {
		// A request that failed validation is never approved: its error
		// goes to the client.
		s.afterLogin(w, r, req, sess, false)
		return nil, nil
	}
	return req, sess
}

func (s *Server) handleConsentPage(w http.ResponseWriter, r *http.Request) {
	req, sess := s.consentRequest(w, r, r.URL.Query().Get("request"), http.StatusFound)
	if sess == nil {
		return
	}
	if s.approvesByGET(r) {
		if s.completeRequest(w, r, req) {
			s.issueCode(w, r, req, sess.subject)
		}
		return
	}
	clientName, ok := s.clientName(r, req)
	if !ok {
		s.expiredRequestPage(w)
		return
	}
	host := req.redirectURI
	if u, err := url.Parse(req.redirectURI); err == nil && u.Host != "" {
		host = u.Host
	} else if err == nil {
		host = u.Scheme + ":"
	}
	scopes := strings.Fields(req.scope)
	sort.Strings(scopes)
	csrf := s.consentCSRF(sess, req)
	name, clientID := clientName, req.clientID
	if !s.namesClient() {
		name, clientID, host = "an application", "", ""
	}
	data := map[string]any{
		"Title": "Authorize " + name, "ClientName": name, "ClientID": clientID,
		"Subject": sess.subject, "RedirectHost": host, "Scopes": scopes, "Resources": req.resources,
		"RequestID": req.sealed, "CSRF": csrf, "CSRFField": s.consentCSRFField(), "Action": s.endpoint("/consent"),
	}
	s.addClientLinks(r, req, data)
	s.render(w, http.StatusOK, s.ui.consent, data)
}

// addClientLinks adds to the consent page the client's own pages, as
// registered (RFC 7591 §2: the server SHOULD display client_uri,
// clickable, tos_uri and policy_uri), when the server shows them.
func (s *Server) addClientLinks(r *http.Request, req *authRequest, data map[string]any) {
	if !s.showsClientLinks() {
		return
	}
	c, err := s.getClient(r.Context(), req.clientID)
	if err != nil {
		return
	}
	data["ClientURI"], data["TOSURI"], data["PolicyURI"] = c.Metadata.ClientURI, c.Metadata.TOSURI, c.Metadata.PolicyURI
	data["Logo"] = s.consentLogo(r.Context(), c.ID, c.Metadata.LogoURI)
}

func (s *Server) handleConsentSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parsePageForm(w, r) {
		return
	}
	req, sess := s.consentRequest(w, r, r.PostForm.Get("request"), http.StatusSeeOther)
	if sess == nil {
		return
	}
	if s.checksConsentCSRF() && !s.checkCSRF(r.PostForm.Get(s.consentCSRFField()), "consent", sess.id, req.id) {
		s.errorPage(w, http.StatusForbidden, "Invalid form", "The consent form expired or was not submitted from this site. Go back and try again.")
		return
	}
	if !s.completeRequest(w, r, req) {
		return
	}
	switch r.PostForm.Get("decision") {
	case "allow":
		if err := s.store.SaveConsent(r.Context(), &store.Consent{
			Subject: sess.subject, ClientID: req.clientID, Scope: req.scope, Granted: s.now(),
		}); err != nil {
			s.log.Error("consent: save", "err", err)
		}
		s.approvedUsers.Store(sess.subject, true)
		s.issueCode(w, r, req, sess.subject)
	default:
		if !s.deniesByRedirect() {
			s.errorPage(w, http.StatusForbidden, "Access denied", "You denied the request.")
			return
		}
		s.redirectError(w, r, req, oautherr.AccessDenied("the user denied the request"))
	}
}

// handleAuthorizeOptions answers a CORS preflight of the authorization
// endpoint with 405: the endpoint serves browsers, not scripts (RFC 9700
// §2.6).
func (s *Server) handleAuthorizeOptions(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, POST")
	writePlainError(w, http.StatusMethodNotAllowed, "method not allowed")
}
