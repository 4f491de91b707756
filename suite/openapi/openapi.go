// Package openapi checks responses against openapi.yaml, the HTTP contract
// of a compliant authorization server (kin-openapi). Operations are found by
// role: the contract's paths (/token, /register, ...) stand for whatever
// URLs the target's metadata names, so one contract serves every target.
package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	authspec "github.com/authspec/authspec"
)

const base = "http://contract.invalid"

// Contract is the loaded openapi.yaml; safe for concurrent use.
type Contract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load parses and validates the embedded contract (once).
func Load() (*Contract, error) {
	loadOnce.Do(func() {
		// Pages (login, consent, error pages) are HTML: decode them as
		// text so that status and headers are still checked.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
		loaded, loadErr = parse(authspec.OpenAPI)
	})
	return loaded, loadErr
}

func parse(spec []byte) (*Contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: load contract: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: invalid contract: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: router: %w", err)
	}
	return &Contract{doc: doc, router: router}, nil
}

// Violation is a response that does not match the contract.
type Violation struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Role      string `json:"role"`
	URL       string `json:"url"`
	Status    int    `json:"status"`
	Message   string `json:"message"`
	// Kind is what does not match: KindStatus (an undocumented status),
	// KindHeader (Header names it), KindContentType or KindBody.
	Kind   string `json:"kind"`
	Header string `json:"header,omitempty"`
	// Auth is how the request authenticated (AuthStyle).
	Auth string `json:"auth,omitempty"`
	// Response numbers the observed response the violation belongs to
	// (from 1, in the order the recorder saw them; 0 outside a recorder).
	Response int `json:"response,omitempty"`
}

// Kinds of violation.
const (
	KindStatus      = "status"
	KindHeader      = "header"
	KindContentType = "content-type"
	KindBody        = "body"
)

func (v Violation) String() string {
	auth := ""
	if v.Auth != "" {
		auth = ", " + v.Auth
	}
	return fmt.Sprintf("%s %s (%s%s) → %d: %s", v.Method, v.Role, v.Operation, auth, v.Status, v.Message)
}

// ErrUnknownRole reports a role with no operation for the method.
var ErrUnknownRole = errors.New("no operation in the contract")

// Check validates one response to a request of method on role (a contract
// path such as "/token" or "/register/abc"). It returns the operation ID and
// the violations (none when the response matches).
func (c *Contract) Check(method, role string, status int, header http.Header, body []byte) (string, []Violation, error) {
	req, err := http.NewRequest(method, base+role, nil)
	if err != nil {
		return "", nil, fmt.Errorf("openapi: %w", err)
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return "", nil, fmt.Errorf("%w for %s %s", ErrUnknownRole, method, role)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	err = openapi3filter.ValidateResponse(context.Background(), in)
	if err == nil {
		return route.Operation.OperationID, nil, nil
	}
	var out []Violation
	for _, is := range flatten(err, "") {
		v := Violation{Operation: route.Operation.OperationID, Method: method, Role: role, Status: status, Message: is.msg, Kind: is.kind, Header: is.header}
		if strings.Contains(is.msg, "status is not supported") {
			v.Message, v.Kind = fmt.Sprintf("HTTP %d is not a documented response of %s %s", status, method, role), KindStatus
		}
		out = append(out, v)
	}
	return route.Operation.OperationID, out, nil
}

// issue is one line of a validation error and what it is about.
type issue struct {
	kind, header, msg string
}

// reasonKind tells from a kin-openapi ResponseError reason what it is
// about: a header (and which), the content type, or the body.
func reasonKind(reason string) (kind, header string) {
	if strings.HasPrefix(reason, "response header ") {
		rest := strings.TrimPrefix(reason, "response header ")
		if strings.HasPrefix(rest, "Content-Type") {
			return KindContentType, "Content-Type"
		}
		if name, err := strconv.Unquote(strings.Fields(rest)[0]); err == nil {
			return KindHeader, name
		}
		return KindHeader, ""
	}
	return KindBody, ""
}

// flatten turns kin-openapi's nested errors into short lines, each with
// what it is about. reason is the enclosing ResponseError's (or "").
func flatten(err error, reason string) []issue {
	if re, ok := err.(*openapi3filter.ResponseError); ok {
		if re.Err == nil || re.Err == err {
			kind, header := reasonKind(re.Reason)
			return []issue{{kind, header, re.Reason}}
		}
		inner := flatten(re.Err, re.Reason)
		for i := range inner {
			if re.Reason != "" && !strings.Contains(inner[i].msg, re.Reason) {
				inner[i].msg = re.Reason + ": " + inner[i].msg
			}
		}
		return inner
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []issue
		for _, e := range me {
			out = append(out, flatten(e, reason)...)
		}
		return out
	}
	kind, header := reasonKind(reason)
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if kind != KindBody {
			return []issue{{kind, header, se.Reason}}
		}
		path := strings.Join(se.JSONPointer(), "/")
		if path != "" {
			path = "/" + path + ": "
		}
		return []issue{{kind, header, "body " + path + se.Reason}}
	}
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) {
		return flatten(re, reason)
	}
	line := strings.SplitN(err.Error(), "\n", 2)[0]
	return []issue{{kind, header, line}}
}

// AuthStyle names how a request authenticated, for reports: the scheme of
// its Authorization header ("Basic", "Bearer", ...), else the client
// credentials of a form body ("post": client_secret in the body;
// "client_assertion"; "none": a client_id alone), else "no credentials".
func AuthStyle(req *http.Request, body []byte) string {
	if h := strings.TrimSpace(req.Header.Get("Authorization")); h != "" {
		scheme, _, _ := strings.Cut(h, " ")
		switch strings.ToLower(scheme) {
		case "basic":
			return "Basic"
		case "bearer":
			return "Bearer"
		}
		return scheme
	}
	if ct := req.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		switch {
		case err != nil:
		case form.Get("client_secret") != "":
			return "post"
		case form.Get("client_assertion") != "":
			return "client_assertion"
		case form.Get("client_id") != "":
			return "none"
		}
	}
	return "no credentials"
}

// Roles maps a target's URLs to contract roles.
type Roles struct {
	byURL map[string]string // scheme://host/path → role, for URLs of one role
	// shared holds the roles of the URLs that several endpoints share
	// (RFC 8414 lets a revocation endpoint be the token endpoint's URL):
	// which one a request plays is read from its body (RoleOf).
	shared map[string][]string
	// ResourceMetadataPrefix and ASMetadataPrefix match well-known URLs.
	prefixes [][2]string
}

// NewRoles builds the mapping from endpoint URLs (metadata member name →
// URL). Registration client URIs (below the registration endpoint) map to
// /register/{id}; the resource maps to /mcp.
func NewRoles(endpoints map[string]string, resource string) *Roles {
	r := &Roles{byURL: map[string]string{}, shared: map[string][]string{}}
	members := []struct{ member, role string }{
		{"authorization_endpoint", "/authorize"}, {"token_endpoint", "/token"}, {"revocation_endpoint", "/revoke"},
		{"introspection_endpoint", "/introspect"}, {"registration_endpoint", "/register"},
	}
	roles := map[string][]string{}
	for _, m := range members {
		if u := endpoints[m.member]; u != "" {
			roles[strip(u)] = append(roles[strip(u)], m.role)
		}
	}
	for u, rs := range roles {
		if len(rs) == 1 {
			r.byURL[u] = rs[0]
		} else {
			r.shared[u] = rs
		}
	}
	if resource != "" {
		r.byURL[strip(resource)] = "/mcp"
	}
	return r
}

func strip(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimSuffix(u.Path, "/")
}

// RoleOf is Role for a request with its body: at a URL that several
// endpoints share, a form with grant_type is a token request, one with
// token (and no grant_type) a revocation or introspection request, when
// only one of the two shares the URL; a request that cannot be told apart
// plays no role the contract judges ("").
func (r *Roles) RoleOf(u *url.URL, body []byte) string {
	rs, ok := r.shared[strip(u.String())]
	if !ok {
		return r.Role(u)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	var want []string
	switch {
	case form.Has("grant_type"):
		want = []string{"/token"}
	case form.Has("token"):
		want = []string{"/revoke", "/introspect"}
	}
	var found []string
	for _, role := range rs {
		if slices.Contains(want, role) {
			found = append(found, role)
		}
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// Role returns the contract path for a request URL, or "" when the URL plays
// no role the contract describes (or several, told apart by RoleOf).
func (r *Roles) Role(u *url.URL) string {
	p := u.Path
	switch {
	case strings.HasPrefix(p, "/.well-known/oauth-authorization-server"),
		// OpenID Connect Discovery serves the same document (RFC 8414 §5),
		// its suffix inserted (as RFC 8414 §3.1) or appended (OpenID Connect
		// Discovery 1.0 §4).
		strings.HasPrefix(p, "/.well-known/openid-configuration"),
		strings.HasSuffix(p, "/.well-known/openid-configuration"):
		return "/.well-known/oauth-authorization-server"
	case strings.HasPrefix(p, "/.well-known/oauth-protected-resource"):
		return "/.well-known/oauth-protected-resource"
	}
	key := strip(u.String())
	if role, ok := r.byURL[key]; ok {
		return role
	}
	// Registration client URIs live below the registration endpoint (RFC
	// 7592 does not require it, but it is by far the common layout).
	for k, role := range r.byURL {
		if role == "/register" && strings.HasPrefix(key, k+"/") {
			return "/register/" + url.PathEscape(strings.TrimPrefix(key, k+"/"))
		}
	}
	return ""
}

// RoleResolver maps a request URL to a contract path ("" for none).
type RoleResolver interface {
	Role(u *url.URL) string
}

// Recorder collects violations of every observed exchange; it implements
// httpx.Observer and is safe for concurrent use.
type Recorder struct {
	c     *Contract
	roles RoleResolver

	mu         sync.Mutex
	violations []Violation
	observed   map[string]int // operation → responses seen
	responses  int            // responses seen
}

// NewRecorder observes exchanges with roles resolving URLs.
func NewRecorder(c *Contract, roles RoleResolver) *Recorder {
	return &Recorder{c: c, roles: roles, observed: map[string]int{}}
}

// SetRoles replaces the URL mapping (after discovery learnt the endpoints).
func (r *Recorder) SetRoles(roles RoleResolver) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.roles = roles
}

// Observe implements httpx.Observer.
func (r *Recorder) Observe(req *http.Request, reqBody []byte, resp *http.Response, body []byte) {
	r.mu.Lock()
	roles := r.roles
	r.mu.Unlock()
	if roles == nil {
		return
	}
	role := roles.Role(req.URL)
	if br, ok := roles.(interface {
		RoleOf(*url.URL, []byte) string
	}); ok && role == "" {
		role = br.RoleOf(req.URL, reqBody) // a URL that several endpoints share
	}
	if role == "" {
		return
	}
	op, vs, err := r.c.Check(req.Method, role, resp.StatusCode, resp.Header, body)
	if err != nil {
		return // a method the contract does not describe for this role
	}
	auth := AuthStyle(req, reqBody)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.responses++
	for i := range vs {
		vs[i].URL = req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
		vs[i].Auth, vs[i].Response = auth, r.responses
	}
	r.observed[op]++
	r.violations = append(r.violations, vs...)
}

// Violations returns what was recorded so far.
func (r *Recorder) Violations() []Violation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Violation(nil), r.violations...)
}

// Observed returns how many responses were checked per operation.
func (r *Recorder) Observed() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.observed))
	for k, v := range r.observed {
		out[k] = v
	}
	return out
}

// Operations lists the operation IDs of the contract, sorted.
func (c *Contract) Operations() []string {
	var out []string
	for _, item := range c.doc.Paths.Map() {
		for _, op := range item.Operations() {
			out = append(out, op.OperationID)
		}
	}
	sort.Strings(out)
	return out
}

// Transport wraps a RoundTripper and records every response's violations
// (for tests of a server: roles resolve relative to its base URL).
type Transport struct {
	Base     http.RoundTripper
	Recorder *Recorder
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, rerr := readAllCapped(resp)
	if rerr != nil {
		return nil, rerr
	}
	t.Recorder.Observe(req, nil, resp, body)
	return resp, nil
}
