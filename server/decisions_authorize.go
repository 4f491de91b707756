package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// The decisions of the authorization endpoint and its login and consent
// pages (RFC 6749 §3.1, §4.1, §10; RFC 7636 §4.4; RFC 9700) that
// deliberate behaviours change.

// The request (RFC 6749 §3.1, §4.1.1, §4.1.2.1).

// skipsLogin reports whether a request with the form consent is approved
// at once for the default user, no one signed in (fault only: RFC 6749
// §3.1 "MUST first verify the identity of the resource owner").
func (s *Server) skipsLogin() bool { return s.fault(FaultOwnerNotAuthenticated) }

// newCode is the value of a new authorization code: 256 random bits (RFC
// 6749 §10.10), or with the fault a counter behind a prefix fixed for the
// server, long enough to look random but predictable.
func (s *Server) newCode() string {
	if s.fault(FaultCodesCounter) {
		sum := sha256.Sum256([]byte(s.cfg.Issuer))
		return hex.EncodeToString(sum[:12]) + fmt.Sprintf("%020d", s.codesIssued.Add(1))
	}
	return randomToken()
}

// unknownClientRedirect is where an error about an unknown client is
// redirected: nowhere, it is shown (RFC 6749 §4.1.2.1); with the fault, to
// the redirect_uri the request names.
func (s *Server) unknownClientRedirect(q url.Values) *authRequest {
	if target := q.Get("redirect_uri"); target != "" && s.fault(FaultAuthzUnknownClientRedirect) {
		return &authRequest{redirectURI: target, state: q.Get("state"), hasState: q.Has("state")}
	}
	return nil
}

// missingClientRedirect is where an error about a missing client_id is
// redirected: nowhere, it is shown (RFC 6749 §4.1.2.1); with the fault, to
// the redirect_uri the request names.
func (s *Server) missingClientRedirect(q url.Values) *authRequest {
	if target := q.Get("redirect_uri"); target != "" && s.fault(FaultAuthzMissingClientRedirect) {
		return &authRequest{redirectURI: target, state: q.Get("state"), hasState: q.Has("state")}
	}
	return nil
}

// invalidRedirectTarget is where an error about an invalid redirect_uri is
// redirected: nowhere, it is shown (RFC 6749 §4.1.2.1); with the fault, to
// that redirect_uri (an open redirector).
func (s *Server) invalidRedirectTarget(q url.Values) *authRequest {
	if target := q.Get("redirect_uri"); target != "" && s.fault(FaultOpenRedirect) {
		return &authRequest{redirectURI: target, state: q.Get("state"), hasState: q.Has("state")}
	}
	return nil
}

// showsAuthorizationErrors reports whether errors the client should learn
// of are shown as a page instead of redirected (fault only: RFC 6749
// §4.1.2.1 redirects them; RFC 9700 §4.11.2 allows showing them).
func (s *Server) showsAuthorizationErrors() bool { return s.fault(FaultErrorsNotRedirected) }

// errorAfterLogin reports whether an authorization request that fails
// validation waits for the user to sign in before its error is redirected
// to the client (RFC 9700 §4.11.2: "The authorization server MUST always
// authenticate the user first ... before redirecting the user"), so that
// a client's own redirect URI cannot be reached through the server by
// anyone who sends a broken request. Where the server authenticates no one
// (auto consent) or the user has a session, the error goes at once.
func (s *Server) errorAfterLogin(r *http.Request) bool {
	return s.cfg.Consent != ConsentAuto && s.currentSession(r) == nil && !s.fault(FaultErrorRedirectBeforeLogin)
}

// unknownAuthorizeParamError refuses parameters the endpoint does not read
// (fault only: RFC 6749 §3.1 says they MUST be ignored).
func (s *Server) unknownAuthorizeParamError(q url.Values) *oautherr.Error {
	if !s.fault(FaultAuthzUnknownParamRejected) {
		return nil
	}
	for k := range q {
		if !knownAuthorizeParams[k] {
			return oautherr.InvalidRequest("unknown parameter %q", k)
		}
	}
	return nil
}

// knownAuthorizeParams are the parameters the authorization endpoint reads.
var knownAuthorizeParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "scope": true, "state": true,
	"code_challenge": true, "code_challenge_method": true, "resource": true, "prompt": true,
	"dpop_jkt": true,
}

// missingResponseTypeError: a request without response_type lacks a
// required parameter (RFC 6749 §4.1.2.1 invalid_request; variant:
// unsupported_response_type, RFC 6749 §3.1.1 putting a missing response
// type beside one not understood; fault: access_denied).
func (s *Server) missingResponseTypeError() *oautherr.Error {
	switch {
	case s.fault(FaultAuthzMissingRTWrongError):
		return oautherr.AccessDenied("the request was denied")
	case s.variant(VariantMissingResponseTypeUnsupported):
		return oautherr.UnsupportedResponseType("The request is missing the 'response_type' parameter")
	}
	return oautherr.InvalidRequest("response_type is required")
}

// checksResponseType: a response_type other than code is refused
// (RFC 6749 §3.1.1), with unknownResponseTypeError.
func (s *Server) checksResponseType() bool { return !s.fault(FaultResponseTypeUnchecked) }

// unknownResponseTypeError is the answer to a response_type the server
// does not support: unsupported_response_type, or with the variant
// unknown-response-type-unauthorized-client unauthorized_client (RFC 6749
// §4.1.2.1 defines both so that either fits).
func (s *Server) unknownResponseTypeError(rt string) *oautherr.Error {
	if s.variant(VariantUnknownResponseTypeUnauthorized) {
		return oautherr.UnauthorizedClient("the requested response type %q is missing in the client configuration", rt)
	}
	return oautherr.UnsupportedResponseType("response_type %q is not supported; use code", rt)
}

// checksClientGrantTypes: a client not registered for the authorization
// code grant is unauthorized_client (RFC 6749 §4.1.2.1).
func (s *Server) checksClientGrantTypes() bool { return !s.fault(FaultAuthzGrantUnchecked) }

// emptyScopeRefused refuses an empty scope (fault only: RFC 6749 §3.1
// treats a parameter without a value as omitted).
func (s *Server) emptyScopeRefused(q url.Values) *oautherr.Error {
	if s.fault(FaultAuthzEmptyScopeInvalid) && q.Has("scope") && q.Get("scope") == "" {
		return oautherr.InvalidScope("scope is empty")
	}
	return nil
}

// authorizeScopeError is the error for a scope the endpoint refuses:
// invalid_scope (RFC 6749 §4.1.2.1).
func (s *Server) authorizeScopeError(oerr *oautherr.Error) *oautherr.Error {
	if oerr.Code == oautherr.CodeInvalidScope && s.fault(FaultAuthzUnknownScopeWrongErr) {
		return oautherr.InvalidRequest("%s", oerr.Description)
	}
	return oerr
}

// Redirect URIs (RFC 6749 §3.1.2, RFC 8252 §7.3, RFC 9700 §4.1.3).

// defaultsToOnlyRedirectURI: a client with one registered redirect URI may
// omit redirect_uri (RFC 6749 §4.1.1, §3.1.2.3).
func (s *Server) defaultsToOnlyRedirectURI() bool { return !s.fault(FaultAuthzRedirectAlwaysRequired) }

// defaultsToFirstRedirectURI reports whether a client with several
// redirect URIs that omits redirect_uri is sent to the first (fault only:
// RFC 6749 §3.1.2.3 requires redirect_uri then).
func (s *Server) defaultsToFirstRedirectURI() bool { return s.fault(FaultAuthzFirstRedirectDefault) }

// redirectPatternMatches reports whether sent matches a registered redirect
// URI holding * as a pattern (fault only: RFC 9700 §4.1.3 requires exact
// matching).
func (s *Server) redirectPatternMatches(registered, sent string) bool {
	if !s.fault(FaultBCPRedirectPatterns) || !strings.Contains(registered, "*") {
		return false
	}
	if ok, _ := path.Match(registered, sent); ok {
		return true
	}
	re, err := regexp.Compile("^" + strings.ReplaceAll(regexp.QuoteMeta(registered), `\*`, ".*") + "$")
	return err == nil && re.MatchString(sent)
}

// redirectPrefixMatches reports whether sent matches a registered redirect
// URI it starts with (fault only).
func (s *Server) redirectPrefixMatches(registered, sent string) bool {
	return s.fault(FaultRedirectPrefixMatch) && strings.HasPrefix(sent, registered)
}

// loopbackAnyPort: loopback IP redirect URIs match on any port (RFC 8252
// §7.3).
func (s *Server) loopbackAnyPort() bool { return !s.fault(FaultLoopbackPortStrict) }

// loopbackPathExact: only the port is free in a loopback redirect URI; the
// path must match exactly (RFC 8252 §8.4).
func (s *Server) loopbackPathExact() bool { return !s.fault(FaultLoopbackPathIgnored) }

// keepsRedirectQuery: the query component of the redirect URI is retained
// (RFC 6749 §3.1.2).
func (s *Server) keepsRedirectQuery() bool { return !s.fault(FaultAuthzRedirectQueryDropped) }

// PKCE at the authorization endpoint (RFC 7636 §4.3, §4.4; RFC 9700 §2.1.1).

// requiresPKCEFromPublic: public clients must send a code_challenge (RFC
// 9700 §2.1.1).
func (s *Server) requiresPKCEFromPublic() bool { return !s.fault(FaultPKCENotRequired) }

// requiresPKCE reports whether c must send a code_challenge: every client
// (OAuth 2.1 §4.1.2.1), or public clients only (variant: RFC 9700 §2.1.1
// only RECOMMENDS PKCE to confidential clients).
func (s *Server) requiresPKCE(c *store.Client) bool {
	if c.Public() {
		return s.requiresPKCEFromPublic()
	}
	return !s.variant(VariantPKCEOptionalConfidential)
}

// codeChallengeMethods are the PKCE methods the server accepts, as the
// metadata advertises them.
func (s *Server) codeChallengeMethods() []string {
	if s.acceptsPlainPKCE() {
		return []string{"S256", "plain"}
	}
	return []string{"S256"}
}

// missingChallenge is the error for a public client without code_challenge
// (RFC 7636 §4.4.1).
func (s *Server) missingChallenge() *oautherr.Error {
	if s.fault(FaultPKCERequiredWrongError) {
		return oautherr.AccessDenied("PKCE is required for public clients")
	}
	return s.pkceInvalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256")
}

// pkceInvalidRequest is an invalid_request error about PKCE whose
// error_description explains it (RFC 7636 §4.4.1), or without one (fault
// only).
func (s *Server) pkceInvalidRequest(format string, args ...any) *oautherr.Error {
	e := oautherr.InvalidRequest(format, args...)
	if s.fault(FaultPKCEErrorUnexplained) {
		e.Description = ""
	}
	return e
}

// challengeMethod resolves the code_challenge_method of an authorization
// request carrying a code_challenge: absent means plain (RFC 7636 §4.3).
func (s *Server) challengeMethod(method string) string {
	if method == "" {
		if s.fault(FaultPKCEDefaultS256) {
			return "S256"
		}
		return "plain"
	}
	if method != "S256" && method != "plain" && s.fault(FaultPKCEUnknownMethodS256) {
		return "S256"
	}
	return method
}

// validS256Challenge checks that an S256 challenge is BASE64URL of 32 bytes
// without padding: 43 characters of [A-Za-z0-9-_] (RFC 7636 §4.2).
func (s *Server) validS256Challenge(challenge string) bool {
	if s.variant(VariantPKCESyntaxUnchecked) {
		return challenge != ""
	}
	return validS256(challenge)
}

// acceptsPlainPKCE reports whether code_challenge_method=plain is accepted
// (fault only: RFC 9700 §2.1.1, S256 is the only method).
func (s *Server) acceptsPlainPKCE() bool { return s.variant(VariantPKCEPlainSupported) }

// latestChallenges backs FaultPKCEChallengePerClient: the last challenge each
// client sent, per server.
var latestChallenges sync.Map // challengeKey -> [2]string{challenge, method}

type challengeKey struct {
	s        *Server
	clientID string
}

// rememberChallenge records the client's latest challenge (fault only: RFC
// 7636 §4.4 binds the challenge to the code).
func (s *Server) rememberChallenge(req *authRequest) {
	if s.fault(FaultPKCEChallengePerClient) && req.codeChallenge != "" {
		latestChallenges.Store(challengeKey{s, req.clientID}, [2]string{req.codeChallenge, req.codeChallengeMethod})
	}
}

// echoChallenge adds the challenge to the authorization response (fault
// only; RFC 7636 §4.4 forbids exposing it).
func (s *Server) echoChallenge(req *authRequest, params url.Values) {
	if s.fault(FaultPKCEChallengeEchoed) && req.codeChallenge != "" {
		params.Set("code_challenge", req.codeChallenge)
	}
}

// Login and consent (RFC 6749 §10.2, §10.12).

// consentCSRFField is the name of the consent form's CSRF token field
// (variant: session_code, a name that does not say what it is, as
// Keycloak's per-flow code).
func (s *Server) consentCSRFField() string {
	if s.variant(VariantConsentTokenUnnamed) {
		return "session_code"
	}
	return "csrf_token"
}

// remembersConsent: an approval is remembered, the server's documented
// consent policy; with consent-every-time, the consent page is shown for
// every request.
func (s *Server) remembersConsent() bool { return !s.variant(VariantConsentEveryTime) }

// remembersConsentOf: a public client's approval is not remembered, since
// nothing proves that its next request comes from the same app (OAuth 2.1
// §7.3.1, RFC 8252 §8.6), unless a variant remembers it too.
func (s *Server) remembersConsentOf(c *store.Client) bool {
	return !c.Public() || s.variant(VariantConsentRememberedPublic)
}

// approvesAtLogin reports whether a request is approved as soon as the user
// is signed in, without a consent page (variant consent-none).
func (s *Server) approvesAtLogin() bool { return s.variant(VariantConsentNone) }

// loginInTwoSteps reports whether the login page asks for the username and
// then, on a page of its own, for the password (variant login-two-step).
func (s *Server) loginInTwoSteps() bool { return s.variant(VariantLoginTwoStep) }

// errorPagesBare reports whether error pages are plain text (variant
// error-page-bare).
func (s *Server) errorPagesBare() bool { return s.variant(VariantErrorPageBare) }

// errorPagesRedirected reports whether error pages are shown at the
// server's own /error page, reached by a redirect (variant
// error-page-redirect).
func (s *Server) errorPagesRedirected() bool { return s.variant(VariantErrorPageRedirect) }

// rememberedConsent is what subject approved for client before.
func (s *Server) rememberedConsent(r *http.Request, subject string, req *authRequest) (*store.Consent, error) {
	cons, err := s.store.GetConsent(r.Context(), subject, req.clientID)
	if s.fault(FaultMCPConsentPerUser) && err != nil && s.userApprovedAny(subject) {
		// Approved once for any client: approved for every client.
		return &store.Consent{Scope: req.scope}, nil
	}
	return cons, err
}

// userApprovedAny reports whether subject approved any client before.
func (s *Server) userApprovedAny(subject string) bool {
	_, ok := s.approvedUsers.Load(subject)
	return ok
}

// consentCovers reports whether a remembered approval of granted covers a
// request for scope: only when it includes every scope requested.
func (s *Server) consentCovers(scope, granted string) bool {
	return scopeSubset(scope, granted) || s.fault(FaultConsentAnyScope)
}

// approvesByGET reports whether a GET of the consent page approves the
// request (fault only: RFC 6749 §10.12).
func (s *Server) approvesByGET(r *http.Request) bool {
	return s.fault(FaultConsentByGET) && r.URL.Query().Get("decision") == "allow"
}

// consentCSRF is the CSRF token of a consent form (RFC 6749 §10.12).
func (s *Server) consentCSRF(sess *session, req *authRequest) string {
	if s.fault(FaultConsentCrossSite) {
		return ""
	}
	return s.csrfToken("consent", sess.id, req.id)
}

// checksConsentCSRF: a consent form is accepted only with its CSRF token
// (RFC 6749 §10.12).
func (s *Server) checksConsentCSRF() bool {
	return !s.fault(FaultConsentNoCSRF) && !s.fault(FaultConsentCrossSite)
}

// namesClient: the consent page says which client asks and where the
// browser goes next (RFC 6749 §10.2).
func (s *Server) namesClient() bool { return !s.fault(FaultConsentAnonymous) }

// showsClientLinks: the consent page shows the client's client_uri (a
// link), tos_uri and policy_uri (RFC 7591 §2); with the fault, none.
func (s *Server) showsClientLinks() bool {
	return s.namesClient() && !s.fault(FaultConsentClientLinksHidden)
}

// showsClientLogo: the consent page shows the client's logo_uri (RFC 7591
// §2), as a copy the server fetched.
func (s *Server) showsClientLogo() bool {
	return s.showsClientLinks() && !s.variant(VariantConsentLogoHidden)
}

// hotlinksClientLogo: the consent page has the browser load the logo from
// logo_uri itself instead of the server's copy.
func (s *Server) hotlinksClientLogo() bool { return s.variant(VariantConsentLogoHotlinked) }

// deniesByRedirect: a denial is redirected to the client with
// access_denied (RFC 6749 §4.1.2.1).
func (s *Server) deniesByRedirect() bool { return !s.fault(FaultDenyNotRedirects) }

// sessionSameSite is the SameSite attribute of the login state cookies.
func (s *Server) sessionSameSite() http.SameSite {
	if s.fault(FaultConsentCrossSite) {
		return http.SameSiteNoneMode
	}
	return http.SameSiteLaxMode
}

// stateRequiredError accepts a request without state (RFC 6749 §4.1.1:
// RECOMMENDED of the client); with the variant state-required it refuses
// one without a state of at least 8 characters, as fosite does.
func (s *Server) stateRequiredError(q url.Values) *oautherr.Error {
	if s.variant(VariantStateRequired) && len(q.Get("state")) < 8 {
		return oautherr.InvalidRequest("the request must carry a state of at least 8 characters")
	}
	return nil
}
