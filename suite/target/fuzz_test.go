package target

import (
	"testing"
)

// FuzzParseConfig: a config file never panics the loader; it is accepted
// or refused with an error naming the file.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("issuer: https://a.example\nresource: https://a.example/mcp\n"))
	f.Add([]byte("clients:\n  confidential: {client_id: a, client_secret: \"${env:S}\"}\n"))
	f.Add([]byte("browser:\n  login: [{fill: '#u', value: x, url: 'http://*'}]\n  repeat_consent: always\n"))
	f.Add([]byte("scopes: [a, b]\nprofiles: [core]\nregistration: {initial_access_token: t}\n"))
	f.Add([]byte("issuer: [\n"))
	f.Add([]byte("&a [*a, *a]"))
	env := map[string]string{"S": "secret", "E": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _, err := ParseConfig("fuzz.yaml", data, lookup)
		if err == nil && cfg == nil {
			t.Fatal("no config and no error")
		}
	})
}
