package server

// knownAuthorizeParams are the parameters the authorization endpoint reads
// (only for the authorize-unknown-param-rejected fault).
var knownAuthorizeParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "scope": true, "state": true,
	"code_challenge": true, "code_challenge_method": true, "resource": true, "prompt": true,
}
