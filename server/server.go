// Package server is the reference OAuth 2.0 authorization server of authspec.
//
// It implements RFC 6749 (authorization code, refresh token and client
// credentials grants), RFC 6750 (a demo protected resource), RFC 7009
// (revocation), RFC 7591/7592 (dynamic registration and its management),
// RFC 7636 (PKCE, S256 only), RFC 7662 (introspection), RFC 8414 (metadata),
// RFC 8707 (resource indicators), RFC 9207 (iss in authorization responses) and
// RFC 9728 (protected resource metadata). It passes the whole authspec suite,
// and can be switched into deliberately broken modes ([Fault]) or into other
// lawful ones ([Variant]).
package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/memory"
)

// ConsentMode selects how the authorization endpoint obtains consent.
type ConsentMode string

// Consent modes.
const (
	// ConsentForm shows a login page and a consent page.
	ConsentForm ConsentMode = "form"
	// ConsentAuto approves every valid request for the default user at once.
	ConsentAuto ConsentMode = "auto"
)

// StaticClient is a client configured at start-up rather than registered.
type StaticClient struct {
	ID string
	// Secret is empty for a public client.
	Secret   string
	Metadata store.ClientMetadata
}

// Config configures a Server. The zero value of every field but Issuer has a
// usable default.
type Config struct {
	// Issuer is the RFC 8414 issuer identifier: an http(s) URL without query
	// or fragment. Endpoints are served below its path.
	Issuer string
	// Store persists clients, codes and tokens; default: in memory.
	Store store.Store
	// Consent selects form (default) or auto.
	Consent ConsentMode
	// Users maps user names to passwords for the login page; default
	// {"alice": "wonderland"}. The first user in sorted order is the subject
	// of auto consent.
	Users map[string]string
	// Scopes are the supported scopes; default ["read", "write"].
	Scopes []string
	// DefaultScope is granted when a request names none; default "read".
	DefaultScope string
	// Resources are the resource indicators (RFC 8707) tokens may be issued
	// for; default: the demo protected resource, Issuer + "/mcp".
	Resources []string
	// ResourceOrigin is the origin ("https://mcp.example.com") the demo
	// protected resource is reached at when a reverse proxy serves it apart
	// from the authorization server, as most MCP servers are: its resource
	// identifier, its metadata and its challenges name that origin, with
	// the same paths as below the issuer. Default: the issuer's origin.
	ResourceOrigin string
	// Secret keys the sealed state the server hands to browsers instead of
	// keeping it: pending authorization requests, sessions and CSRF tokens.
	// At least 32 bytes; default: random per process (a restart then ends
	// every session and pending request). Servers that share a store, as
	// replicas, must share it.
	Secret []byte
	// InitialAccessToken, when set, is required as a bearer token at the
	// registration endpoint (RFC 7591 §3).
	InitialAccessToken string
	// Clients are registered at start-up (when absent from the store).
	Clients []StaticClient
	// RedirectSchemes are private-use URI schemes that redirect URIs may
	// use although they are not in reverse domain name form (RFC 8252
	// §7.1), such as "cursor" for an application that registers
	// cursor://... URIs. Schemes in reverse domain name form (com.example.app)
	// need no entry; http, https and the schemes browsers interpret
	// (javascript, data, view-source, ...) cannot be added.
	RedirectSchemes []string
	// Limits bound what anyone reaching the server can make it do and keep
	// (rate limits per source address, caps on clients, codes and tokens,
	// client lifetimes); zero fields take DefaultLimits.
	Limits Limits
	// CodeTTL defaults to 60 s; AccessTokenTTL to 1 h; RefreshTokenTTL to 30 d.
	CodeTTL, AccessTokenTTL, RefreshTokenTTL time.Duration
	// CIMD says whether clients may use Client ID Metadata Document URLs
	// as client_id: CIMDOff (default: the server never fetches URLs a
	// client names), CIMDOn (https from public addresses only), or
	// CIMDLoopback (loopback addresses only, for tests on one machine).
	CIMD CIMDMode
	// PARLifetime is the lifetime of request_uri values of pushed
	// authorization requests (RFC 9126); default 10 s.
	PARLifetime time.Duration
	// RequirePAR makes pushed authorization requests the only way to pass
	// an authorization request, for every client, and says so in the
	// metadata (require_pushed_authorization_requests, RFC 9126 §5).
	RequirePAR bool
	// SecretsWithPlus puts a '+' in every client secret the server issues,
	// which a client must form-url-encode for HTTP Basic (RFC 6749 §2.3.1,
	// Appendix B: a raw '+' is a space). Off by default: many clients send
	// Basic credentials unencoded, which secrets without '+' forgive.
	SecretsWithPlus bool
	// Faults switches on deliberate defects, Variants lawful choices other
	// than the defaults (see Behaviour).
	Faults   []Fault
	Variants []Variant
	// Logger receives one line per internal error; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Server is the reference authorization server. Use [New], then [Server.Handler].
type Server struct {
	// approvedUsers records who approved any client (only for the
	// mcp-consent-per-user fault).
	approvedUsers  sync.Map
	cfg            Config
	issuer         *url.URL
	base           string // issuer without trailing slash
	resourceBase   string // base of the demo resource: base, or its path on Config.ResourceOrigin
	resourceOrigin string // the demo resource's origin
	store          store.Store
	on             behaviourSet // the deliberate behaviours switched on
	cimd           CIMDMode
	// redirectSchemes are Config.RedirectSchemes, lower case.
	redirectSchemes map[string]bool
	users           map[string]string
	defUser         string
	scopes          map[string]bool
	resources       map[string]bool
	now             func() time.Time
	log             *slog.Logger
	keys            *keys // derived from Config.Secret (state.go)
	ui              *uiTemplates
	cimdCache       *expiringCache[*store.Client] // the clients of fetched documents
	logos           *expiringCache[logoEntry]     // fetched logos by URL
	cimdFailures    *expiringCache[error]         // failed document retrievals, only with the fault cimd-caches-failures (the draft forbids caching them)
	grantTypes      map[string]grantFunc          // the grant types of the token endpoint
	limits          Limits
	sources         *sources      // rate limits per source address
	clientsMu       sync.Mutex    // serializes client creation (createClient)
	par             parKeys       // the key of request_uri values (par.go)
	userGrants      grantsByUser  // only with the variant earlier-grants-revoked
	refreshGrace    retryGrace    // only with the variant refresh-retry-grace
	codesIssued     atomic.Uint64 // only with the fault codes-counter
	regTokensIssued atomic.Uint64 // only with the fault registration-tokens-counter
}

// New validates cfg and builds a server.
func New(cfg Config) (*Server, error) {
	on, err := newBehaviourSet(cfg.Faults, cfg.Variants)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	cfg.Issuer = (&Server{on: on}).issuerIdentifier(cfg.Issuer)
	iss, err := url.Parse(cfg.Issuer)
	if err != nil || (iss.Scheme != "http" && iss.Scheme != "https") || iss.Host == "" {
		return nil, fmt.Errorf("server: issuer %q must be an absolute http(s) URL", cfg.Issuer)
	}
	if iss.RawQuery != "" || iss.Fragment != "" || iss.User != nil {
		return nil, fmt.Errorf("server: issuer %q must not carry a query, fragment or user info", cfg.Issuer)
	}
	resourceOrigin := iss.Scheme + "://" + iss.Host
	if o := cfg.ResourceOrigin; o != "" {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("server: resource origin %q must be an http(s) origin, without path, query or fragment", o)
		}
		resourceOrigin = u.Scheme + "://" + u.Host
	}
	s := &Server{
		cfg:            cfg,
		issuer:         iss,
		base:           strings.TrimSuffix(cfg.Issuer, "/"),
		resourceBase:   resourceOrigin + trimSlash(iss.Path),
		resourceOrigin: resourceOrigin,
		store:          cfg.Store,
		users:          cfg.Users,
		now:            cfg.Now,
		log:            cfg.Logger,
		on:             on,
		cimdCache:      newExpiringCache[*store.Client](cimdCacheSize),
		logos:          newExpiringCache[logoEntry](logoCacheSize),
		cimdFailures:   newExpiringCache[error](cimdCacheSize),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.store == nil {
		s.store = memory.NewWithClock(s.now)
	}
	s.limits = cfg.Limits.withDefaults()
	if err := s.limits.validate(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.sources = newSources(s.limits)
	if s.log == nil {
		s.log = slog.Default()
	}
	switch cfg.Consent {
	case "":
		s.cfg.Consent = ConsentForm
	case ConsentForm, ConsentAuto:
	default:
		return nil, fmt.Errorf("server: consent mode %q must be form or auto", cfg.Consent)
	}
	switch cfg.CIMD {
	case "":
		s.cimd = CIMDOff
	case CIMDOn, CIMDOff, CIMDLoopback:
		s.cimd = cfg.CIMD
	default:
		return nil, fmt.Errorf("server: client ID metadata document mode %q must be on, off or loopback", cfg.CIMD)
	}
	s.redirectSchemes = make(map[string]bool)
	for _, sc := range cfg.RedirectSchemes {
		l := strings.ToLower(sc)
		if !validScheme(l) || browserSchemes[l] {
			return nil, fmt.Errorf("server: redirect scheme %q cannot be allowed: it must be a URI scheme that browsers do not interpret", sc)
		}
		s.redirectSchemes[l] = true
	}
	if len(s.users) == 0 {
		s.users = map[string]string{"alice": "wonderland"}
	}
	for name := range s.users {
		if s.defUser == "" || name < s.defUser {
			s.defUser = name
		}
	}
	if len(cfg.Scopes) == 0 {
		s.cfg.Scopes = []string{"read", "write"}
	}
	s.scopes = make(map[string]bool)
	for _, sc := range s.cfg.Scopes {
		if !validScopeToken(sc) {
			return nil, fmt.Errorf("server: scope %q is not a valid scope token (RFC 6749 §3.3)", sc)
		}
		s.scopes[sc] = true
	}
	if s.cfg.DefaultScope == "" {
		s.cfg.DefaultScope = s.cfg.Scopes[0]
	}
	for _, sc := range strings.Fields(s.cfg.DefaultScope) {
		if !s.scopes[sc] {
			return nil, fmt.Errorf("server: default scope %q is not among the supported scopes", sc)
		}
	}
	if len(cfg.Resources) == 0 {
		s.cfg.Resources = []string{s.ResourceURL()}
	}
	s.resources = make(map[string]bool)
	for _, r := range s.cfg.Resources {
		if msg := checkResourceURI(r); msg != "" {
			return nil, fmt.Errorf("server: resource %q: %s", r, msg)
		}
		s.resources[r] = true
	}
	if s.cfg.CodeTTL <= 0 {
		s.cfg.CodeTTL = time.Minute
	}
	if s.cfg.AccessTokenTTL <= 0 {
		s.cfg.AccessTokenTTL = time.Hour
	}
	if s.cfg.RefreshTokenTTL <= 0 {
		s.cfg.RefreshTokenTTL = 30 * 24 * time.Hour
	}
	if s.variant(VariantRegistrationInitialAccessToken) && cfg.InitialAccessToken == "" {
		return nil, fmt.Errorf("server: the variant %s needs the initial access token to require (Config.InitialAccessToken, serve --initial-access-token)", VariantRegistrationInitialAccessToken)
	}
	s.grantTypes = s.grants()
	secret := cfg.Secret
	if secret == nil {
		if secret, err = randomSecret(); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	if s.keys, err = deriveKeys(secret, cfg.Issuer); err != nil {
		return nil, fmt.Errorf("server: secret: %w", err)
	}
	if s.ui, err = loadTemplates(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if err := s.seedClients(context.Background()); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) seedClients(ctx context.Context) error {
	for _, sc := range s.cfg.Clients {
		if sc.ID == "" {
			return errors.New("server: static client without an ID")
		}
		md, oerr := s.normalizeMetadata(sc.Metadata, sc.Secret == "")
		if oerr == nil {
			oerr = s.checkMetadataSize(md)
		}
		if oerr != nil {
			return fmt.Errorf("server: static client %q: %s", sc.ID, oerr.Description)
		}
		c := &store.Client{ID: sc.ID, IssuedAt: s.now(), Metadata: md}
		if sc.Secret != "" {
			c.SecretHash = store.Hash(sc.Secret)
		}
		if err := s.store.CreateClient(ctx, c); err != nil && !errors.Is(err, store.ErrExists) {
			return fmt.Errorf("server: seed client %q: %w", sc.ID, err)
		}
	}
	return nil
}

// Issuer returns the issuer identifier exactly as configured.
func (s *Server) Issuer() string { return s.cfg.Issuer }

// CodeLifetime is the lifetime of the authorization codes the server
// issues, as its documentation would state it.
func (s *Server) CodeLifetime() time.Duration { return s.codeTTL() }

// ResourceURL is the resource identifier of the demo protected resource.
func (s *Server) ResourceURL() string { return s.resourceBase + "/mcp" }

// Store returns the server's store.
func (s *Server) Store() store.Store { return s.store }

// endpoint returns the absolute URL of a path below the issuer.
func (s *Server) endpoint(path string) string { return s.base + path }

// Handler returns the HTTP handler serving every endpoint.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	prefix := strings.TrimSuffix(s.issuer.Path, "/")
	asMeta := s.metadataPath()
	prMeta := "/.well-known/oauth-protected-resource" + prefix + "/mcp"
	route := func(pattern string, h http.HandlerFunc, rules ...rule) { mux.Handle(pattern, s.rewritten(h, rules...)) }
	route("GET "+asMeta, s.handleMetadata, s.metadataRules()...)
	route("GET "+prMeta, s.handleResourceMetadata, s.resourceMetadataRules()...)
	pages := s.pageRules()
	authorize := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, s.authorizeCORS(s.rewritten(h, pages...)))
	}
	authorize("GET "+prefix+"/authorize", s.handleAuthorize)
	authorize("POST "+prefix+"/authorize", s.handleAuthorize)
	authorize("OPTIONS "+prefix+"/authorize", s.handleAuthorizeOptions)
	route("GET "+prefix+"/login", s.handleLoginPage, pages...)
	route("POST "+prefix+"/login", s.handleLoginSubmit, pages...)
	route("GET "+prefix+"/consent", s.handleConsentPage, pages...)
	route("POST "+prefix+"/consent", s.handleConsentSubmit, pages...)
	route("GET "+prefix+"/client-logo", s.handleClientLogo)
	if s.errorPagesRedirected() {
		route("GET "+prefix+"/error", s.handleErrorPage, pages...)
	}
	errs := s.oauthErrorRules()
	route(prefix+"/token", s.handleToken, append(s.tokenRules(), errs...)...)
	route(prefix+"/par", s.handlePAR, append(s.parRules(), errs...)...)
	route(prefix+"/revoke", s.handleRevoke, errs...)
	route(prefix+"/introspect", s.handleIntrospect, append(append(s.introspectionRules(), s.dpopIntrospectionRules()...), errs...)...)
	route(prefix+"/register", s.handleRegister, append(s.registrationRules(), errs...)...)
	route(prefix+"/register/{client_id}", s.handleClientConfig, append(s.clientConfigRules(), errs...)...)
	route(prefix+"/mcp", s.handleResource, append(append(s.resourceRules(), s.dpopResourceRules()...), errs...)...)
	s.resourceMetadataAppendedRoute(mux, prefix)
	s.resourceJWKSRoute(mux, prefix)
	s.openIDConfigurationRoute(mux, prefix)
	s.jwksRoute(mux, prefix)
	s.logoutRoute(mux, prefix)
	route(prefix+"/mcp/"+ScopedResourceScope, s.handleScopedResource, append(append(s.resourceRules(), s.dpopResourceRules()...), errs...)...)
	if s.resourceMetadataElsewhere() {
		route("GET "+prefix+customResourceMetadataPath, s.handleResourceMetadata, s.resourceMetadataRules()...)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writePlainError(w, http.StatusNotFound, "not found")
	})
	return recoverer(s.log, s.rewritten(securityHeaders(mux), s.serverRules()...))
}

// recoverer turns a handler panic into a 500 instead of a dropped connection.
// Handlers do not panic by design; this is the last line of defence.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("handler panic", "path", r.URL.Path, "panic", v)
				writePlainError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = valueNosniff
		h["Referrer-Policy"] = valueNoReferrer
		next.ServeHTTP(w, r)
	})
}

// Header values that every response, or every token response, carries:
// shared rather than allocated per response (net/http only reads them,
// and their capacity is their length, so an Add copies).
var (
	valueNosniff    = []string{"nosniff"}[:1:1]
	valueNoReferrer = []string{"no-referrer"}[:1:1]
	valueJSON       = []string{"application/json"}[:1:1]
	valueNoStore    = []string{"no-store"}[:1:1]
	valueNoCache    = []string{"no-cache"}[:1:1]
)

// redirectStatus is 303 for redirects answering a POST, so that the
// browser does not repeat the POST and its body at the next URL
// (RFC 9700 §4.12), and 302 otherwise.
func redirectStatus(r *http.Request) int {
	if r.Method != http.MethodPost {
		return http.StatusFound
	}
	return http.StatusSeeOther
}

func writePlainError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}

// writeOAuthError writes a JSON OAuth error, with the RFC 6749 §5.2
// challenge for invalid_client.
func (s *Server) writeOAuthError(w http.ResponseWriter, e *oautherr.Error) {
	if e.Cause != nil && e.Code == oautherr.CodeServerError {
		s.log.Error("internal error", "err", e.Cause)
	}
	if e.Code == "temporarily_unavailable" && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", fmt.Sprint(int(busyRetry/time.Second)))
	}
	if e.Code == oautherr.CodeInvalidClient {
		w.Header().Set("WWW-Authenticate", `Basic realm="authspec", charset="UTF-8"`)
	}
	oautherr.WriteJSON(w, e)
}

// randomToken returns 256 bits of randomness, base64url without padding.
// newClientSecret is a fresh client secret: 256 random bits in base64url,
// with a '+' in the middle when Config.SecretsWithPlus says so.
func (s *Server) newClientSecret() string {
	t := randomToken()
	if !s.cfg.SecretsWithPlus {
		return t
	}
	return t[:len(t)/2] + "+" + t[len(t)/2:]
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand.Read never fails on supported platforms (Go ≥ 1.24 it
		// aborts the program itself); keep a defined value regardless.
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomID returns 128 bits of randomness for identifiers.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validScheme reports whether v is a URI scheme (RFC 3986 §3.1):
// ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), in lower case.
func validScheme(v string) bool {
	if v == "" || v[0] < 'a' || v[0] > 'z' {
		return false
	}
	return strings.Trim(v, "abcdefghijklmnopqrstuvwxyz0123456789+-.") == ""
}

// validScopeToken reports whether tok is a scope-token of RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E ).
func validScopeToken(tok string) bool {
	if tok == "" {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e {
			return false
		}
	}
	return true
}

// parseScope splits a scope parameter. It returns ok=false when the value is
// not a space-delimited list of valid scope tokens.
func parseScope(v string) ([]string, bool) {
	if v == "" {
		return nil, true
	}
	parts := strings.Split(v, " ")
	seen := make(map[string]bool, len(parts))
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if !validScopeToken(p) {
			return nil, false
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, true
}

// checkScope validates a requested scope against the supported scopes and
// the client's registered scope; "" requests the default.
func (s *Server) checkScope(requested string, c *store.Client) (string, *oautherr.Error) {
	if requested == "" {
		if s.variant(VariantScopeRequired) {
			return "", oautherr.InvalidScope("scope is required: name the scopes the client needs")
		}
		if c.Metadata.Scope != "" {
			return c.Metadata.Scope, nil
		}
		return s.cfg.DefaultScope, nil
	}
	toks, ok := parseScope(requested)
	if !ok {
		return "", oautherr.InvalidScope("scope is not a space-delimited list of scope tokens")
	}
	if s.dropsUnknownScope() {
		if toks = slices.DeleteFunc(toks, func(t string) bool { return !s.scopes[t] }); len(toks) == 0 {
			return s.checkScope("", c)
		}
	}
	allowed := s.scopes
	if c.Metadata.Scope != "" {
		allowed = make(map[string]bool)
		for _, t := range strings.Fields(c.Metadata.Scope) {
			allowed[t] = true
		}
	}
	for _, t := range toks {
		if !s.scopes[t] {
			return "", oautherr.InvalidScope("scope %q is not supported", t)
		}
		if !allowed[t] {
			return "", oautherr.InvalidScope("scope %q is not registered for this client", t)
		}
	}
	if s.variant(VariantScopeOnePerGrant) {
		// Policy: one scope a grant, the first asked for.
		toks = toks[:1]
	}
	return strings.Join(toks, " "), nil
}

// scopeSubset reports whether every token of sub is in super.
func scopeSubset(sub, super string) bool {
	have := make(map[string]bool)
	for _, t := range strings.Fields(super) {
		have[t] = true
	}
	for _, t := range strings.Fields(sub) {
		if !have[t] {
			return false
		}
	}
	return true
}

// checkResourceURI returns why v is not a valid RFC 8707 resource indicator,
// or "" when it is one.
func checkResourceURI(v string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return "is not a URI"
	case !u.IsAbs() || u.Host == "":
		return "is not an absolute URI"
	case u.Fragment != "" || strings.Contains(v, "#"):
		return "must not include a fragment"
	}
	return ""
}

// checkResources validates resource parameters (RFC 8707 §2): each must be an
// absolute URI without fragment, and one this server issues tokens for.
func (s *Server) checkResources(values []string) ([]string, *oautherr.Error) {
	if !s.checksResources() {
		return values, nil
	}
	seen := make(map[string]bool)
	out := make([]string, 0, len(values))
	for _, v := range values {
		if msg := checkResourceURI(v); msg != "" {
			return nil, oautherr.InvalidTarget("resource %q %s", v, msg)
		}
		v = s.canonicalResource(v)
		if !s.resources[v] {
			return nil, oautherr.InvalidTarget("resource %q is not served by this authorization server", v)
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// duplicateParam returns the name of a parameter present more than once
// (RFC 6749 §3.1, §3.2: parameters MUST NOT be included more than once).
func (s *Server) duplicateParam(v url.Values, multi ...string) string {
	if !s.refusesRepeatedParams() {
		return ""
	}
outer:
	for k, vs := range v {
		if len(vs) < 2 {
			continue
		}
		for _, m := range multi {
			if k == m {
				continue outer
			}
		}
		return k
	}
	return ""
}
