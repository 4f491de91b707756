package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// The variants of the token, PKCE, resource, revocation, refresh, client
// authentication, registration and introspection behaviour: each test shows
// what the variant changes (the contract hook checks every response).

// variantsOnly is a default config with the variants v.
func variantsOnly(v ...server.Variant) server.Config { return server.Config{Variants: v} }

// ccToken asks for a client_credentials token with client_secret_basic.
func (e *env) ccToken(c *client, form url.Values) *resp {
	e.t.Helper()
	f := url.Values{"grant_type": {"client_credentials"}}
	for k, v := range form {
		f[k] = v
	}
	return e.postForm("/token", f, c.ID, c.Secret)
}

func (e *env) metadata() map[string]any {
	e.t.Helper()
	r := e.get("/.well-known/oauth-authorization-server")
	require.Equal(e.t, http.StatusOK, r.status)
	return r.json(e.t)
}

func TestVariant_TokenJSONBody(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantTokenJSONBody))
	c := e.register(nil)
	r := e.sendJSON(http.MethodPost, "/token", map[string]string{"grant_type": "client_credentials", "client_id": c.ID, "client_secret": c.Secret}, "")
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, http.StatusOK, e.ccToken(c, nil).status, "the form still works")
}

func TestVariant_ExpiresInOmitted(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantExpiresInOmitted))
	m := e.ccToken(e.register(nil), nil).json(t)
	assert.NotContains(t, m, "expires_in")
	assert.NotEmpty(t, m["access_token"])
}

func TestVariant_ScopeNoMemberWhenEqual(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantScopeNoMemberWhenEqual))
	c := e.register(nil)
	assert.NotContains(t, e.ccToken(c, url.Values{"scope": {"read"}}).json(t), "scope", "granted as requested")
	assert.Equal(t, "read", e.ccToken(c, nil).json(t)["scope"], "the default scope differs from no scope")
	tok := e.tokens(c, url.Values{"scope": {"read write"}})
	r := e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, c.ID, c.Secret)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.NotContains(t, r.json(t), "scope", "a refresh without scope asks for the original scope")
}

func TestVariant_UnknownScopeDropped(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantUnknownScopeDropped))
	c := e.register(nil)
	assert.Equal(t, "write", e.ccToken(c, url.Values{"scope": {"write nonsense"}}).json(t)["scope"])
	assert.Equal(t, "read", e.ccToken(c, url.Values{"scope": {"nonsense"}}).json(t)["scope"], "nothing left: the default scope")
	p := newPKCE()
	loc := e.get(e.authorizeURL(c, p, url.Values{"scope": {"read nonsense"}})).location(t)
	assert.NotEmpty(t, loc.Query().Get("code"), "%s", loc)
}

func TestVariant_RefreshNarrowingIgnored(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantRefreshNarrowingIgnored))
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"scope": {"read write"}})
	r := e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "scope": {"read"}}, c.ID, c.Secret)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "read write", r.json(t)["scope"], "the scope member reports the scope granted")
	r = e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "scope": {"read write admin"}}, c.ID, c.Secret)
	assert.Equal(t, "invalid_scope", r.json(t)["error"], "widening is still refused")
}

func TestVariant_CodeLifetime10Minutes(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	cfg := variantsOnly(server.VariantCodeLifetime10Minutes)
	cfg.Now = clock
	e := newEnv(t, cfg)
	c := e.register(nil)
	p := newPKCE()
	code := e.code(c, p, nil)
	now = now.Add(9 * time.Minute)
	assert.Equal(t, http.StatusOK, e.exchange(c, code, p, nil).status, "a code lives 10 minutes")
	code = e.code(c, p, nil)
	now = now.Add(11 * time.Minute)
	assert.Equal(t, "invalid_grant", e.exchange(c, code, p, nil).json(t)["error"])
}

func TestVariant_BasicOnly(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantBasicOnly))
	md := e.metadata()
	assert.Equal(t, []any{"client_secret_basic", "none"}, md["token_endpoint_auth_methods_supported"])
	assert.Equal(t, []any{"client_secret_basic"}, md["introspection_endpoint_auth_methods_supported"])
	c := e.register(nil)
	assert.Equal(t, http.StatusOK, e.ccToken(c, nil).status)
	r := e.postForm("/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}})
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, "invalid_client", r.json(t)["error"])
	r = e.sendJSON(http.MethodPost, "/register", map[string]any{"redirect_uris": []string{testRedirect}, "token_endpoint_auth_method": "client_secret_post"}, "")
	assert.Equal(t, "invalid_client_metadata", r.json(t)["error"])
}

func TestVariant_InvalidClient400Post(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantInvalidClient400Post))
	c := e.register(nil)
	r := e.postForm("/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {"wrong"}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "invalid_client", r.json(t)["error"])
	assert.Empty(t, r.header.Get("WWW-Authenticate"))
	r = e.postForm("/token", url.Values{"grant_type": {"client_credentials"}}, c.ID, "wrong")
	assert.Equal(t, http.StatusUnauthorized, r.status, "HTTP Basic attempted: 401 (RFC 6749 §5.2 MUST)")
	assert.NotEmpty(t, r.header.Get("WWW-Authenticate"))
}

func TestVariant_ClientCredentialsRestricted(t *testing.T) {
	cfg := variantsOnly(server.VariantClientCredentialsRestricted)
	cfg.Clients = []server.StaticClient{{ID: "service", Secret: "service-secret-0123456789abcdef"}}
	cfg.Clients[0].Metadata.GrantTypes = []string{"client_credentials"}
	cfg.Clients[0].Metadata.TokenEndpointAuthMethod = "client_secret_basic"
	e := newEnv(t, cfg)
	c := e.register(nil)
	assert.Equal(t, []any{"authorization_code", "refresh_token"}, c.info["grant_types"], "client_credentials replaced")
	assert.Equal(t, "unauthorized_client", e.ccToken(c, nil).json(t)["error"])
	r := e.ccToken(&client{ID: "service", Secret: "service-secret-0123456789abcdef"}, nil)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestVariant_RefreshTokensNever(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantRefreshTokensNever))
	assert.Equal(t, []any{"authorization_code", "client_credentials"}, e.metadata()["grant_types_supported"])
	c := e.register(nil)
	assert.NotContains(t, e.tokens(c, nil), "refresh_token")
	r := e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}, c.ID, c.Secret)
	assert.Equal(t, "unsupported_grant_type", r.json(t)["error"])
}

func TestVariant_RefreshTokensAlways(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantRefreshTokensAlways))
	c := e.register(map[string]any{"grant_types": []string{"authorization_code"}})
	tok := e.tokens(c, nil)
	require.NotEmpty(t, tok["refresh_token"])
	r := e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestVariant_RefreshRotateAll(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantRefreshRotateAll))
	c := e.register(nil)
	rt := e.tokens(c, nil)["refresh_token"].(string)
	r := e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, c.ID, c.Secret)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	next, _ := r.json(t)["refresh_token"].(string)
	require.NotEmpty(t, next, "a confidential client's refresh token is rotated")
	r = e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, c.ID, c.Secret)
	assert.Equal(t, "invalid_grant", r.json(t)["error"], "the old one is spent")
	r = e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next}}, c.ID, c.Secret)
	assert.Equal(t, "invalid_grant", r.json(t)["error"], "its replay revoked the family")
}

func TestVariant_PKCEMissingVerifierInvalidRequest(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantPKCEMissingVerifierInvalidRequest))
	c := e.register(nil)
	p := newPKCE()
	code := e.code(c, p, nil)
	r := e.postForm("/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect}}, c.ID, c.Secret)
	assert.Equal(t, "invalid_request", r.json(t)["error"])
	assert.Equal(t, "invalid_grant", e.exchange(c, code, pkce{verifier: strings.Repeat("w", 43)}, nil).json(t)["error"], "a wrong verifier is still invalid_grant")
}

func TestPKCERequiredOfConfidentialClients(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)
	loc := e.get(e.authorizeURL(c, newPKCE(), url.Values{"code_challenge": {""}, "code_challenge_method": {""}})).location(t)
	assert.Equal(t, "invalid_request", loc.Query().Get("error"), "a confidential client without PKCE")
	assert.NotEmpty(t, e.tokens(c, nil)["access_token"])
}

func TestVariant_PKCEOptionalConfidential(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantPKCEOptionalConfidential))
	c := e.register(nil)
	p := newPKCE()
	code := e.code(c, p, url.Values{"code_challenge": {""}, "code_challenge_method": {""}})
	r := e.postForm("/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusOK, r.status, "a confidential client's code without PKCE: %s", r.body)
	pub := e.publicClient()
	loc := e.get(e.authorizeURL(pub, p, url.Values{"code_challenge": {""}, "code_challenge_method": {""}})).location(t)
	assert.Equal(t, "invalid_request", loc.Query().Get("error"), "a public client still needs PKCE")
}

func TestVariant_PKCEPlainSupported(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantPKCEPlainSupported))
	assert.Equal(t, []any{"S256", "plain"}, e.metadata()["code_challenge_methods_supported"])
	c := e.register(nil)
	v := strings.Repeat("p", 50)
	code := e.code(c, newPKCE(), url.Values{"code_challenge": {v}, "code_challenge_method": {"plain"}})
	assert.Equal(t, http.StatusOK, e.exchange(c, code, pkce{verifier: v}, nil).status)
	_, err := server.ParseFault("pkce-plain-accepted")
	assert.ErrorContains(t, err, "use --variant pkce-plain-supported", "the former fault's name")
}

func TestVariant_PKCESyntaxUnchecked(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantPKCESyntaxUnchecked))
	c := e.register(nil)
	short := pkce{verifier: "short verifier!"}
	short.challenge = s256(short.verifier)
	code := e.code(c, short, nil)
	assert.Equal(t, http.StatusOK, e.exchange(c, code, short, nil).status, "the match is all that counts")
	code = e.code(c, short, nil)
	assert.Equal(t, "invalid_grant", e.exchange(c, code, pkce{verifier: "another verifier"}, nil).json(t)["error"])
	loc := e.get(e.authorizeURL(c, newPKCE(), url.Values{"code_challenge": {"not-43-characters"}})).location(t)
	assert.NotEmpty(t, loc.Query().Get("code"), "%s", loc)
}

func TestVariant_ResourceDefaultAudience(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantResourceDefaultAudience))
	c := e.register(nil)
	tok := e.tokens(c, nil)
	assert.Equal(t, http.StatusOK, e.callResource(tok["access_token"].(string)).status, "no resource: the default audience")
	cc := e.ccToken(c, nil).json(t)
	assert.Equal(t, http.StatusOK, e.callResource(cc["access_token"].(string)).status)
	r := e.ccToken(c, url.Values{"resource": {"https://elsewhere.example/api"}})
	assert.Equal(t, "invalid_target", r.json(t)["error"], "a resource named is still checked")
}

func TestVariant_ResourceNotSupported(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantResourceNotSupported))
	c := e.register(nil)
	for _, res := range []string{"https://elsewhere.example/api", "/relative", e.srv.ResourceURL() + "#f"} {
		r := e.ccToken(c, url.Values{"resource": {res}})
		require.Equal(t, http.StatusOK, r.status, "%s: %s", res, r.body)
		assert.Equal(t, http.StatusOK, e.callResource(r.json(t)["access_token"].(string)).status, "tokens are not audience-restricted")
	}
	tok := e.tokens(c, url.Values{"resource": {"https://elsewhere.example/api"}})
	assert.Equal(t, http.StatusOK, e.callResource(tok["access_token"].(string)).status)
}

func TestVariant_ResourceAnyAbsoluteURI(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantResourceAnyAbsoluteURI))
	c := e.register(nil)
	r := e.ccToken(c, url.Values{"resource": {"https://elsewhere.example/api"}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, http.StatusUnauthorized, e.callResource(r.json(t)["access_token"].(string)).status, "a token for elsewhere is not for this resource")
	for _, bad := range []string{"/relative", "https://elsewhere.example/api#f"} {
		assert.Equal(t, "invalid_target", e.ccToken(c, url.Values{"resource": {bad}}).json(t)["error"], bad)
	}
	loc := e.get(e.authorizeURL(c, newPKCE(), url.Values{"resource": {"https://elsewhere.example/api"}})).location(t)
	assert.NotEmpty(t, loc.Query().Get("code"), "%s", loc)
	_, err := server.ParseVariant("resource-unknown-accepted-at-token")
	assert.NoError(t, err, "a former fault's name")
}

func TestVariant_RevocationRefreshOnly(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantRevocationRefreshOnly))
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	r := e.postForm("/revoke", url.Values{"token": {at}}, c.ID, c.Secret)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "unsupported_token_type", r.json(t)["error"])
	assert.Equal(t, http.StatusOK, e.callResource(at).status)
	assert.Equal(t, http.StatusOK, e.postForm("/revoke", url.Values{"token": {rt}}, c.ID, c.Secret).status)
	assert.Equal(t, http.StatusUnauthorized, e.callResource(at).status, "revoking the refresh token ends the grant")
}

func TestVariant_SelfContainedAccessTokens(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantSelfContainedAccessTokens))
	c := e.register(nil)
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	assert.Equal(t, http.StatusOK, e.postForm("/revoke", url.Values{"token": {at}}, c.ID, c.Secret).status)
	assert.Equal(t, http.StatusOK, e.callResource(at).status, "still valid")
	assert.Equal(t, true, e.postForm("/introspect", url.Values{"token": {at}}, c.ID, c.Secret).json(t)["active"], "and introspection says so")
	assert.Equal(t, http.StatusOK, e.postForm("/revoke", url.Values{"token": {rt}}, c.ID, c.Secret).status)
	assert.Equal(t, http.StatusOK, e.callResource(at).status, "the access token outlives its refresh token")
	r := e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, c.ID, c.Secret)
	assert.Equal(t, "invalid_grant", r.json(t)["error"], "the refresh token is revoked")
}

func TestVariant_IntrospectionBasicOnly(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantIntrospectionBasicOnly))
	assert.Equal(t, []any{"client_secret_basic"}, e.metadata()["introspection_endpoint_auth_methods_supported"])
	c := e.register(nil)
	at := e.ccToken(c, nil).json(t)["access_token"].(string)
	assert.Equal(t, true, e.postForm("/introspect", url.Values{"token": {at}}, c.ID, c.Secret).json(t)["active"])
	r := e.postForm("/introspect", url.Values{"token": {at}, "client_id": {c.ID}, "client_secret": {c.Secret}})
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, "invalid_client", r.json(t)["error"])
	assert.Equal(t, http.StatusOK, e.postForm("/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}}).status,
		"the token endpoint still takes client_secret_post")
}

func TestVariant_RegistrationInitialAccessToken(t *testing.T) {
	_, err := server.New(server.Config{Issuer: "http://127.0.0.1:1", Variants: []server.Variant{server.VariantRegistrationInitialAccessToken}})
	assert.ErrorContains(t, err, "initial access token")
	cfg := variantsOnly(server.VariantRegistrationInitialAccessToken)
	cfg.InitialAccessToken = "iat-0123456789"
	e := newEnv(t, cfg)
	md := map[string]any{"redirect_uris": []string{testRedirect}}
	assert.Equal(t, http.StatusUnauthorized, e.sendJSON(http.MethodPost, "/register", md, "").status)
	assert.Equal(t, http.StatusCreated, e.sendJSON(http.MethodPost, "/register", md, "iat-0123456789").status)
}

func TestVariant_RegistrationTokenRotated(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantRegistrationTokenRotated))
	c := e.register(nil)
	r := e.get(c.RegURI, "Authorization", "Bearer "+c.RegToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	next := r.json(t)["registration_access_token"].(string)
	assert.NotEqual(t, c.RegToken, next, "a read answers with a new token")
	assert.Equal(t, http.StatusUnauthorized, e.get(c.RegURI, "Authorization", "Bearer "+c.RegToken).status, "the old one is retired")
	upd := map[string]any{"client_id": c.ID, "redirect_uris": []string{testRedirect}, "grant_types": []string{"authorization_code"}}
	r = e.sendJSON(http.MethodPut, c.RegURI, upd, next)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	third := r.json(t)["registration_access_token"].(string)
	assert.NotEqual(t, next, third, "an update answers with a new token")
	assert.Equal(t, http.StatusOK, e.get(c.RegURI, "Authorization", "Bearer "+third).status)
}

func TestVariant_SecretsExpire(t *testing.T) {
	now := time.Now()
	cfg := variantsOnly(server.VariantSecretsExpire)
	cfg.Now = func() time.Time { return now }
	e := newEnv(t, cfg)
	c := e.register(nil)
	exp, _ := c.info["client_secret_expires_at"].(float64)
	assert.Equal(t, now.Add(24*time.Hour).Unix(), int64(exp))
	assert.Equal(t, http.StatusOK, e.ccToken(c, nil).status)
	now = now.Add(25 * time.Hour)
	assert.Equal(t, "invalid_client", e.ccToken(c, nil).json(t)["error"], "an expired secret")
}

// s256 is the S256 code challenge of verifier (RFC 7636 §4.2).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestVariant_RefreshRetryGrace(t *testing.T) {
	e := newEnv(t, variantsOnly(server.VariantRefreshRetryGrace))
	c := e.publicClient()
	refresh := func(rt string) *resp {
		f := refreshForm(rt)
		f.Set("client_id", c.ID)
		return e.postForm("/token", f)
	}
	rt1 := e.tokens(c, nil)["refresh_token"].(string)
	r := refresh(rt1)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	rt2 := r.json(t)["refresh_token"].(string)
	require.NotEqual(t, rt1, rt2, "rotated")

	r = refresh(rt1)
	require.Equal(t, http.StatusOK, r.status, "a retry before the replacement is used: %s", r.body)
	r = refresh(rt2)
	require.Equal(t, http.StatusOK, r.status, "the replacement: %s", r.body)
	rt3 := r.json(t)["refresh_token"].(string)

	assert.Equal(t, "invalid_grant", refresh(rt1).json(t)["error"], "a replay once the replacement was used")
	assert.Equal(t, "invalid_grant", refresh(rt3).json(t)["error"], "the replay revoked the family")
}
