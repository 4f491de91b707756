// Package target describes the authorization server under test: the user's
// config file, what discovery learns from its metadata, and the features
// that decide which checks apply.
package target

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Config is the target config file (YAML). Every string may reference an
// environment variable as ${env:NAME}; secrets belong there, never in the file.
type Config struct {
	Issuer   string   `yaml:"issuer"`
	Resource string   `yaml:"resource"`
	Scopes   []string `yaml:"scopes"`
	Clients  struct {
		Confidential *ClientConfig `yaml:"confidential"`
		Public       *ClientConfig `yaml:"public"`
		// ClientCredentials is a confidential client allowed the
		// client_credentials grant, for a target that does not allow it
		// to the confidential client (default: the confidential client).
		ClientCredentials *ClientConfig `yaml:"client_credentials"`
		// JWT is a confidential client registered with private_key_jwt
		// (RFC 7523 §2.2) and the public half of PrivateKeyFile, for the
		// checks of JWT client authentication on a target without open
		// registration.
		JWT *ClientConfig `yaml:"jwt"`
	} `yaml:"clients"`
	// Features overrides what the metadata says the target offers, for a
	// server that supports more (or less) than it advertises: keys are the
	// names of OverridableFeatures, values true or false.
	Features     map[string]bool `yaml:"features"`
	Registration struct {
		InitialAccessToken string `yaml:"initial_access_token"`
		// Disabled stops the suite from registering clients even when the
		// target advertises a registration endpoint.
		Disabled bool `yaml:"disabled"`
	} `yaml:"registration"`
	Browser  BrowserConfig   `yaml:"browser"`
	Profiles []vocab.Profile `yaml:"profiles"`
	// Claims are the profiles the target claims to follow (authspec run
	// --claim adds to them): the checks of a rule that such a profile adds
	// to what the base specifications leave open (OAuth 2.1 refuses PKCE
	// plain, which RFC 7636 permits) judge the target only then, and are
	// SKIP otherwise.
	Claims []vocab.Profile `yaml:"claims"`
	// Plugins are WebAssembly client plugins to run (docs/plugins.md): a
	// path, or {path, config, timeout, memory_mib}. Relative paths are
	// relative to the config file.
	Plugins []PluginConfig `yaml:"plugins"`
	// RedirectURI is used for clients the suite registers; default
	// http://127.0.0.1:<free port>/callback.
	RedirectURI string `yaml:"redirect_uri"`
	// ScopedResource is a URL of the protected resource that needs a scope
	// the suite's tokens (scopes:) lack; the RFC 6750 insufficient_scope
	// checks are SKIP without it.
	ScopedResource string `yaml:"scoped_resource"`
	// MCPServer says whether the resource is an MCP server (MCP's
	// Streamable HTTP transport). Unset: an MCP profile in profiles: says
	// so, else the suite finds out by sending it an MCP initialize request
	// with a token. The MCP checks of the resource run only on MCP servers.
	MCPServer *bool `yaml:"mcp_server"`
	// OtherResource is a second resource indicator the authorization
	// server issues tokens for, whose tokens resource: must not accept:
	// the audience checks (RFC 8707 §2, MCP token handling) present such a
	// token to resource:. Nothing needs to be served there.
	OtherResource string `yaml:"other_resource"`
	// SynchronousRevocation says that the resource refuses a revoked
	// access token at once. RFC 7009 §2.1 allows a propagation delay, so
	// without it a revoked token still accepted is SKIP, not a failure.
	SynchronousRevocation bool `yaml:"synchronous_revocation"`
	// MCPProxy says that the target is an MCP proxy server that uses a
	// static client ID at a third-party authorization server: the MCP
	// confused-deputy rule (consent for each dynamically registered client)
	// applies to it only then.
	MCPProxy bool `yaml:"mcp_proxy"`
	// AllowedOrigins are origins (scheme://host[:port]) besides the
	// issuer's to which the suite may send what it is trusted with: client
	// secrets, tokens, codes, passwords (docs/security.md).
	AllowedOrigins []string `yaml:"allowed_origins"`
	// OneGrantPerClient says that the server keeps one grant per user and
	// client: a new authorization revokes the client's earlier grant from
	// the same user, its unredeemed code and its tokens (Cloudflare's
	// workers-oauth-provider does so by default). Checks then run with
	// clients of their own, or alone where the target registers none, so
	// that one check's authorization does not revoke what another holds.
	OneGrantPerClient bool `yaml:"one_grant_per_client"`
	// OAuth21Clients says that the server treats the run's clients (the
	// configured ones and those the suite registers) as OAuth 2.1 clients:
	// OAuth 2.1 §10.2 lets a server that serves OAuth 2.0 clients too choose
	// by client_id whether a token request must repeat the authorization
	// request's redirect_uri (RFC 6749 §4.1.3) or may leave it out (OAuth
	// 2.1, whose clients do not send it).
	OAuth21Clients bool `yaml:"oauth21_clients"`
	// CodeLifetime is the authorization code lifetime the server
	// documents: rfc6749-4.1.2-code-expires redeems a code after it
	// (unset: after the 10 minutes RFC 6749 §4.1.2 recommends at most).
	CodeLifetime time.Duration `yaml:"code_lifetime"`
	// RefreshReuseInterval is the time during which the server still
	// accepts a public client's rotated refresh token (a reuse interval or
	// grace period, which some servers let an operator set):
	// rfc9700-4.14.2-public-refresh-rotation reuses a rotated token only
	// after it (unset: at once).
	RefreshReuseInterval time.Duration `yaml:"refresh_reuse_interval"`
	// ClockSkew is the leeway the resource allows past an access token's
	// expiry (RFC 7519 §4.1.4 "some small leeway, usually no more than a
	// few minutes"): rfc6749-7-expired-token-refused judges a token still
	// accepted only after it (unset: 60 seconds).
	ClockSkew time.Duration `yaml:"clock_skew"`
	// TLS says which certificates the suite trusts.
	TLS TLSConfig `yaml:"tls"`
}

// DefaultClockSkew is the leeway assumed when clock_skew is not set.
const DefaultClockSkew = time.Minute

// Skew is ClockSkew, or DefaultClockSkew when unset.
func (c *Config) Skew() time.Duration {
	if c == nil || c.ClockSkew <= 0 {
		return DefaultClockSkew
	}
	return c.ClockSkew
}

// TLSConfig is how the suite authenticates the target's TLS certificates.
type TLSConfig struct {
	// CAFile is a PEM file of CA certificates the suite trusts besides the
	// system's roots, for a target whose certificate a private CA signed
	// (a staging or test deployment). A relative path is relative to the
	// config file. Certificates are still verified: there is no way to
	// turn verification off.
	CAFile string `yaml:"ca_file"`
}

// CAKeyHashes are the SHA-256 hashes of the public keys (SubjectPublicKeyInfo,
// base64) of tls.ca_file's certificates, the form in which Chromium is told
// which certificate chains to accept besides those the system trusts. Nil
// when no ca_file is set.
func (c *Config) CAKeyHashes() ([]string, error) {
	if c.TLS.CAFile == "" {
		return nil, nil
	}
	rest, err := os.ReadFile(c.TLS.CAFile)
	if err != nil {
		return nil, fmt.Errorf("tls.ca_file: %w", err)
	}
	var hashes []string
	for {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file %s: %w", c.TLS.CAFile, err)
		}
		sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
		hashes = append(hashes, base64.StdEncoding.EncodeToString(sum[:]))
	}
	if len(hashes) == 0 {
		return nil, fmt.Errorf("tls.ca_file %s: no PEM certificate in it", c.TLS.CAFile)
	}
	return hashes, nil
}

// RootCAs is the pool the suite verifies the target's certificates with:
// the system's roots and tls.ca_file's certificates. It is nil when no
// ca_file is set (the system's roots alone).
func (c *Config) RootCAs() (*x509.CertPool, error) {
	if c.TLS.CAFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(c.TLS.CAFile)
	if err != nil {
		return nil, fmt.Errorf("tls.ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls.ca_file %s: no PEM certificate in it", c.TLS.CAFile)
	}
	return pool, nil
}

// PluginConfig is one plugin of the target config.
type PluginConfig struct {
	Path string `yaml:"path"`
	// Config is handed to the plugin as its input's config.
	Config map[string]any `yaml:"config"`
	// Timeout is the plugin's time budget per check ("30s"), counting its own
	// running only: host calls are bounded by the check's deadline.
	Timeout string `yaml:"timeout"`
	// MemoryMiB caps the plugin's memory.
	MemoryMiB int `yaml:"memory_mib"`
}

// UnmarshalYAML accepts a bare path as well as the mapping.
func (p *PluginConfig) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		p.Path = n.Value
		return nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch k := n.Content[i].Value; k {
			case "path", "config", "timeout", "memory_mib":
			default:
				return fmt.Errorf("line %d: plugin key %q unknown (keys: path, config, timeout, memory_mib)", n.Content[i].Line, k)
			}
		}
	}
	type plain PluginConfig
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*p = PluginConfig(v)
	return nil
}

// ClientConfig is a client the target operator registered for the suite.
type ClientConfig struct {
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	RedirectURI  string `yaml:"redirect_uri"`
	// AuthMethod is client_secret_basic (default for confidential clients),
	// client_secret_post or none.
	AuthMethod string `yaml:"auth_method"`
	// RequirePAR says the client is registered to push its authorization
	// requests (RFC 9126 §6 require_pushed_authorization_requests): the
	// suite then pushes them, as when the metadata requires it of every
	// client.
	RequirePAR bool `yaml:"require_pushed_authorization_requests"`
	// ClientName is the name the server shows people for the client (an
	// administrator's display name): the consent checks look for it.
	ClientName string `yaml:"client_name"`
	// Native says the public client is a native app (RFC 8252): the
	// checks of native apps' rules (loopback redirect URIs on any port)
	// run with it only then, a public client being possibly a browser
	// app whose redirect URI is compared exactly.
	Native bool `yaml:"native"`
	// PrivateKeyFile is the PEM private key (PKCS #8, SEC 1 EC or PKCS #1
	// RSA) a private_key_jwt client signs its assertions with (clients.jwt
	// only); a relative path is relative to the config file. KeyID is the
	// kid of its public key in the JWK Set the client registered.
	PrivateKeyFile string `yaml:"private_key_file"`
	KeyID          string `yaml:"key_id"`
}

// SigningKey reads PrivateKeyFile.
func (cc *ClientConfig) SigningKey() (crypto.Signer, error) {
	b, err := os.ReadFile(cc.PrivateKeyFile)
	if err != nil {
		return nil, fmt.Errorf("private_key_file: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("private_key_file %s: no PEM block", cc.PrivateKeyFile)
	}
	var key any
	switch block.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("private_key_file %s: %w", cc.PrivateKeyFile, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("private_key_file %s: not a signing key", cc.PrivateKeyFile)
	}
	return signer, nil
}

// BrowserConfig scripts how a person gets through the target's pages.
type BrowserConfig struct {
	Login   []Step `yaml:"login"`
	Consent []Step `yaml:"consent"`
	Deny    []Step `yaml:"deny"`
	// RepeatConsent is the target's documented policy for a second
	// authorization of a client the user already approved: "remembered"
	// (no consent page for the same or narrower scope, a page for more) or
	// "always" (the consent page every time). Empty: not declared.
	RepeatConsent string `yaml:"repeat_consent,omitempty"`
}

// Repeat consent policies.
const (
	RepeatConsentRemembered = "remembered"
	RepeatConsentAlways     = "always"
)

// Step is one action of a browser recipe.
type Step struct {
	Fill       string `yaml:"fill,omitempty"`
	Value      string `yaml:"value,omitempty"`
	Click      string `yaml:"click,omitempty"`
	Select     string `yaml:"select,omitempty"`
	Check      string `yaml:"check,omitempty"`
	WaitFor    string `yaml:"wait_for,omitempty"`
	Goto       string `yaml:"goto,omitempty"`
	ExpectText string `yaml:"expect_text,omitempty"`
	// URL restricts the step to pages whose URL matches this glob.
	URL      string `yaml:"url,omitempty"`
	Optional bool   `yaml:"optional,omitempty"`
}

// ConfigError is a problem with the config file, with the line when known.
type ConfigError struct {
	File string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return e.Msg
}

var envRef = regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}`)

// LoadConfig reads and validates a config file. Unknown keys are errors
// (a typo must not silently disable a setting). ${env:NAME} references are
// expanded with lookup (os.LookupEnv for the process's environment); an
// unset variable is an error naming it.
func LoadConfig(path string, lookup func(name string) (string, bool)) (*Config, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &ConfigError{File: path, Msg: fmt.Sprintf("cannot read the config file: %v", errors.Unwrap(err))}
	}
	cfg, secrets, err := ParseConfig(path, data, lookup)
	if err != nil {
		return nil, nil, err
	}
	for i, p := range cfg.Plugins {
		if p.Path != "" && !filepath.IsAbs(p.Path) {
			cfg.Plugins[i].Path = filepath.Join(filepath.Dir(path), p.Path)
		}
	}
	if cc := cfg.Clients.JWT; cc != nil && cc.PrivateKeyFile != "" {
		if !filepath.IsAbs(cc.PrivateKeyFile) {
			cc.PrivateKeyFile = filepath.Join(filepath.Dir(path), cc.PrivateKeyFile)
		}
		// A key that cannot be read stops the run here.
		if _, err := cc.SigningKey(); err != nil {
			return nil, nil, &ConfigError{File: path, Msg: "clients.jwt." + err.Error()}
		}
	}
	if ca := cfg.TLS.CAFile; ca != "" {
		if !filepath.IsAbs(ca) {
			cfg.TLS.CAFile = filepath.Join(filepath.Dir(path), ca)
		}
		// A CA file that cannot be read stops the run here rather than
		// as a certificate error at the first request.
		if _, err := cfg.RootCAs(); err != nil {
			return nil, nil, &ConfigError{File: path, Msg: err.Error()}
		}
	}
	return cfg, secrets, nil
}

// ParseConfig parses config data; lookup resolves environment variables. It
// returns the config and the secret values read from the environment, so
// that they can be redacted from every report: every value read from the
// environment, except under the keys that say where requests go (issuer,
// resource, scoped_resource, other_resource, allowed_origins, redirect_uri,
// a browser step's url).
func ParseConfig(name string, data []byte, lookup func(string) (string, bool)) (*Config, []string, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, yamlError(name, err)
	}
	if err := checkKeys(&root, reflect.TypeOf(Config{}), ""); err != nil {
		// A typo must not silently disable a setting.
		err.File = name
		return nil, nil, err
	}
	var secrets []string
	var missing []string
	expandNode(&root, "", func(s, field string, line int) string {
		return envRef.ReplaceAllStringFunc(s, func(ref string) string {
			key := envRef.FindStringSubmatch(ref)[1]
			v, ok := lookup(key)
			if !ok {
				missing = append(missing, fmt.Sprintf("line %d: ${env:%s}", line, key))
				return ""
			}
			if !addressKeys[field] {
				secrets = append(secrets, v)
			}
			return v
		})
	})
	if len(missing) > 0 {
		return nil, nil, &ConfigError{File: name, Msg: "environment variables referenced but not set: " +
			strings.Join(missing, ", ") + " (export them before running authspec)"}
	}
	var cfg Config
	if len(root.Content) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(mustMarshal(&root)))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			return nil, nil, decodeError(name, err)
		}
	}
	if err := cfg.validate(name); err != nil {
		return nil, nil, err
	}
	return &cfg, secrets, nil
}

func mustMarshal(n *yaml.Node) []byte {
	b, err := yaml.Marshal(n)
	if err != nil {
		return nil
	}
	return b
}

func expandNode(n *yaml.Node, key string, f func(value, key string, line int) string) {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${env:") {
		n.Value = f(n.Value, key, n.Line)
		n.Style = yaml.DoubleQuotedStyle
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			expandNode(n.Content[i], "", f)
			expandNode(n.Content[i+1], n.Content[i].Value, f)
		}
		return
	}
	for _, c := range n.Content {
		expandNode(c, key, f) // a sequence's items keep its key
	}
}

// addressKeys hold where authspec sends requests, not what it is trusted
// with: a value they take from the environment (a URL known only once a
// CI job starts its server) is not a secret, and is not redacted, so that
// requests may go there.
var addressKeys = map[string]bool{
	"issuer": true, "resource": true, "scoped_resource": true, "other_resource": true,
	"allowed_origins": true, "redirect_uri": true, "url": true,
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlError is a file that is not YAML (a syntax error).
func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return &ConfigError{File: name, Msg: "invalid YAML: " + msg}
}

// decodeError is YAML whose values do not fit the config (a list where a
// mapping belongs, text where a boolean does).
func decodeError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	return &ConfigError{File: name, Msg: "a value of the wrong type: " + msg}
}

func (c *Config) validate(file string) error {
	var errs []string
	if c.Issuer != "" {
		if msg := checkIssuer(c.Issuer); msg != "" {
			errs = append(errs, "issuer: "+msg)
		}
	}
	if c.Resource != "" {
		if u, err := url.Parse(c.Resource); err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
			errs = append(errs, fmt.Sprintf("resource %q must be an absolute URI without fragment (RFC 8707 §2)", c.Resource))
		}
	}
	for i, o := range c.AllowedOrigins {
		if _, err := httpx.ParseOrigin(o); err != nil {
			errs = append(errs, fmt.Sprintf("allowed_origins[%d]: %v", i, err))
		}
	}
	if c.ClockSkew < 0 || c.CodeLifetime < 0 || c.RefreshReuseInterval < 0 {
		errs = append(errs, "clock_skew, code_lifetime and refresh_reuse_interval must not be negative")
	}
	switch c.Browser.RepeatConsent {
	case "", RepeatConsentRemembered, RepeatConsentAlways:
	default:
		errs = append(errs, fmt.Sprintf("browser.repeat_consent %q: use %s or %s", c.Browser.RepeatConsent, RepeatConsentRemembered, RepeatConsentAlways))
	}
	if c.ScopedResource != "" {
		if u, err := url.Parse(c.ScopedResource); err != nil || !u.IsAbs() || u.Host == "" {
			errs = append(errs, fmt.Sprintf("scoped_resource %q must be an absolute URL", c.ScopedResource))
		}
	}
	if c.OtherResource != "" {
		if u, err := url.Parse(c.OtherResource); err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
			errs = append(errs, fmt.Sprintf("other_resource %q must be an absolute URI without fragment (RFC 8707 §2)", c.OtherResource))
		} else if c.OtherResource == c.Resource {
			errs = append(errs, "other_resource must differ from resource: its tokens are the ones resource must refuse")
		}
	}
	check := func(kind string, cc *ClientConfig, confidential bool) {
		if cc == nil {
			return
		}
		p := "clients." + kind
		if cc.ClientID == "" {
			errs = append(errs, p+".client_id is required")
		}
		switch cc.AuthMethod {
		case "":
			if confidential {
				cc.AuthMethod = "client_secret_basic"
			} else {
				cc.AuthMethod = "none"
			}
		case "client_secret_basic", "client_secret_post", "none":
		default:
			errs = append(errs, fmt.Sprintf("%s.auth_method %q: use client_secret_basic, client_secret_post or none", p, cc.AuthMethod))
		}
		if confidential && cc.ClientSecret == "" {
			errs = append(errs, p+".client_secret is required (use ${env:NAME} to keep it out of the file)")
		}
		if !confidential && cc.ClientSecret != "" {
			errs = append(errs, p+" is a public client and must not have a client_secret")
		}
		if cc.RedirectURI != "" {
			if u, err := url.Parse(cc.RedirectURI); err != nil || !u.IsAbs() {
				errs = append(errs, fmt.Sprintf("%s.redirect_uri %q is not an absolute URI", p, cc.RedirectURI))
			}
		}
	}
	check("confidential", c.Clients.Confidential, true)
	check("public", c.Clients.Public, false)
	check("client_credentials", c.Clients.ClientCredentials, true)
	if cc := c.Clients.JWT; cc != nil {
		if cc.ClientID == "" {
			errs = append(errs, "clients.jwt.client_id is required")
		}
		if cc.PrivateKeyFile == "" {
			errs = append(errs, "clients.jwt.private_key_file is required: the PEM private key the client signs its assertions with")
		}
		if cc.ClientSecret != "" || cc.AuthMethod != "" && cc.AuthMethod != "private_key_jwt" {
			errs = append(errs, "clients.jwt authenticates with private_key_jwt: it takes no client_secret and no other auth_method")
		}
		cc.AuthMethod = "private_key_jwt"
	}
	if cc := c.Clients.ClientCredentials; cc != nil && cc.AuthMethod == "none" {
		errs = append(errs, "clients.client_credentials must be a confidential client (auth_method client_secret_basic or client_secret_post)")
	}
	errs = append(errs, validateFeatures(c.Features)...)
	if c.RedirectURI != "" {
		if u, err := url.Parse(c.RedirectURI); err != nil || !u.IsAbs() {
			errs = append(errs, fmt.Sprintf("redirect_uri %q is not an absolute URI", c.RedirectURI))
		}
	}
	for i, steps := range map[string][]Step{"login": c.Browser.Login, "consent": c.Browser.Consent, "deny": c.Browser.Deny} {
		for n, s := range steps {
			if msg := s.validate(); msg != "" {
				errs = append(errs, fmt.Sprintf("browser.%s[%d]: %s", i, n, msg))
			}
		}
	}
	if len(errs) > 0 {
		return &ConfigError{File: file, Msg: strings.Join(errs, "; ")}
	}
	return nil
}

// OverridableFeatures are the features the config may set under
// features:, because the target's metadata can under- or over-advertise
// them (RFC 9700 §2.1.1 lets a server make its PKCE support known by
// deployment-specific means; RFC 8414 metadata is often incomplete). The
// others depend on an endpoint URL, a client or the browser, and have their
// own config keys.
var OverridableFeatures = []vocab.Feature{
	vocab.FeatureAuthCode, vocab.FeatureRefresh, vocab.FeatureClientCredentials, vocab.FeaturePKCE,
	vocab.FeatureSecretBasic, vocab.FeatureSecretPost, vocab.FeaturePublicClients, vocab.FeatureIssParameter,
}

func validateFeatures(m map[string]bool) []string {
	var errs []string
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !slices.Contains(OverridableFeatures, vocab.Feature(k)) {
			errs = append(errs, fmt.Sprintf("features.%s: not a feature the config can set (use one of %s)",
				k, strings.Join(vocab.Strings(OverridableFeatures), ", ")))
		}
	}
	return errs
}

func (s Step) validate() string {
	n := 0
	for _, v := range []string{s.Fill, s.Click, s.Select, s.Check, s.WaitFor, s.Goto, s.ExpectText} {
		if v != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return "a step needs one of fill, click, select, check, wait_for, goto, expect_text"
	case n > 1:
		return "a step has exactly one action (fill, click, select, check, wait_for, goto or expect_text)"
	case (s.Fill != "" || s.Select != "") && s.Value == "":
		return "fill and select need a value"
	}
	return ""
}

// checkIssuer returns why v is not a usable issuer identifier, or "".
func checkIssuer(v string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a URL: %v", v, errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q must start with https:// (or http:// for local servers)", v)
	case u.Host == "":
		return fmt.Sprintf("%q has no host", v)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Sprintf("%q must not have a query or fragment (RFC 8414 §2)", v)
	}
	return ""
}
