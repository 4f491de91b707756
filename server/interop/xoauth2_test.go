package interop_test

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
)

// callbackURI is where the authorization server sends the browser back to.
// With auto consent the tests read the redirect instead of following it, so
// nothing needs to listen there.
const callbackURI = "http://127.0.0.1/callback"

// TestXOAuth2AuthorizationCode runs the whole authorization code flow with
// golang.org/x/oauth2 for each way a client authenticates at the token
// endpoint: discovery → registration → authorization request with PKCE
// (S256) and a resource indicator → token → protected resource → refresh →
// revocation.
//
// The AuthStyle is always pinned. AuthStyleAutoDetect would retry a failed
// request with the other style and so hide a server that gets one of them
// wrong.
func TestXOAuth2AuthorizationCode(t *testing.T) {
	srv := startServer(t, server.Config{Consent: server.ConsentAuto})
	md := discover(t, srv.Issuer())

	for _, tc := range []struct {
		name       string
		authMethod string // registered token_endpoint_auth_method
		style      oauth2.AuthStyle
	}{
		{"client_secret_basic", "client_secret_basic", oauth2.AuthStyleInHeader},
		{"client_secret_post", "client_secret_post", oauth2.AuthStyleInParams},
		// A public client sends only client_id in the body; x/oauth2 leaves
		// client_secret out when it is empty.
		{"public client", "none", oauth2.AuthStyleInParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := clientContext(t)
			public := tc.authMethod == "none"

			// RFC 7591 dynamic registration at the advertised endpoint.
			reg := register(t, md, map[string]any{
				"client_name":                "x/oauth2 " + tc.name,
				"redirect_uris":              []string{callbackURI},
				"token_endpoint_auth_method": tc.authMethod,
				"grant_types":                []string{"authorization_code", "refresh_token"},
				"response_types":             []string{"code"},
			})
			cfg := &oauth2.Config{
				ClientID:     reg.ClientID,
				ClientSecret: reg.ClientSecret, // "" for the public client
				RedirectURL:  callbackURI,
				Scopes:       []string{"read"},
				Endpoint: oauth2.Endpoint{
					AuthURL:   md.AuthorizationEndpoint,
					TokenURL:  md.TokenEndpoint,
					AuthStyle: tc.style,
				},
			}
			// RFC 8707: name the resource the token is for, in both the
			// authorization and the token request.
			resource := oauth2.SetAuthURLParam("resource", srv.ResourceURL())

			// Authorization request with PKCE (RFC 7636, S256) and state.
			verifier := oauth2.GenerateVerifier()
			state := rand.Text()
			authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), resource)
			code := authorizeAuto(t, authURL, callbackURI, state, md.Issuer)

			// Token request.
			tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier), resource)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if tok.Type() != "Bearer" || tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
				t.Fatalf("token response: type %q, access token %t, refresh token %t, expiry %v",
					tok.Type(), tok.AccessToken != "", tok.RefreshToken != "", tok.Expiry)
			}
			if scope, _ := tok.Extra("scope").(string); scope != "read" {
				t.Errorf("granted scope %q, want read", scope)
			}

			// The protected resource accepts the token and knows the client.
			res, err := oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)).Get(srv.ResourceURL())
			if err != nil {
				t.Fatal(err)
			}
			var who struct {
				ClientID string `json:"client_id"`
			}
			if body := readBody(t, res); res.StatusCode != http.StatusOK || json.Unmarshal(body, &who) != nil || who.ClientID != reg.ClientID {
				t.Fatalf("resource: %d %s, want 200 for client %s", res.StatusCode, body, reg.ClientID)
			}

			// Refresh: a TokenSource refreshes a token once it has expired.
			expired := *tok
			expired.Expiry = time.Now().Add(-time.Minute)
			fresh, err := cfg.TokenSource(ctx, &expired).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if fresh.AccessToken == tok.AccessToken {
				t.Fatal("refresh returned the same access token")
			}
			// Public clients get a new refresh token on every refresh (RFC
			// 9700 §4.14.2); confidential ones keep theirs, and x/oauth2
			// carries the old one over when the response has none.
			if rotated := fresh.RefreshToken != tok.RefreshToken; rotated != public {
				t.Errorf("refresh token rotated = %t, want %t", rotated, public)
			}
			if status, _ := resourceStatus(t, srv.ResourceURL(), fresh); status != http.StatusOK {
				t.Fatalf("resource with the refreshed token: %d, want 200", status)
			}

			// RFC 7009: revoking the access token ends it at the resource.
			revoke(t, md.RevocationEndpoint, cfg, fresh.AccessToken, "access_token")
			status, challenge := resourceStatus(t, srv.ResourceURL(), fresh)
			if status != http.StatusUnauthorized || !strings.Contains(challenge, `error="invalid_token"`) {
				t.Fatalf("resource after revocation: %d %q, want 401 with error=\"invalid_token\"", status, challenge)
			}
			// Revoking the refresh token ends the grant: the refresh token
			// is refused, and so is the first access token.
			revoke(t, md.RevocationEndpoint, cfg, fresh.RefreshToken, "refresh_token")
			expired = *fresh
			expired.Expiry = time.Now().Add(-time.Minute)
			if _, err := cfg.TokenSource(ctx, &expired).Token(); oauthError(err) != "invalid_grant" {
				t.Fatalf("refresh after revocation: %v, want invalid_grant", err)
			}
			if status, _ := resourceStatus(t, srv.ResourceURL(), tok); status != http.StatusUnauthorized {
				t.Fatalf("first access token after its grant was revoked: %d, want 401", status)
			}
		})
	}
}

// TestXOAuth2ClientCredentials gets tokens with x/oauth2/clientcredentials
// for a client whose secret has characters that must be form-url-encoded
// before HTTP Basic (RFC 6749 §2.3.1); x/oauth2 encodes them, and the server
// must decode them.
func TestXOAuth2ClientCredentials(t *testing.T) {
	const (
		clientID = "service-account"
		secret   = "p+ss/w:rd% x"
	)
	srv := startServer(t, server.Config{
		Consent: server.ConsentAuto,
		Clients: []server.StaticClient{{ID: clientID, Secret: secret,
			Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}}}},
	})
	md := discover(t, srv.Issuer())

	for _, tc := range []struct {
		name   string
		style  oauth2.AuthStyle
		secret string
		want   string // "" for success, else the OAuth error code
	}{
		{"client_secret_basic", oauth2.AuthStyleInHeader, secret, ""},
		{"client_secret_post", oauth2.AuthStyleInParams, secret, ""},
		// A secret that differs only where '+' and ' ' could be confused is
		// refused: the server compares the decoded secret exactly.
		{"client_secret_basic wrong secret", oauth2.AuthStyleInHeader, "p ss/w:rd% x", "invalid_client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := clientContext(t)
			cc := clientcredentials.Config{
				ClientID:       clientID,
				ClientSecret:   tc.secret,
				TokenURL:       md.TokenEndpoint,
				Scopes:         []string{"read"},
				AuthStyle:      tc.style,
				EndpointParams: map[string][]string{"resource": {srv.ResourceURL()}},
			}
			tok, err := cc.Token(ctx)
			if tc.want != "" {
				if oauthError(err) != tc.want {
					t.Fatalf("Token: %v, want %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if tok.Type() != "Bearer" || tok.RefreshToken != "" {
				t.Errorf("token type %q, refresh token %t; want Bearer and none (RFC 6749 §4.4.3)", tok.Type(), tok.RefreshToken != "")
			}
			if status, _ := resourceStatus(t, srv.ResourceURL(), tok); status != http.StatusOK {
				t.Fatalf("resource: %d, want 200", status)
			}
		})
	}
}
