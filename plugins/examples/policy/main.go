// Command policy is an example authspec plugin that adds an organisation's
// own checks next to the RFC ones: a maximum access token lifetime and the
// scopes the authorization server must offer.
//
// Config:
//
//	max_token_lifetime: 3600        # seconds (default 3600)
//	required_scopes: [read, write]  # default: the target config's scopes
package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/plugins/kit"
	"github.com/authspec/authspec/suite/plugin/abi"
)

func init() {
	kit.Register(kit.Plugin{
		Name: "acme-policy", Version: "1.0.0",
		Description: "ACME's security policy for authorization servers",
		Checks: []kit.Check{
			{
				Info: abi.CheckInfo{
					ID: "token-lifetime", Kind: abi.KindCheck, Spec: "ACME policy", Section: "AT-1", Level: "MUST",
					Title:    "Access tokens expire within the policy's maximum lifetime, and say so in expires_in",
					Quote:    "Access tokens MUST NOT be valid for longer than max_token_lifetime seconds.",
					Requires: []string{"confidential_client", "client_credentials"},
				},
				Run: tokenLifetime,
			},
			{
				Info: abi.CheckInfo{
					ID: "required-scopes", Kind: abi.KindCheck, Spec: "ACME policy", Section: "SC-1", Level: "MUST",
					Title:    "The authorization server advertises every scope the policy requires in scopes_supported",
					Requires: []string{"metadata"},
				},
				Run: requiredScopes,
			},
		},
	})
}

func tokenLifetime(t *kit.T) abi.Result {
	max := 3600.0
	if v, ok := t.In.Config["max_token_lifetime"].(float64); ok && v > 0 {
		max = v
	}
	fc, ok := t.In.Clients["confidential"]
	if !ok {
		return kit.Errorf("the host handed no confidential client")
	}
	c := &kit.Registered{ClientID: fc.ClientID, ClientSecret: fc.ClientSecret, AuthMethod: fc.AuthMethod, RequirePAR: fc.RequirePAR}
	tk, err := t.Token(c, url.Values{"grant_type": {"client_credentials"}}, "get a token (client credentials)")
	if err != nil {
		return kit.Outcome(err)
	}
	switch {
	case tk.ExpiresIn <= 0:
		return kit.Fail("the token response does not say when the token expires", fmt.Sprintf("expires_in ≤ %.0f", max), "no expires_in",
			"return expires_in with every access token")
	case tk.ExpiresIn > max:
		return kit.Fail("the access token lives longer than the policy allows", fmt.Sprintf("expires_in ≤ %.0f", max), fmt.Sprintf("expires_in %.0f", tk.ExpiresIn),
			fmt.Sprintf("issue access tokens for at most %.0f seconds", max))
	}
	t.Logf("expires_in %.0f ≤ %.0f", tk.ExpiresIn, max)
	return kit.Pass()
}

func requiredScopes(t *kit.T) abi.Result {
	required := kit.StringList(t.In.Config["required_scopes"])
	if len(required) == 0 {
		required = t.In.Target.Scopes
	}
	if len(required) == 0 {
		return kit.Skipf("no required scopes: give config: {required_scopes: [...]} to the plugin, or scopes: in the target config")
	}
	have := t.MetadataList("scopes_supported")
	var missing []string
	for _, s := range required {
		if !slices.Contains(have, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return kit.Fail("scopes required by the policy are not advertised: "+strings.Join(missing, ", "),
			"scopes_supported containing "+strings.Join(required, ", "), fmt.Sprintf("scopes_supported: %v", have),
			"offer the policy's scopes and list them in scopes_supported")
	}
	return kit.Pass()
}

func main() {}
