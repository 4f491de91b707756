package server

// Faults of the authorization endpoint's request handling (RFC 6749 §3.1,
// §3.1.2, §4.1.2.1).
const (
	FaultAuthzMissingRTWrongError    Fault = "authorize-missing-response-type-wrong-error"
	FaultAuthzUnknownClientRedirect  Fault = "authorize-unknown-client-redirected"
	FaultAuthzFirstRedirectDefault   Fault = "authorize-first-redirect-uri-default"
	FaultAuthzRedirectAlwaysRequired Fault = "authorize-redirect-uri-always-required"
	FaultAuthzRedirectQueryDropped   Fault = "authorize-redirect-query-dropped"
	FaultAuthzUnknownParamRejected   Fault = "authorize-unknown-param-rejected"
	FaultAuthzDuplicatesAccepted     Fault = "authorize-duplicate-params-accepted"
	FaultAuthzEmptyScopeInvalid      Fault = "authorize-empty-scope-invalid"
	FaultAuthzUnknownScopeWrongErr   Fault = "authorize-unknown-scope-wrong-error"
	FaultAuthzGrantUnchecked         Fault = "authorize-grant-type-unchecked"
)

var authorizeMoreFaults = map[Fault]string{
	FaultAuthzMissingRTWrongError:    "a request without response_type is answered unsupported_response_type instead of invalid_request",
	FaultAuthzUnknownClientRedirect:  "a request with an unknown client_id is redirected (with an error) to the redirect_uri it names",
	FaultAuthzFirstRedirectDefault:   "a client with several redirect URIs that omits redirect_uri is sent to the first one",
	FaultAuthzRedirectAlwaysRequired: "redirect_uri is required even when the client registered exactly one",
	FaultAuthzRedirectQueryDropped:   "the query component of the registered redirect URI is dropped from responses",
	FaultAuthzUnknownParamRejected:   "unknown parameters at the authorization endpoint are refused with invalid_request",
	FaultAuthzDuplicatesAccepted:     "repeated parameters at the authorization endpoint are accepted (the first value wins)",
	FaultAuthzEmptyScopeInvalid:      "an empty scope parameter at the authorization endpoint is refused with invalid_scope instead of being treated as omitted",
	FaultAuthzUnknownScopeWrongErr:   "an unknown scope at the authorization endpoint is refused with invalid_request instead of invalid_scope",
	FaultAuthzGrantUnchecked:         "clients not registered for the authorization code grant get codes",
}

// knownAuthorizeParams are the parameters the authorization endpoint reads
// (only for the authorize-unknown-param-rejected fault).
var knownAuthorizeParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "scope": true, "state": true,
	"code_challenge": true, "code_challenge_method": true, "resource": true, "prompt": true,
}
