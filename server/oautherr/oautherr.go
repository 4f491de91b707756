// Package oautherr is the one error type of the reference server: the RFC 6749
// §5.2 error response of the token, revocation and registration endpoints and
// the §4.1.2.1 error of the authorization endpoint.
//
// Values are built fresh by constructors (no shared mutable sentinels). The
// description is meant for the client developer; internal causes are never
// written to the wire.
package oautherr

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes of RFC 6749, RFC 6750, RFC 7009, RFC 7591 and RFC 8707.
const (
	CodeInvalidRequest          = "invalid_request"
	CodeInvalidClient           = "invalid_client"
	CodeInvalidGrant            = "invalid_grant"
	CodeUnauthorizedClient      = "unauthorized_client"
	CodeUnsupportedGrantType    = "unsupported_grant_type"
	CodeInvalidScope            = "invalid_scope"
	CodeAccessDenied            = "access_denied"
	CodeUnsupportedResponseType = "unsupported_response_type"
	CodeServerError             = "server_error"
	CodeInvalidToken            = "invalid_token"
	CodeInsufficientScope       = "insufficient_scope"
	CodeUnsupportedTokenType    = "unsupported_token_type"
	CodeInvalidRedirectURI      = "invalid_redirect_uri"
	CodeInvalidClientMetadata   = "invalid_client_metadata"
	CodeInvalidTarget           = "invalid_target"
)

// Error is an OAuth error response.
type Error struct {
	// Code is the "error" parameter.
	Code string `json:"error"`
	// Description is the "error_description" parameter (printable ASCII).
	Description string `json:"error_description,omitempty"`
	// Status is the HTTP status of a direct response.
	Status int `json:"-"`
	// Cause is the internal reason; never serialised.
	Cause error `json:"-"`
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Description, e.Cause)
	}
	return e.Code + ": " + e.Description
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// WithCause returns e with its internal cause set.
func (e *Error) WithCause(err error) *Error { e.Cause = err; return e }

func newErr(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Description: fmt.Sprintf(format, args...)}
}

// InvalidRequest builds an invalid_request error (400).
func InvalidRequest(format string, args ...any) *Error {
	return newErr(CodeInvalidRequest, http.StatusBadRequest, format, args...)
}

// InvalidClient builds an invalid_client error (401).
func InvalidClient(format string, args ...any) *Error {
	return newErr(CodeInvalidClient, http.StatusUnauthorized, format, args...)
}

// InvalidGrant builds an invalid_grant error (400).
func InvalidGrant(format string, args ...any) *Error {
	return newErr(CodeInvalidGrant, http.StatusBadRequest, format, args...)
}

// UnauthorizedClient builds an unauthorized_client error (400).
func UnauthorizedClient(format string, args ...any) *Error {
	return newErr(CodeUnauthorizedClient, http.StatusBadRequest, format, args...)
}

// UnsupportedGrantType builds an unsupported_grant_type error (400).
func UnsupportedGrantType(format string, args ...any) *Error {
	return newErr(CodeUnsupportedGrantType, http.StatusBadRequest, format, args...)
}

// InvalidScope builds an invalid_scope error (400).
func InvalidScope(format string, args ...any) *Error {
	return newErr(CodeInvalidScope, http.StatusBadRequest, format, args...)
}

// AccessDenied builds an access_denied error (403 when sent directly).
func AccessDenied(format string, args ...any) *Error {
	return newErr(CodeAccessDenied, http.StatusForbidden, format, args...)
}

// UnsupportedResponseType builds an unsupported_response_type error.
func UnsupportedResponseType(format string, args ...any) *Error {
	return newErr(CodeUnsupportedResponseType, http.StatusBadRequest, format, args...)
}

// ServerError builds a server_error (500) hiding cause from the client.
func ServerError(cause error) *Error {
	return &Error{Code: CodeServerError, Status: http.StatusInternalServerError,
		Description: "the authorization server encountered an internal error", Cause: cause}
}

// InvalidToken builds an RFC 6750 invalid_token error (401).
func InvalidToken(format string, args ...any) *Error {
	return newErr(CodeInvalidToken, http.StatusUnauthorized, format, args...)
}

// InsufficientScope builds an RFC 6750 insufficient_scope error (403).
func InsufficientScope(format string, args ...any) *Error {
	return newErr(CodeInsufficientScope, http.StatusForbidden, format, args...)
}

// UnsupportedTokenType builds an RFC 7009 unsupported_token_type error (400).
func UnsupportedTokenType(format string, args ...any) *Error {
	return newErr(CodeUnsupportedTokenType, http.StatusBadRequest, format, args...)
}

// InvalidRedirectURI builds an RFC 7591 invalid_redirect_uri error (400).
func InvalidRedirectURI(format string, args ...any) *Error {
	return newErr(CodeInvalidRedirectURI, http.StatusBadRequest, format, args...)
}

// InvalidClientMetadata builds an RFC 7591 invalid_client_metadata error (400).
func InvalidClientMetadata(format string, args ...any) *Error {
	return newErr(CodeInvalidClientMetadata, http.StatusBadRequest, format, args...)
}

// InvalidTarget builds an RFC 8707 invalid_target error (400).
func InvalidTarget(format string, args ...any) *Error {
	return newErr(CodeInvalidTarget, http.StatusBadRequest, format, args...)
}

// Sanitize makes a description fit RFC 6749 §5.2: error_description values
// MUST NOT include characters outside %x20-21 / %x23-5B / %x5D-7E. Double
// quotes become single quotes, "§" becomes "section ", backslashes become
// slashes, and anything else outside the set is dropped.
func Sanitize(desc string) string {
	var b []byte
	for _, r := range desc {
		switch {
		case r == '"':
			b = append(b, '\'')
		case r == '\\':
			b = append(b, '/')
		case r == '§':
			b = append(b, "section "...)
		case r == '\n' || r == '\t':
			b = append(b, ' ')
		case r >= 0x20 && r <= 0x7e:
			b = append(b, byte(r))
		}
	}
	return string(b)
}

// WriteJSON writes e as a JSON error response with its status. Error responses
// are never cached (RFC 6749 §5.1 applies to everything the token endpoint says).
func WriteJSON(w http.ResponseWriter, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	out := *e
	out.Description = Sanitize(e.Description)
	body, _ := json.Marshal(&out) // cannot fail: two strings
	_, _ = w.Write(body)
}
