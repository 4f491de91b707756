package target_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/target"
)

// TestParseConfig_UnknownKeyListsItsLevel: a key the config does not know
// is named with its line, the keys valid at its level (from the struct's
// yaml tags), and the key meant when it is close; it is not called invalid
// YAML.
func TestParseConfig_UnknownKeyListsItsLevel(t *testing.T) {
	cases := map[string]struct {
		yaml         string
		want, absent []string
	}{
		"top level": {yaml: "issuer: https://x\nscoped_resourse: https://x/api\n", want: []string{
			`t.yaml:2: unknown key "scoped_resourse" (did you mean scoped_resource?)`,
			"issuer", "resource", "scoped_resource", "allowed_origins", "features", "mcp_server", "other_resource",
			"synchronous_revocation", "mcp_proxy", "clients.client_credentials", "browser.repeat_consent", "registration.initial_access_token",
		}},
		"in browser": {yaml: "browser:\n  consent: [ { click: \"#allow\" } ]\n  repeat_consnet: remembered\n", want: []string{
			`t.yaml:3: unknown key "repeat_consnet" in browser (did you mean repeat_consent?); browser keys: login, consent, deny, repeat_consent`,
		}, absent: []string{"issuer"}},
		"in a step": {yaml: "browser:\n  login:\n    - fill: \"#u\"\n      value: a\n    - clik: \"#go\"\n", want: []string{
			`t.yaml:5: unknown key "clik" in browser.login[1] (did you mean click?); browser.login[] keys: fill, value, click,`,
		}},
		"in a client": {yaml: "clients:\n  public:\n    client-id: abc\n", want: []string{
			`unknown key "client-id" in clients.public (did you mean client_id?); clients.public keys: client_id, client_secret, redirect_uri, auth_method`,
		}},
		"at the wrong level": {yaml: "repeat_consent: always\n", want: []string{`unknown key "repeat_consent" (did you mean browser.repeat_consent?)`}},
		"in clients":         {yaml: "clients:\n  machine: { client_id: a }\n", want: []string{`unknown key "machine" in clients; clients keys: confidential, public, client_credentials`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := target.ParseConfig("t.yaml", []byte(tc.yaml), func(string) (string, bool) { return "", false })
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			for _, a := range append(tc.absent, "invalid YAML") {
				assert.NotContains(t, err.Error(), a)
			}
		})
	}
}

func TestConfigKeys_EveryKey(t *testing.T) {
	keys := target.ConfigKeys()
	for _, k := range []string{"issuer", "scoped_resource", "allowed_origins", "features", "mcp_server", "other_resource",
		"synchronous_revocation", "mcp_proxy", "clients.client_credentials", "clients.public", "registration.disabled", "browser.deny", "plugins", "profiles", "redirect_uri"} {
		assert.Contains(t, keys, k)
	}
}
