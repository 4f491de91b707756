package httpx

import (
	"regexp"
)

// jsonSecret matches a JSON string member whose name carries a secret.
var jsonSecret = regexp.MustCompile(`"(client_secret|access_token|refresh_token|registration_access_token|id_token|code|code_verifier|password)"(\s*:\s*)"(?:[^"\\]|\\.)*"`)

// redactJSONMembers hides the values of secret-bearing JSON members. It works
// on text so that malformed JSON from a broken server is redacted too.
func redactJSONMembers(s string) string {
	return jsonSecret.ReplaceAllString(s, `"$1"$2"[REDACTED]"`)
}
