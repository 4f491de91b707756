package target

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Metadata is the RFC 8414 document as discovered, typed for the members the
// suite uses; Raw holds everything.
type Metadata struct {
	Issuer                            string         `json:"issuer"`
	AuthorizationEndpoint             string         `json:"authorization_endpoint"`
	TokenEndpoint                     string         `json:"token_endpoint"`
	RegistrationEndpoint              string         `json:"registration_endpoint"`
	RevocationEndpoint                string         `json:"revocation_endpoint"`
	IntrospectionEndpoint             string         `json:"introspection_endpoint"`
	ScopesSupported                   []string       `json:"scopes_supported"`
	ResponseTypesSupported            []string       `json:"response_types_supported"`
	GrantTypesSupported               []string       `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string       `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string       `json:"code_challenge_methods_supported"`
	IssParameterSupported             bool           `json:"authorization_response_iss_parameter_supported"`
	ClientIDMetadataDocumentSupported bool           `json:"client_id_metadata_document_supported"`
	Raw                               map[string]any `json:"-"`

	// RFC 9126 §5 (require_pushed_authorization_requests: RequirePAR).
	PushedAuthorizationRequestEndpoint string `json:"pushed_authorization_request_endpoint"`
}

// Target is everything known about the server under test before checks run.
// It is immutable once Discover returns, but for features that the run
// decides while checks run (SetFeature), which featMu guards.
type Target struct {
	// Issuer is the issuer the user targeted.
	Issuer string
	Config *Config
	// MetadataURL is where the metadata was found; MetadataSource says which
	// well-known URI answered ("oauth-authorization-server" or
	// "openid-configuration").
	MetadataURL    string
	MetadataSource string
	Metadata       Metadata
	// MetadataResult is the response the metadata came from.
	MetadataResult *httpx.Result
	// Resource is the RFC 8707 resource tokens are requested for ("" if none).
	Resource string
	// ResourceMetadataURL and ResourceMetadata describe RFC 9728 metadata of
	// the resource, when it could be fetched.
	ResourceMetadataURL    string
	ResourceMetadata       map[string]any
	ResourceMetadataResult *httpx.Result
	// Discovery holds the exchanges made by discovery.
	Discovery []httpx.Exchange
	featMu    sync.RWMutex
	features  map[vocab.Feature]string // feature → "" if present, else why absent
	// overridden are the features the config set (features:, or a
	// clients.client_credentials client), with the value it set.
	overridden map[vocab.Feature]bool
}

// PreflightError stops a run before any check: the target or the config
// cannot be used. Msg says what is wrong, Hint what to do about it.
type PreflightError struct {
	Msg       string
	Hint      string
	Exchanges []httpx.Exchange
}

func (e *PreflightError) Error() string {
	if e.Hint != "" {
		return e.Msg + "\n  hint: " + e.Hint
	}
	return e.Msg
}

// WellKnownURL inserts the well-known suffix between host and path (RFC 8414
// §3.1, RFC 9728 §3.1); a query component, which RFC 9728 §3 allows in a
// resource identifier, stays after the path.
func WellKnownURL(id, suffix string) (string, error) {
	u, err := url.Parse(id)
	if err != nil {
		return "", fmt.Errorf("parse %q: %w", id, err)
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	out := u.Scheme + "://" + u.Host + "/.well-known/" + suffix + path
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out, nil
}

// Discover runs the preflight: it fetches the target's metadata (RFC 8414,
// falling back to OpenID discovery), checks that it is usable, fetches RFC
// 9728 metadata for the configured resource, and derives the feature set.
func Discover(ctx context.Context, hc *httpx.Client, issuer string, cfg *Config) (*Target, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if issuer == "" {
		issuer = cfg.Issuer
	}
	if issuer == "" {
		return nil, &PreflightError{Msg: "no target: give --target ISSUER_URL or issuer: in the config file"}
	}
	if msg := checkIssuer(issuer); msg != "" {
		return nil, &PreflightError{Msg: "target issuer " + msg,
			Hint: "the target is the authorization server's issuer identifier, e.g. https://auth.example.com"}
	}
	t := &Target{Issuer: issuer, Config: cfg, Resource: cfg.Resource}
	defer func() { t.Discovery = hc.Exchanges() }()

	var lastErr *PreflightError
	var tried []string
	for _, c := range metadataURLs(issuer) {
		md, res, perr := fetchMetadata(ctx, hc, c.url)
		if perr == nil {
			t.MetadataURL, t.MetadataSource, t.Metadata, t.MetadataResult = c.url, c.suffix, *md, res
			lastErr = nil
			break
		}
		if !perr.reachable {
			perr.Exchanges = hc.Exchanges()
			return nil, perr.PreflightError
		}
		lastErr = perr.PreflightError
		tried = append(tried, c.url+" ("+perr.outcome+")")
	}
	if lastErr != nil {
		// Name every URL tried, and look for the issuer meant: the
		// usual mistake is a path too many under a working issuer.
		lastErr.Msg = fmt.Sprintf("no metadata for the issuer %s: tried %s", issuer, strings.Join(tried, ", "))
		if hint := suggestIssuer(ctx, hc, issuer); hint != "" {
			lastErr.Hint = hint
		}
		lastErr.Exchanges = hc.Exchanges()
		return nil, lastErr
	}
	if err := t.validateEndpoints(); err != nil {
		err.Exchanges = hc.Exchanges()
		return nil, err
	}
	if err := t.validateOrigins(hc.Transport().Policy()); err != nil {
		err.Exchanges = hc.Exchanges()
		return nil, err
	}
	if t.Resource != "" {
		t.fetchResourceMetadata(ctx, hc)
	}
	t.deriveFeatures()
	return t, nil
}

type metadataErr struct {
	*PreflightError
	reachable bool
	outcome   string // what the URL answered, in a few words
}

type metadataURL struct{ url, suffix string }

// metadataURLs are the URLs where the metadata of issuer may be, in the
// order they are tried: RFC 8414 (well-known suffix inserted before the
// path), then OpenID discovery, inserted and appended.
func metadataURLs(issuer string) []metadataURL {
	var out []metadataURL
	for _, suffix := range []string{"oauth-authorization-server", "openid-configuration"} {
		wk, err := WellKnownURL(issuer, suffix)
		if err != nil {
			continue // checkIssuer has refused what does not parse
		}
		out = append(out, metadataURL{wk, suffix})
		if suffix == "openid-configuration" {
			// OpenID Connect Discovery appends rather than inserts.
			if appended := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"; appended != wk {
				out = append(out, metadataURL{appended, suffix})
			}
		}
	}
	return out
}

// suggestIssuer looks for the issuer meant by a target without metadata:
// the shorter paths of the target on its own origin, longest first (a
// wrong path under a working issuer, or the metadata URL given as the
// target), down to the origin's root. It returns a hint naming the first
// whose metadata answers, or "".
func suggestIssuer(ctx context.Context, hc *httpx.Client, issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	for path != "" {
		path = path[:strings.LastIndexByte(path, '/')]
		candidate := u.Scheme + "://" + u.Host + path
		for _, c := range metadataURLs(candidate) {
			md, _, perr := fetchMetadata(ctx, hc, c.url)
			if perr != nil {
				if !perr.reachable {
					return ""
				}
				continue
			}
			meant := candidate
			if mu, err := url.Parse(md.Issuer); err == nil && mu.Scheme == u.Scheme && mu.Host == u.Host {
				meant = md.Issuer // the issuer as the server spells it
			}
			return fmt.Sprintf("the metadata of issuer %s answers at %s: did you mean --target %s (issuer: %s in the config)?",
				meant, c.url, meant, meant)
		}
	}
	return ""
}

func fetchMetadata(ctx context.Context, hc *httpx.Client, u string) (*Metadata, *httpx.Result, *metadataErr) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, &metadataErr{PreflightError: &PreflightError{Msg: fmt.Sprintf("bad metadata URL %s: %v", u, err)}}
	}
	req.Header.Set("Accept", "application/json")
	res, err := hc.Do(ctx, req, "discovery: fetch metadata")
	if err != nil {
		return nil, nil, &metadataErr{PreflightError: &PreflightError{
			Msg:  fmt.Sprintf("target unreachable: %v", err),
			Hint: "is the server running, and is the issuer URL right (scheme, host, port)?"}}
	}
	fail := func(outcome, format string, args ...any) *metadataErr {
		return &metadataErr{reachable: true, outcome: outcome, PreflightError: &PreflightError{Msg: fmt.Sprintf(format, args...),
			Hint: "authspec needs RFC 8414 metadata at " + u + " (or OpenID discovery); is this an OAuth 2.0 authorization server, and is the issuer URL exact?"}}
	}
	if res.Status != http.StatusOK {
		return nil, res, fail(fmt.Sprintf("HTTP %d", res.Status), "no metadata at %s: HTTP %d", u, res.Status)
	}
	var raw map[string]any
	if err := json.Unmarshal(res.Body, &raw); err != nil {
		ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
		return nil, res, fail("not a JSON object", "metadata at %s is not a JSON object (Content-Type %q): %v", u, ct, err)
	}
	var md Metadata
	if err := json.Unmarshal(res.Body, &md); err != nil {
		return nil, res, fail("members of the wrong type", "metadata at %s has members of the wrong type: %v", u, err)
	}
	md.Raw = raw
	return &md, res, nil
}

// validateEndpoints stops the run when the metadata cannot drive any check.
// An issuer mismatch does not stop it: the RFC 8414 checks report it. Nor
// does a missing token_endpoint: rfc8414-2-token-endpoint-required reports
// it, and the checks that need the endpoint SKIP (NoTokenEndpoint).
func (t *Target) validateEndpoints() *PreflightError {
	md := t.Metadata
	var errs []string
	for name, v := range map[string]string{
		"authorization_endpoint": md.AuthorizationEndpoint, "token_endpoint": md.TokenEndpoint,
		"registration_endpoint": md.RegistrationEndpoint, "revocation_endpoint": md.RevocationEndpoint,
		"introspection_endpoint": md.IntrospectionEndpoint,
	} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			errs = append(errs, fmt.Sprintf("%s %q is not an absolute http(s) URL", name, v))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return &PreflightError{Msg: fmt.Sprintf("metadata at %s is unusable: %s", t.MetadataURL, strings.Join(errs, "; ")),
			Hint: "RFC 8414 §2 requires absolute endpoint URLs"}
	}
	return nil
}

// CredentialEndpoints are the metadata members naming endpoints to which
// the suite sends client credentials, tokens, codes, or a person's login.
var CredentialEndpoints = []string{"authorization_endpoint", "token_endpoint", "registration_endpoint",
	"revocation_endpoint", "introspection_endpoint", "pushed_authorization_request_endpoint"}

// validateOrigins stops the run when the metadata names an endpoint the
// suite would send what it is trusted with on an origin the policy does not
// allow: a metadata document must not be able to divert credentials.
func (t *Target) validateOrigins(p *httpx.Policy) *PreflightError {
	if p == nil {
		return nil
	}
	var bad, hints []string
	seen := map[string]bool{}
	for _, name := range CredentialEndpoints {
		v := t.Metadata.endpoint(name)
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || p.Trusted(u) {
			continue
		}
		bad = append(bad, fmt.Sprintf("%s %s", name, v))
		if o := httpx.Origin(u); !seen[o] {
			seen[o] = true
			hints = append(hints, p.Why(u))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &PreflightError{
		Msg: fmt.Sprintf("metadata at %s names endpoints on origins authspec does not send credentials to: %s",
			t.MetadataURL, strings.Join(bad, "; ")),
		Hint: "authspec sends client secrets, tokens, codes and passwords only to the issuer's origin and to the origins listed under " +
			httpx.ConfigKey + " in the config (docs/security.md): " + strings.Join(hints, "; "),
	}
}

func (m *Metadata) endpoint(name string) string {
	switch name {
	case "authorization_endpoint":
		return m.AuthorizationEndpoint
	case "token_endpoint":
		return m.TokenEndpoint
	case "registration_endpoint":
		return m.RegistrationEndpoint
	case "revocation_endpoint":
		return m.RevocationEndpoint
	case "introspection_endpoint":
		return m.IntrospectionEndpoint
	}
	s, _ := m.Raw[name].(string)
	return s
}

func (t *Target) fetchResourceMetadata(ctx context.Context, hc *httpx.Client) {
	u, err := WellKnownURL(t.Resource, "oauth-protected-resource")
	if err != nil {
		return
	}
	t.ResourceMetadataURL = u
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return
	}
	req.Header.Set("Accept", "application/json")
	res, err := hc.Do(ctx, req, "discovery: fetch protected resource metadata")
	if err != nil {
		return
	}
	t.ResourceMetadataResult = res
	var m map[string]any
	if res.Status == http.StatusOK && json.Unmarshal(res.Body, &m) == nil {
		t.ResourceMetadata = m
	}
}
