package probe

import "testing"

// FuzzParseChallenges: WWW-Authenticate values from hostile servers never
// panic the parser.
func FuzzParseChallenges(f *testing.F) {
	f.Add(`Bearer realm="x", error="invalid_token", error_description="a \"b\""`)
	f.Add(`Basic realm=x, Bearer resource_metadata="https://a/.well-known/oauth-protected-resource"`)
	f.Add(`Bearer`)
	f.Add(`Bearer ,,, =, ="`)
	f.Add(`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`)
	f.Fuzz(func(t *testing.T, v string) {
		_ = ParseChallenges([]string{v, v})
		_, _ = Bearer([]string{v})
	})
}
