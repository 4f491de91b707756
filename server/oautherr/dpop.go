package oautherr

import "net/http"

// Error codes of RFC 9449 (DPoP).
const (
	CodeInvalidDPoPProof = "invalid_dpop_proof"
	CodeUseDPoPNonce     = "use_dpop_nonce"
)

// InvalidDPoPProof builds an invalid_dpop_proof error (400; RFC 9449 §5).
func InvalidDPoPProof(format string, args ...any) *Error {
	return newErr(CodeInvalidDPoPProof, http.StatusBadRequest, format, args...)
}

// UseDPoPNonce builds a use_dpop_nonce error (400; RFC 9449 §8).
func UseDPoPNonce(format string, args ...any) *Error {
	return newErr(CodeUseDPoPNonce, http.StatusBadRequest, format, args...)
}
