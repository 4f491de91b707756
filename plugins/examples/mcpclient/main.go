// Command mcpclient is an example authspec plugin: the authorization flow
// of an MCP client (MCP authorization, 2025-06-18). It knows only the MCP
// server's URL: it calls it without a token, follows resource_metadata from
// the 401 challenge to the RFC 9728 metadata, then to the authorization
// server's RFC 8414 metadata, registers itself, authorizes with PKCE and the
// resource indicator, calls the MCP server with the token, refreshes, and
// calls it again.
//
// Config: mcp_url (default: the target's resource).
package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/authspec/authspec/plugins/kit"
	"github.com/authspec/authspec/suite/plugin/abi"
)

func init() {
	kit.Register(kit.Plugin{
		Name: "mcp-client", Version: "1.0.0",
		Description: "an MCP client that starts from a 401 at the MCP server",
		Checks: []kit.Check{{
			Info: abi.CheckInfo{
				ID: "connect", Kind: abi.KindClient, Spec: "MCP Authorization", Section: "Authorization Flow Steps", Level: "MUST",
				Title: "An MCP client starting from the MCP server's 401 finds the authorization server, registers, gets a token for the resource, and calls the server",
				Quote: "MCP servers MUST use the HTTP header WWW-Authenticate when returning a 401 Unauthorized to indicate the location of the resource server metadata URL",
			},
			Run: func(t *kit.T) abi.Result { return kit.Outcome(connect(t)) },
		}},
	})
}

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"authspec-mcp-client","version":"1.0.0"}}}`

func call(t *kit.T, mcpURL, token, note string) (*kit.Response, error) {
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json, text/event-stream"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return t.Do(http.MethodPost, mcpURL, h, initialize, note)
}

var resourceMetadataParam = regexp.MustCompile(`(?i)resource_metadata\s*=\s*"([^"]*)"`)

func connect(t *kit.T) error {
	mcpURL, _ := t.In.Config["mcp_url"].(string)
	if mcpURL == "" {
		mcpURL = t.In.Target.Resource
	}
	if mcpURL == "" {
		return &kit.SkipError{Reason: "no MCP server URL: give resource: in the target config (or config: {mcp_url: …} for the plugin)"}
	}

	// 1. Unauthenticated call: 401 with the resource metadata URL.
	res, err := call(t, mcpURL, "", "call the MCP server without a token")
	if err != nil {
		return err
	}
	if res.Status != http.StatusUnauthorized {
		return &kit.StepError{Step: "unauthenticated call", Msg: "the MCP server did not ask for authorization",
			Want: "HTTP 401 with WWW-Authenticate", Got: fmt.Sprintf("HTTP %d", res.Status)}
	}
	challenge := strings.Join(res.Header.Values("WWW-Authenticate"), ", ")
	m := resourceMetadataParam.FindStringSubmatch(challenge)
	if m == nil {
		return &kit.StepError{Step: "unauthenticated call", Msg: "the 401 does not say where the protected resource metadata is, so the client cannot find the authorization server",
			Want: `WWW-Authenticate: Bearer resource_metadata="…"`, Got: "WWW-Authenticate: " + challenge,
			Fix: "add resource_metadata=\"<RFC 9728 metadata URL>\" to the Bearer challenge"}
	}

	// 2. RFC 9728 metadata: the resource and its authorization server.
	res, err = t.Get(m[1], "fetch the protected resource metadata (RFC 9728)")
	if err != nil {
		return err
	}
	var prm map[string]any
	if res.Status != http.StatusOK || res.JSON(&prm) != nil {
		return &kit.StepError{Step: "resource metadata", Msg: "the protected resource metadata cannot be read", Want: "HTTP 200 JSON", Got: fmt.Sprintf("HTTP %d %s", res.Status, kit.Short(res.Body))}
	}
	resource, _ := prm["resource"].(string)
	servers := kit.StringList(prm["authorization_servers"])
	if resource == "" || len(servers) == 0 {
		return &kit.StepError{Step: "resource metadata", Msg: "the metadata lacks resource or authorization_servers", Want: "resource and authorization_servers", Got: kit.Short(res.Body)}
	}

	// 3. RFC 8414 metadata of the first authorization server.
	md, err := asMetadata(t, servers[0])
	if err != nil {
		return err
	}
	t.In.Target.Metadata = md

	// 4. Registration as a public client if the server allows it.
	grants := []string{"authorization_code"}
	refreshable := slices.Contains(t.MetadataList("grant_types_supported"), "refresh_token")
	if refreshable {
		grants = append(grants, "refresh_token")
	}
	c, err := t.Register(map[string]any{
		"client_name": "authspec MCP client", "redirect_uris": []string{t.In.Callback},
		"grant_types": grants, "response_types": []string{"code"},
		"token_endpoint_auth_method": t.ChooseAuthMethod("none", "client_secret_basic", "client_secret_post"),
	})
	if err != nil {
		return err
	}

	// 5. Authorization with PKCE and the resource indicator (RFC 8707).
	scope := strings.Join(kit.StringList(prm["scopes_supported"]), " ")
	if len(t.In.Target.Scopes) > 0 {
		scope = strings.Join(t.In.Target.Scopes, " ")
	}
	code, verifier, err := t.AuthorizeCode(c, t.In.Callback, scope, []string{resource})
	if err != nil {
		return err
	}
	tk, err := t.Token(c, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {t.In.Callback},
		"code_verifier": {verifier}, "resource": {resource}}, "code exchange")
	if err != nil {
		return err
	}

	// 6. The MCP server accepts the token.
	if err := authorized(t, mcpURL, tk.AccessToken, "call the MCP server with the token"); err != nil {
		return err
	}

	// 7. Refresh, and call again.
	if !refreshable || tk.RefreshToken == "" {
		t.Logf("no refresh token (refresh_token grant advertised: %t); the client will authorize again when the token expires", refreshable)
		return nil
	}
	tk2, err := t.Token(c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}, "resource": {resource}}, "refresh")
	if err != nil {
		return err
	}
	return authorized(t, mcpURL, tk2.AccessToken, "call the MCP server with the refreshed token")
}

func authorized(t *kit.T, mcpURL, token, note string) error {
	res, err := call(t, mcpURL, token, note)
	if err != nil {
		return err
	}
	if res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden {
		return &kit.StepError{Step: note, Msg: "the MCP server refused the token the authorization server issued for it",
			Want: "a 2xx answer", Got: fmt.Sprintf("HTTP %d WWW-Authenticate: %s", res.Status, res.Header.Get("WWW-Authenticate")),
			Fix: "issue tokens whose audience is the requested resource, and accept them at that resource"}
	}
	if res.Status/100 != 2 {
		return &kit.StepError{Step: note, Msg: "the MCP server failed", Want: "a 2xx answer", Got: fmt.Sprintf("HTTP %d %s", res.Status, kit.Short(res.Body))}
	}
	return nil
}

// asMetadata fetches RFC 8414 metadata, then OpenID Connect discovery, the
// way MCP clients try them.
func asMetadata(t *kit.T, issuer string) (map[string]any, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return nil, &kit.StepError{Step: "authorization server metadata", Msg: "authorization_servers[0] is not a URL", Got: issuer}
	}
	path := strings.TrimSuffix(u.Path, "/")
	var tried []string
	for _, wk := range []string{"/.well-known/oauth-authorization-server" + path, "/.well-known/openid-configuration" + path, path + "/.well-known/openid-configuration"} {
		mu := *u
		mu.Path, mu.RawQuery = wk, ""
		res, err := t.Get(mu.String(), "fetch the authorization server metadata")
		if err != nil {
			return nil, err
		}
		var md map[string]any
		if res.Status == http.StatusOK && res.JSON(&md) == nil {
			if iss, _ := md["issuer"].(string); iss != issuer {
				return nil, &kit.StepError{Step: "authorization server metadata", Msg: "the metadata's issuer is not the authorization server the resource names",
					Want: "issuer " + issuer, Got: fmt.Sprintf("issuer %q", iss)}
			}
			return md, nil
		}
		tried = append(tried, fmt.Sprintf("%s → HTTP %d", mu.String(), res.Status))
	}
	return nil, &kit.StepError{Step: "authorization server metadata", Msg: "no metadata found", Want: "RFC 8414 or OpenID Connect discovery metadata", Got: strings.Join(tried, "; ")}
}

func main() {}
