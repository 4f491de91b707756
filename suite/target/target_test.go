package target_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/internal/testutil"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseConfig_EnvSecrets(t *testing.T) {
	data := []byte(`
issuer: https://auth.example.com
resource: https://api.example.com/mcp
clients:
  confidential: { client_id: abc, client_secret: "${env:SECRET}" }
browser:
  login: [ { fill: "#user", value: "alice" }, { click: "#go" } ]
`)
	cfg, secrets, err := target.ParseConfig("t.yaml", data, env(map[string]string{"SECRET": "s3cr3t"}))
	require.NoError(t, err)
	assert.Equal(t, "s3cr3t", cfg.Clients.Confidential.ClientSecret)
	assert.Equal(t, "client_secret_basic", cfg.Clients.Confidential.AuthMethod)
	assert.Equal(t, []string{"s3cr3t"}, secrets)
	assert.Len(t, cfg.Browser.Login, 2)
}

// TestParseConfig_EnvAddressesAreNotSecrets: a URL a CI job learns only
// when it starts its server comes from the environment too; it says where
// requests go, so it is not redacted (a redacted resource could never be
// called), while a secret beside it still is.
func TestParseConfig_EnvAddressesAreNotSecrets(t *testing.T) {
	data := []byte(`
issuer: "${env:ISSUER}"
resource: "${env:MCP}/mcp"
allowed_origins: ["${env:OTHER}"]
clients:
  confidential: { client_id: abc, client_secret: "${env:SECRET}", redirect_uri: "${env:CB}" }
browser:
  login: [ { url: "${env:ISSUER}/login*", fill: "#password", value: "${env:PASSWORD}" } ]
`)
	cfg, secrets, err := target.ParseConfig("t.yaml", data, env(map[string]string{
		"ISSUER": "http://localhost:3001", "MCP": "http://localhost:3000", "OTHER": "http://127.0.0.1:9000",
		"SECRET": "s3cr3t", "CB": "http://127.0.0.1:8976/cb", "PASSWORD": "pw-0123",
	}))
	require.NoError(t, err)
	assert.Equal(t, "http://localhost:3000/mcp", cfg.Resource)
	assert.Equal(t, "http://localhost:3001/login*", cfg.Browser.Login[0].URL)
	assert.ElementsMatch(t, []string{"s3cr3t", "pw-0123"}, secrets)
}

// TestParseConfig_ClientRequiresPAR: a configured client registered to
// push its authorization requests says so.
func TestParseConfig_ClientRequiresPAR(t *testing.T) {
	data := []byte("clients:\n  public: { client_id: abc, require_pushed_authorization_requests: true }\n")
	cfg, _, err := target.ParseConfig("t.yaml", data, env(nil))
	require.NoError(t, err)
	assert.True(t, cfg.Clients.Public.RequirePAR)
}

func TestParseConfig_Errors(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"unset env":       {`clients: { confidential: { client_id: a, client_secret: "${env:NOPE}" } }`, "${env:NOPE}"},
		"typo":            {`isuer: https://x`, `unknown key "isuer"`},
		"bad issuer":      {`issuer: ftp://x`, "https://"},
		"issuer query":    {`issuer: https://x/?a=b`, "query"},
		"no secret":       {`clients: { confidential: { client_id: a } }`, "client_secret is required"},
		"bad method":      {`clients: { confidential: { client_id: a, client_secret: b, auth_method: jwt } }`, "auth_method"},
		"bad yaml":        {"issuer: [", "invalid YAML"},
		"two actions":     {`browser: { login: [ { fill: "#a", value: x, click: "#b" } ] }`, "exactly one action"},
		"resource frag":   {`resource: https://x/api#f`, "fragment"},
		"public w/secret": {`clients: { public: { client_id: a, client_secret: b } }`, "public client"},
		"origin w/ path":  {`allowed_origins: [https://api.example.com/mcp]`, "allowed_origins[0]: \"https://api.example.com/mcp\" is not an origin"},
		"origin scheme":   {`allowed_origins: [api.example.com]`, "allowed_origins[0]"},
		"origins typo":    {`allowed_origin: [https://api.example.com]`, "did you mean allowed_origins?"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := target.ParseConfig("t.yaml", []byte(tc.yaml), env(nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "t.yaml")
		})
	}
}

func TestWellKnownURL_PathInsertion(t *testing.T) {
	u, err := target.WellKnownURL("https://as.example/tenant/1", "oauth-authorization-server")
	require.NoError(t, err)
	assert.Equal(t, "https://as.example/.well-known/oauth-authorization-server/tenant/1", u)
	u, _ = target.WellKnownURL("https://as.example/", "oauth-authorization-server")
	assert.Equal(t, "https://as.example/.well-known/oauth-authorization-server", u)
	u, _ = target.WellKnownURL("https://rs.example/api/?tenant=a", "oauth-protected-resource")
	assert.Equal(t, "https://rs.example/.well-known/oauth-protected-resource/api?tenant=a", u)
}

func discover(t *testing.T, h http.HandlerFunc, issuerPath string) (*target.Target, error) {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	return target.Discover(context.Background(), hc, ts.URL+issuerPath, &target.Config{})
}

func TestDiscover_Preflight(t *testing.T) {
	_, err := discover(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "")
	var pe *target.PreflightError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Msg, "no metadata")

	_, err = discover(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }, "")
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Msg, "not a JSON object")

	_, err = discover(t, func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": "x", "token_endpoint": "/token"})
	}, "")
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Msg, "not an absolute")

	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	_, err = target.Discover(context.Background(), hc, "http://127.0.0.1:1", nil)
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Msg, "unreachable")
}

func TestDiscover_OpenIDFallbackAndFeatures(t *testing.T) {
	var base string
	h := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/tenant/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": base + "/tenant", "authorization_endpoint": base + "/a", "token_endpoint": base + "/t",
			"grant_types_supported": []string{"authorization_code", "refresh_token"}, "code_challenge_methods_supported": []string{"S256"},
		})
	}
	ts := httptest.NewServer(http.HandlerFunc(h))
	defer ts.Close()
	base = ts.URL
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	tgt, err := target.Discover(context.Background(), hc, ts.URL+"/tenant", nil)
	require.NoError(t, err)
	assert.Equal(t, "openid-configuration", tgt.MetadataSource)
	ok, _ := tgt.Has(vocab.FeaturePKCE)
	assert.True(t, ok)
	ok, why := tgt.Has(vocab.FeatureDCR)
	assert.False(t, ok)
	assert.Contains(t, why, "registration_endpoint")
	ok, _ = tgt.Has(vocab.FeatureSecretBasic)
	assert.True(t, ok, "client_secret_basic is the RFC 8414 default")
	assert.GreaterOrEqual(t, len(tgt.Discovery), 3, "every discovery request is recorded")
}

func TestParseConfig_AllowedOrigins(t *testing.T) {
	cfg, _, err := target.ParseConfig("t.yaml", []byte("allowed_origins: [https://api.example.com, \"http://127.0.0.1:8080\"]\n"), env(nil))
	require.NoError(t, err)
	assert.Equal(t, []string{"https://api.example.com", "http://127.0.0.1:8080"}, cfg.AllowedOrigins)
}

// TestDiscover_EndpointsOnOtherOrigins: a metadata document naming
// endpoints on another origin stops the run before anything is sent there,
// naming each endpoint and the config key that allows it.
func TestDiscover_EndpointsOnOtherOrigins(t *testing.T) {
	var hits int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer other.Close()
	var base string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": base, "authorization_endpoint": base + "/authorize",
			"token_endpoint": other.URL + "/token", "registration_endpoint": other.URL + "/register",
			"revocation_endpoint": base + "/revoke", "introspection_endpoint": other.URL + "/introspect",
			"jwks_uri": other.URL + "/jwks"})
	}))
	defer ts.Close()
	base = ts.URL
	discover := func(allowed ...string) error {
		tr := httpx.NewTransport(time.Minute, 0)
		p, err := httpx.NewPolicy(base, allowed, nil)
		require.NoError(t, err)
		tr.SetPolicy(p)
		_, err = target.Discover(context.Background(), tr.NewClient(), base, &target.Config{AllowedOrigins: allowed})
		return err
	}
	err := discover()
	require.Error(t, err)
	var pe *target.PreflightError
	require.ErrorAs(t, err, &pe)
	for _, want := range []string{"token_endpoint " + other.URL + "/token", "registration_endpoint " + other.URL + "/register",
		"introspection_endpoint " + other.URL + "/introspect", "allowed_origins: [" + other.URL + "]"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "revocation_endpoint", "on the issuer's origin")
	assert.NotContains(t, err.Error(), "jwks_uri", "nothing secret goes there")
	require.NoError(t, discover(other.URL), "allowed_origins lists it")
	assert.Zero(t, hits)
}

// TestConfigFeatures_Override: the config sets features the metadata
// under-advertises (refresh tokens issued although grant_types_supported
// omits refresh_token, Basic although only none is listed, PKCE known by
// deployment-specific means) and turns off ones it over-advertises; the
// preflight lists what the config set.
func TestConfigFeatures_Override(t *testing.T) {
	cfg, _, err := target.ParseConfig("t.yaml", []byte(`
features: { refresh_token: true, pkce: true, client_secret_basic: true, iss_parameter: false }
clients:
  client_credentials: { client_id: svc, client_secret: "${env:S}" }
`), env(map[string]string{"S": "x"}))
	require.NoError(t, err)
	var base string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": base, "authorization_endpoint": base + "/a", "token_endpoint": base + "/t",
			"grant_types_supported": []string{"authorization_code"}, "token_endpoint_auth_methods_supported": []string{"none"},
			"authorization_response_iss_parameter_supported": true})
	}))
	defer ts.Close()
	base = ts.URL
	tgt, err := target.Discover(context.Background(), httpx.NewTransport(time.Minute, 0).NewClient(), base, cfg)
	require.NoError(t, err)
	for _, f := range []vocab.Feature{vocab.FeatureRefresh, vocab.FeaturePKCE, vocab.FeatureSecretBasic, vocab.FeatureClientCredentials} {
		ok, why := tgt.Has(f)
		assert.True(t, ok, "%s: %s", f, why)
	}
	ok, why := tgt.Has(vocab.FeatureIssParameter)
	assert.False(t, ok)
	assert.Contains(t, why, "features.iss_parameter: false")
	ok, _ = tgt.Has(vocab.FeatureSecretPost)
	assert.False(t, ok, "not set: the metadata decides")
	assert.Equal(t, []string{"client_credentials=true", "client_secret_basic=true", "iss_parameter=false", "pkce=true", "refresh_token=true"}, tgt.Overrides())
}

func TestConfigFeatures_Errors(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"unknown feature": {`features: { refresh_tokens: true }`, "features.refresh_tokens: not a feature the config can set"},
		"endpoint":        {`features: { revocation: true }`, "features.revocation"},
		"public cc":       {`clients: { client_credentials: { client_id: a, client_secret: b, auth_method: none } }`, "clients.client_credentials"},
		"cc no secret":    {`clients: { client_credentials: { client_id: a } }`, "clients.client_credentials.client_secret is required"},
		"not a map":       {`features: [pkce]`, "a value of the wrong type"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := target.ParseConfig("t.yaml", []byte(tc.yaml), env(nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestDiscover_MCPServerFeature: the config decides whether the resource is
// an MCP server; without the key the feature stays undecided (the MCP
// checks probe the resource), and without a resource it is absent.
func TestDiscover_MCPServerFeature(t *testing.T) {
	var base string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/oauth-authorization-server" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": base, "token_endpoint": base + "/t"})
	}))
	defer ts.Close()
	base = ts.URL
	yes, no := true, false
	for name, tc := range map[string]struct {
		cfg         target.Config
		ok, decided bool
		whyContains string
	}{
		"no resource":  {cfg: target.Config{MCPServer: &yes}, decided: true, whyContains: "no resource"},
		"declared":     {cfg: target.Config{Resource: base + "/mcp", MCPServer: &yes}, ok: true, decided: true},
		"declared not": {cfg: target.Config{Resource: base + "/mcp", MCPServer: &no}, decided: true, whyContains: "mcp_server: false"},
		"undecided":    {cfg: target.Config{Resource: base + "/mcp"}},
	} {
		t.Run(name, func(t *testing.T) {
			hc := httpx.NewTransport(time.Minute, 0).NewClient()
			cfg := tc.cfg
			tgt, err := target.Discover(context.Background(), hc, base, &cfg)
			require.NoError(t, err)
			ok, why, decided := tgt.Decided(vocab.FeatureMCPServer)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.decided, decided)
			assert.Contains(t, why, tc.whyContains)
			if !decided {
				has, _ := tgt.Has(vocab.FeatureMCPServer)
				assert.True(t, has, "an undecided feature does not stop the checks that find it out")
			}
		})
	}
}

func TestParseConfig_ResourceKeys(t *testing.T) {
	cfg, _, err := target.ParseConfig("t.yaml", []byte(`
resource: https://api.example.com/mcp
other_resource: https://other.example.com/api
mcp_server: false
mcp_proxy: true
synchronous_revocation: true
`), env(nil))
	require.NoError(t, err)
	require.NotNil(t, cfg.MCPServer)
	assert.False(t, *cfg.MCPServer)
	assert.True(t, cfg.MCPProxy)
	assert.True(t, cfg.SynchronousRevocation)
	assert.Equal(t, "https://other.example.com/api", cfg.OtherResource)
	for in, want := range map[string]string{
		"other_resource: https://x/api#f":                        "other_resource",
		"resource: https://x/api\nother_resource: https://x/api": "must differ",
		"other_resource: /api":                                   "absolute URI",
	} {
		_, _, err := target.ParseConfig("t.yaml", []byte(in), env(nil))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

// TestLoadConfig_CAFile: tls.ca_file is relative to the config file, its
// certificates join the system's roots and give Chromium their key hashes,
// and a file without a certificate stops the run at the config.
func TestLoadConfig_CAFile(t *testing.T) {
	dir := t.TempDir()
	certPEM, _ := testutil.LoopbackCert(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), certPEM, 0o600))
	path := filepath.Join(dir, "target.yaml")
	require.NoError(t, os.WriteFile(path, []byte("issuer: https://127.0.0.1:8443\ntls:\n  ca_file: ca.pem\n"), 0o600))
	cfg, _, err := target.LoadConfig(path, os.LookupEnv)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "ca.pem"), cfg.TLS.CAFile)
	pool, err := cfg.RootCAs()
	require.NoError(t, err)
	require.NotNil(t, pool)
	hashes, err := cfg.CAKeyHashes()
	require.NoError(t, err)
	require.Len(t, hashes, 1)
	assert.Len(t, hashes[0], 44, "base64 of a SHA-256")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), []byte("not a certificate\n"), 0o600))
	_, _, err = target.LoadConfig(path, os.LookupEnv)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tls.ca_file")
	assert.Contains(t, err.Error(), "no PEM certificate")

	var none target.Config
	pool, err = none.RootCAs()
	assert.NoError(t, err)
	assert.Nil(t, pool, "no ca_file: the system's roots")
}

// TestLoadConfig_JWTClient: clients.jwt takes a PEM private key relative
// to the config file, read at load; its auth_method is private_key_jwt.
func TestLoadConfig_JWTClient(t *testing.T) {
	dir := t.TempDir()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "client.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	path := filepath.Join(dir, "target.yaml")
	write := func(body string) {
		require.NoError(t, os.WriteFile(path, []byte("issuer: https://127.0.0.1:8443\nclients:\n  jwt:\n"+body), 0o600))
	}
	write("    client_id: c1\n    private_key_file: client.pem\n    key_id: k1\n")
	cfg, _, err := target.LoadConfig(path, os.LookupEnv)
	require.NoError(t, err)
	cc := cfg.Clients.JWT
	assert.Equal(t, filepath.Join(dir, "client.pem"), cc.PrivateKeyFile)
	assert.Equal(t, "private_key_jwt", cc.AuthMethod)
	signer, err := cc.SigningKey()
	require.NoError(t, err)
	assert.Equal(t, &k.PublicKey, signer.Public())

	for body, want := range map[string]string{
		"    client_id: c1\n": "private_key_file is required",
		"    client_id: c1\n    private_key_file: missing.pem\n":                      "clients.jwt.private_key_file",
		"    client_id: c1\n    private_key_file: client.pem\n    client_secret: s\n": "takes no client_secret",
	} {
		write(body)
		_, _, err := target.LoadConfig(path, os.LookupEnv)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
	}
}
