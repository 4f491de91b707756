// Command ideclient is an example authspec plugin: the flow of an IDE
// plugin logging into a server. It discovers the server, registers itself
// through the advertised registration_endpoint, authorizes with PKCE S256
// and state (reporting error parameters on the callback clearly), redeems
// the code with the authentication method the server advertises, refreshes
// the token, and reads its own registration back (RFC 7592).
//
// Config (plugins: - path: ideclient.wasm, config: {...}):
//
//	auth_method: none | client_secret_basic | client_secret_post   (default: what the server advertises, public first)
package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/plugins/kit"
	"github.com/authspec/authspec/suite/plugin/abi"
)

func init() {
	kit.Register(kit.Plugin{
		Name: "ide-client", Version: "1.0.0",
		Description: "an IDE plugin that registers itself, logs in with PKCE, refreshes, and reads its registration",
		Checks: []kit.Check{{
			Info: abi.CheckInfo{
				ID: "login", Kind: abi.KindClient, Spec: "RFC 6749", Section: "4.1", Level: "MUST",
				Title:    "An IDE plugin discovers the server, registers itself, logs in with PKCE S256 and state, refreshes, and reads its registration",
				Quote:    "The authorization code grant type is used to obtain both access tokens and refresh tokens and is optimized for confidential clients.",
				Requires: []string{"metadata", "dcr", "authorization_code"},
				Profiles: []string{"dcr", "pkce"},
			},
			Run: func(t *kit.T) abi.Result { return kit.Outcome(login(t)) },
		}},
	})
}

func login(t *kit.T) error {
	// 1. Discovery, as the IDE does it: fetch the metadata itself.
	res, err := t.Get(t.In.Target.MetadataURL, "discover the server (RFC 8414)")
	if err != nil {
		return err
	}
	var md map[string]any
	if res.Status != http.StatusOK || res.JSON(&md) != nil {
		return &kit.StepError{Step: "discovery", Msg: "the metadata document cannot be read", Want: "HTTP 200 JSON", Got: fmt.Sprintf("HTTP %d %s", res.Status, kit.Short(res.Body))}
	}
	t.In.Target.Metadata = md

	// 2. Registration as a native client with a loopback redirect URI.
	method, _ := t.In.Config["auth_method"].(string)
	if method == "" {
		method = t.ChooseAuthMethod("none", "client_secret_basic", "client_secret_post")
	}
	grants := []string{"authorization_code"}
	refreshable := slices.Contains(t.MetadataList("grant_types_supported"), "refresh_token")
	if refreshable {
		grants = append(grants, "refresh_token")
	}
	c, err := t.Register(map[string]any{
		"client_name": "authspec IDE plugin", "redirect_uris": []string{t.In.Callback},
		"grant_types": grants, "response_types": []string{"code"},
		"token_endpoint_auth_method": method, "application_type": "native",
	})
	if err != nil {
		return err
	}
	t.Logf("registered %s (token_endpoint_auth_method=%s)", c.ClientID, c.AuthMethod)

	// 3. Authorization with PKCE and state.
	scope := strings.Join(t.In.Target.Scopes, " ")
	var resources []string
	if t.In.Target.Resource != "" {
		resources = []string{t.In.Target.Resource}
	}
	code, verifier, err := t.AuthorizeCode(c, t.In.Callback, scope, resources)
	if err != nil {
		return err
	}

	// 4. The code exchange, authenticated as registered.
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {t.In.Callback}, "code_verifier": {verifier}}
	tk, err := t.Token(c, form, "code exchange")
	if err != nil {
		return err
	}
	t.Logf("signed in: token_type=%s expires_in=%v refresh_token=%t", tk.TokenType, tk.ExpiresIn, tk.RefreshToken != "")

	// 5. Refresh, when the server offers refresh tokens.
	switch {
	case !refreshable:
		t.Logf("the server does not advertise the refresh_token grant; the IDE will ask the person to sign in again")
	case tk.RefreshToken == "":
		return &kit.StepError{Step: "code exchange", Msg: "the client registered for refresh_token but the token response has none, so the IDE must send the person through the login again",
			Want: "a refresh_token", Got: "none", Fix: "issue refresh tokens to clients registered with the refresh_token grant"}
	default:
		rf := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}
		if _, err := t.Token(c, rf, "refresh"); err != nil {
			return err
		}
	}

	// 6. Read the registration back (RFC 7592), when the server manages registrations.
	if c.RegistrationClientURI == "" || c.RegistrationAccessToken == "" {
		t.Logf("no registration_client_uri: the server does not offer RFC 7592 management")
		return nil
	}
	rr, err := t.Get(c.RegistrationClientURI, "read the registration (RFC 7592)", "Authorization", "Bearer "+c.RegistrationAccessToken)
	if err != nil {
		return err
	}
	var info map[string]any
	if rr.Status != http.StatusOK || rr.JSON(&info) != nil {
		return &kit.StepError{Step: "registration read", Msg: "the client cannot read its own registration",
			Want: "HTTP 200 with the client information", Got: fmt.Sprintf("HTTP %d %s", rr.Status, kit.Short(rr.Body)),
			Fix: "answer GET registration_client_uri with the registration access token (RFC 7592 §2.1)"}
	}
	if id, _ := info["client_id"].(string); id != c.ClientID {
		return &kit.StepError{Step: "registration read", Msg: "the registration read back names another client", Want: "client_id " + c.ClientID, Got: fmt.Sprintf("client_id %q", id)}
	}
	return nil
}

func main() {}
