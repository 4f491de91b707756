package server

import (
	"net/http"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
)

// The decisions of the demo protected resource (RFC 6750, the MCP
// authorization specification) that deliberate behaviours change.

const mcpSessionCookie = "authspec_mcp_session"

// mcpSessionHeader is the session header of MCP's Streamable HTTP
// transport.
const mcpSessionHeader = "Mcp-Session-Id"

// tokenOutsideHeader is an access token sent other than in the
// Authorization header, which the resource does not take: "" (RFC 6750
// §2.3 and the MCP authorization specification forbid the query; every
// request carries its token).
func (s *Server) tokenOutsideHeader(r *http.Request) string {
	if s.fault(FaultMCPSessionCookie) {
		if c, err := r.Cookie(mcpSessionCookie); err == nil && c.Value != "" {
			return c.Value
		}
	}
	if s.fault(FaultMCPSessionIDStandsIn) {
		if sid := r.Header.Get(mcpSessionHeader); sid != "" && jsonRPCMethod(r) != "initialize" {
			return sid
		}
	}
	if s.fault(FaultMCPQueryToken) {
		return r.URL.Query().Get("access_token")
	}
	return ""
}

// bodyToken is an access token sent as a form-encoded body parameter (RFC
// 6750 §2.2, a MAY the resource supports): "" with the variant
// bearer-header-only, which takes the token from the header only.
func (s *Server) bodyToken(r *http.Request) string {
	if s.variant(VariantBearerHeaderOnly) {
		return ""
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	if err := r.ParseForm(); err != nil {
		return ""
	}
	return r.PostForm.Get("access_token")
}

// twoMethodsError is the error for a request carrying its token both in the
// Authorization header and in the body: 400 invalid_request (RFC 6750 §3.1:
// the request "uses more than one method for including an access token").
func (s *Server) twoMethodsError() *oautherr.Error {
	if s.fault(FaultBearerTwoMethodsAccepted) {
		return nil
	}
	return oautherr.InvalidRequest("the access token was sent both in the Authorization header and in the request body")
}

// inactiveTokenError is the error for an expired or revoked token: 401
// invalid_token (RFC 6750 §3.1).
func (s *Server) inactiveTokenError() *oautherr.Error {
	if s.fault(FaultBearerRevokedWrongError) {
		e := oautherr.InvalidRequest("the access token is expired or revoked")
		e.Status = http.StatusUnauthorized
		return e
	}
	return oautherr.InvalidToken("the access token is expired or revoked")
}

// rememberSession sets a session cookie that stands for the token (fault
// only: the MCP server must authorize every request by its token).
func (s *Server) rememberSession(w http.ResponseWriter, tok string) {
	if s.fault(FaultMCPSessionIDStandsIn) {
		w.Header().Set(mcpSessionHeader, tok)
	}
	if s.fault(FaultMCPSessionCookie) {
		http.SetCookie(w, &http.Cookie{Name: mcpSessionCookie, Value: tok, Path: "/", HttpOnly: true})
	}
}

// noCredentialsError is the error of a request without credentials: none,
// a bare challenge (RFC 6750 §3.1: the resource SHOULD NOT include an
// error code when the request lacks authentication information).
func (s *Server) noCredentialsError() *oautherr.Error {
	if s.fault(FaultBearerErrorNoCreds) {
		e := oautherr.InvalidRequest("no access token")
		e.Status = http.StatusUnauthorized
		return e
	}
	return nil
}

// bearerScheme matches the auth-scheme case-insensitively (RFC 9110 §11.1).
func (s *Server) bearerScheme(scheme string) bool {
	if s.fault(FaultBearerSchemeCaseSensitive) {
		return scheme == "Bearer"
	}
	return strings.EqualFold(scheme, "Bearer")
}

// afterScheme skips the spaces between the scheme and the token
// (credentials = "Bearer" 1*SP b64token, RFC 6750 §2.1).
func (s *Server) afterScheme(rest string) string {
	if s.fault(FaultBearerSingleSpace) {
		return rest
	}
	return strings.TrimLeft(rest, " ")
}

// malformedBearer is the error for a Bearer header without a usable token
// (RFC 6750 §3.1 invalid_request, which SHOULD be a 400; with the variant
// bearer-malformed-401, invalid_token: a malformed token; with the fault,
// invalid_request with 401).
func (s *Server) malformedBearer() *oautherr.Error {
	if s.variant(VariantBearerMalformed401) {
		return oautherr.InvalidToken("the access token is invalid")
	}
	e := oautherr.InvalidRequest("the Authorization header must be \"Bearer <token>\"")
	if s.fault(FaultBearerMalformed401Request) {
		e.Status = http.StatusUnauthorized
	}
	return e
}

// postTokenUnchecked reports whether POST requests pass with any token
// (fault only).
func (s *Server) postTokenUnchecked() bool { return s.fault(FaultMCPPostTokenUnchecked) }

// unknownTokenError is the error for a token the server never issued: 401
// invalid_token (RFC 6750 §3.1; the MCP authorization specification).
func (s *Server) unknownTokenError() *oautherr.Error {
	e := oautherr.InvalidToken("the access token is unknown")
	if s.fault(FaultMCPInvalidToken403) {
		e.Status = http.StatusForbidden
	}
	return e
}

// acceptsRevokedTokens reports whether a revoked token still passes (fault
// only).
func (s *Server) acceptsRevokedTokens() bool { return s.fault(FaultMCPInactiveAccepted) }

// acceptsExpiredTokens reports whether an expired access token still
// passes (fault only: RFC 6749 §7).
func (s *Server) acceptsExpiredTokens() bool { return s.fault(FaultResourceExpiryUnchecked) }

// challengesInactiveToken: the 401 for an expired or revoked token carries
// the challenge (RFC 6750 §3).
func (s *Server) challengesInactiveToken() bool { return !s.fault(FaultBearerInactiveNoChallenge) }

// checksAudience: the resource accepts only tokens issued for it (RFC 8707
// §2, the MCP authorization specification).
func (s *Server) checksAudience() bool { return !s.fault(FaultAudienceUnchecked) }

// insufficientScopeError is the error for a token without the scope a
// request needs: 403 insufficient_scope (RFC 6750 §3.1).
func (s *Server) insufficientScopeError() *oautherr.Error {
	if s.fault(FaultBearerScope401) {
		return oautherr.InvalidToken("the access token does not allow this request")
	}
	return oautherr.InsufficientScope("this resource needs the %q scope", ScopedResourceScope)
}

// customResourceMetadataPath is where the variant
// resource-metadata-custom-url also serves the resource's metadata, and
// what its challenges name as resource_metadata.
const customResourceMetadataPath = "/metadata/mcp.json"

// resourceMetadataElsewhere reports whether the challenges name a
// resource_metadata URL other than the well-known one (variant
// resource-metadata-custom-url).
func (s *Server) resourceMetadataElsewhere() bool {
	return s.variant(VariantResourceMetadataCustomURL)
}
