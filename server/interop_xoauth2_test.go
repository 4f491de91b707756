package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
)

// TestInterop_XOAuth2 drives the full flow a Go client would, with
// golang.org/x/oauth2 and each client authentication style pinned (never
// auto-detected): discovery → registration → authorization code with PKCE
// and resource → token → protected resource → refresh → revocation.
func TestInterop_XOAuth2(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		style  oauth2.AuthStyle
	}{
		{"client_secret_basic", "client_secret_basic", oauth2.AuthStyleInHeader},
		{"client_secret_post", "client_secret_post", oauth2.AuthStyleInParams},
		{"public client", "none", oauth2.AuthStyleInParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, server.Config{})
			ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: 5 * time.Second})

			var md map[string]any
			r := e.get("/.well-known/oauth-authorization-server")
			require.NoError(t, json.Unmarshal(r.body, &md))
			c := e.register(map[string]any{"token_endpoint_auth_method": tc.method,
				"grant_types": []string{"authorization_code", "refresh_token"}})
			cfg := &oauth2.Config{ClientID: c.ID, ClientSecret: c.Secret, RedirectURL: c.Redirect,
				Scopes: []string{"read"},
				Endpoint: oauth2.Endpoint{AuthURL: md["authorization_endpoint"].(string),
					TokenURL: md["token_endpoint"].(string), AuthStyle: tc.style}}
			resource := oauth2.SetAuthURLParam("resource", e.srv.ResourceURL())

			verifier := oauth2.GenerateVerifier()
			authURL := cfg.AuthCodeURL("state-42", oauth2.S256ChallengeOption(verifier), resource)
			r = e.get(authURL)
			require.Equal(t, http.StatusFound, r.status, "%s", r.body)
			q := r.location(t).Query()
			require.Equal(t, "state-42", q.Get("state"))
			require.Equal(t, e.issuer, q.Get("iss"))

			tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier), resource)
			require.NoError(t, err)
			assert.Equal(t, "Bearer", tok.TokenType)
			require.NotEmpty(t, tok.RefreshToken)
			assert.Equal(t, http.StatusOK, e.callResource(tok.AccessToken).status)

			expired := *tok
			expired.Expiry = time.Now().Add(-time.Hour)
			fresh, err := cfg.TokenSource(ctx, &expired).Token()
			require.NoError(t, err)
			assert.NotEqual(t, tok.AccessToken, fresh.AccessToken)
			if tc.method == "none" {
				assert.NotEqual(t, tok.RefreshToken, fresh.RefreshToken, "public clients' refresh tokens rotate")
			}
			assert.Equal(t, http.StatusOK, e.callResource(fresh.AccessToken).status)

			form := url.Values{"token": {fresh.AccessToken}}
			var basic []string
			switch tc.method {
			case "client_secret_basic":
				basic = []string{c.ID, c.Secret}
			case "client_secret_post":
				form.Set("client_id", c.ID)
				form.Set("client_secret", c.Secret)
			default:
				form.Set("client_id", c.ID)
			}
			r = e.postForm(md["revocation_endpoint"].(string), form, basic...)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			assert.Equal(t, http.StatusUnauthorized, e.callResource(fresh.AccessToken).status)
		})
	}
}

// TestInterop_ClientCredentials uses x/oauth2/clientcredentials with a
// secret that needs form-url-encoding in HTTP Basic (RFC 6749 §2.3.1).
func TestInterop_ClientCredentials(t *testing.T) {
	secret := "p+ss/w:rd% x"
	e := newEnv(t, server.Config{Clients: []server.StaticClient{{ID: "svc", Secret: secret,
		Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}}}}})
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := clientcredentials.Config{ClientID: "svc", ClientSecret: secret, TokenURL: e.issuer + "/token",
			Scopes: []string{"read"}, AuthStyle: style,
			EndpointParams: url.Values{"resource": {e.srv.ResourceURL()}}}
		tok, err := cc.Token(context.Background())
		require.NoError(t, err, "style %v", style)
		assert.Equal(t, http.StatusOK, e.callResource(tok.AccessToken).status)
		assert.True(t, strings.EqualFold(tok.TokenType, "bearer"))
	}
}
