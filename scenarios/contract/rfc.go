package contract

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite/openapi"
)

// The RFC sentences that make parts of openapi.yaml requirements.
const (
	quote401 = "The server generating a 401 response MUST send a WWW-Authenticate header field (Section 11.6.1) containing at least one challenge applicable to the target resource. (RFC 9110 §15.5.2) — " +
		"If the client attempted to authenticate via the \"Authorization\" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the \"WWW-Authenticate\" response header field matching the authentication scheme used by the client. (RFC 6749 §5.2) — " +
		"The origin server MUST generate an Allow header field in a 405 response containing a list of the target resource's currently supported methods. (RFC 9110 §15.5.6)"
	quoteNoStore = "The authorization server MUST include the HTTP \"Cache-Control\" response header field [RFC2616] with a value of \"no-store\" in any response containing tokens, credentials, or other sensitive information ... " +
		"access_token REQUIRED. ... token_type REQUIRED. ... The parameters are included in the entity-body of the HTTP response using the \"application/json\" media type as defined by [RFC4627]. (RFC 6749 §5.1)"
	quoteErrorJSON       = "error REQUIRED. ... The parameters are included in the entity-body of the HTTP response using the \"application/json\" media type as defined by [RFC4627]. (RFC 6749 §5.2)"
	quoteRevocationError = "The error presentation conforms to the definition in Section 5.2 of [RFC6749]. (RFC 7009 §2.2.1)"
	quoteMetadata        = "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the \"application/json\" content type that contains a set of claims as its members that are a subset of the metadata values defined in Section 2. (RFC 8414 §3.2) — " +
		"issuer REQUIRED. ... response_types_supported REQUIRED. (RFC 8414 §2)"
	quoteRegistration = "client_id REQUIRED. ... client_secret_expires_at REQUIRED if \"client_secret\" is issued. (RFC 7591 §3.2.1) — " +
		"When a registration error condition occurs, the authorization server returns an HTTP 400 status code (unless otherwise specified) with content type \"application/json\" consisting of a JSON object [RFC7159] describing the error in the response body. (RFC 7591 §3.2.2)"
	quoteChallenge = "If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP \"WWW-Authenticate\" response header field (RFC 6750 §3)"
)

// basis is the RFC requirement a contract mismatch breaks.
type basis struct {
	ref, why, fix string
}

var (
	basis401 = &basis{"RFC 9110 §15.5.2", "a 401 MUST carry WWW-Authenticate with at least one challenge",
		"send WWW-Authenticate with every 401 (e.g. Basic realm=\"...\" for client authentication), or answer a failed client authentication in the body with 400 (RFC 6749 §5.2)"}
	basis401Basic = &basis{"RFC 6749 §5.2", "a client that authenticated with the Authorization header MUST get 401 with a WWW-Authenticate of its scheme",
		"answer failed HTTP Basic client authentication with 401 and WWW-Authenticate: Basic realm=\"...\""}
	basis405 = &basis{"RFC 9110 §15.5.6", "a 405 MUST carry an Allow header listing the methods the resource supports",
		"send Allow (e.g. Allow: POST) with every 405"}
	basisChallenge = &basis{"RFC 6750 §3", "a protected resource refusing a request for want of a usable token MUST send WWW-Authenticate",
		"send WWW-Authenticate: Bearer ... with every 401, and with 400/403 refusals of bearer requests"}
	basisNoStore = &basis{"RFC 6749 §5.1", "a response carrying tokens MUST have Cache-Control: no-store",
		"send Cache-Control: no-store with every token response"}
	basisTokenBody = &basis{"RFC 6749 §5.1", "a token response is a JSON object with access_token and token_type",
		"answer token requests with application/json carrying access_token and token_type"}
	basisErrorBody = &basis{"RFC 6749 §5.2", "an error response is a JSON object with an error member",
		"answer errors with application/json carrying an error member (RFC 6749 §5.2)"}
	basisMetadata = &basis{"RFC 8414 §3.2", "the metadata is a JSON object served as application/json with the required members",
		"serve the metadata as application/json with issuer and response_types_supported"}
	basisRegistration = &basis{"RFC 7591 §3.2.1", "a registration response carries client_id, and client_secret_expires_at with a client_secret",
		"return client_id, and client_secret_expires_at (0 for never) with every client_secret"}
	basisRegistrationError = &basis{"RFC 7591 §3.2.2", "a registration error is a JSON object with an error member",
		"answer registration errors with application/json carrying an error member"}
)

// basisOf returns the RFC requirement violation v breaks, or nil when only
// openapi.yaml fixes what was expected (an undocumented status, a body the
// RFCs leave free, a header the RFCs make optional).
func basisOf(v openapi.Violation) *basis {
	missing := v.Kind == openapi.KindHeader && strings.Contains(v.Message, "missing")
	body := v.Kind == openapi.KindBody || v.Kind == openapi.KindContentType
	resource := v.Operation == "resourceGet" || v.Operation == "resourcePost"
	clientAuth := slices.Contains([]string{"token", "revoke", "introspect"}, v.Operation)
	switch {
	case v.Kind == openapi.KindStatus:
		return nil
	case v.Status == http.StatusUnauthorized && missing && v.Header == "WWW-Authenticate":
		if clientAuth && v.Auth == "Basic" {
			return basis401Basic
		}
		if resource {
			return basisChallenge
		}
		return basis401
	case v.Status == http.StatusMethodNotAllowed && missing && v.Header == "Allow":
		return basis405
	case resource && missing && v.Header == "WWW-Authenticate" && v.Status == http.StatusForbidden && v.Auth == "no credentials":
		// RFC 6750 §3's MUST is for a request without credentials, or
		// whose token does not enable access; a 403 to a request with a
		// token may be about something else (an Origin check), and a 400
		// to any request may refuse its form (a missing MCP session,
		// which Streamable HTTP answers 400), which the contract cannot
		// tell: rfc6750-3-challenge-on-insufficient-scope judges the
		// scope case.
		return basisChallenge
	}
	return bodyBasis(v, missing, body)
}

// bodyBasis is basisOf for the members and headers of successful and error
// responses.
func bodyBasis(v openapi.Violation, missing, body bool) *basis {
	errStatus := v.Status == http.StatusBadRequest || v.Status == http.StatusUnauthorized
	switch v.Operation {
	case "token":
		switch {
		case v.Status == http.StatusOK && missing && v.Header == "Cache-Control":
			return basisNoStore
		case v.Status == http.StatusOK && body:
			return basisTokenBody
		case errStatus && body:
			return basisErrorBody
		}
	case "revoke", "introspect":
		if errStatus && body {
			return basisErrorBody
		}
	case "getAuthorizationServerMetadata":
		if v.Status == http.StatusOK && body {
			return basisMetadata
		}
	case "register":
		switch {
		case v.Status == http.StatusCreated && body:
			return basisRegistration
		case v.Status == http.StatusBadRequest && body:
			return basisRegistrationError
		}
	}
	return nil
}
