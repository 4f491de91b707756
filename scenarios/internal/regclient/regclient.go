// Package regclient holds what the RFC 7591 and RFC 7592 checks share:
// registering fresh clients, calling the client configuration endpoint, and
// finding out whether the token endpoint accepts a client's credentials.
package regclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// Registration is the outcome of a registration request.
type Registration struct {
	// Client is the registered client (ID empty when registration failed).
	Client *fixture.Client
	// Res is the registration response.
	Res *httpx.Result
	// Info is the parsed body of a 2xx response (nil otherwise or when the
	// body is not a JSON object).
	Info map[string]any
}

// OK reports whether the registration succeeded with a JSON object.
func (r *Registration) OK() bool { return r.Info != nil }

// SecretMethod returns the run's choice of client_secret method: basic, or
// post when the target lists only post.
func SecretMethod(t *suite.T) string { return t.Target.Metadata.SecretMethod() }

// DefaultMethod is the token_endpoint_auth_method of the checks' plain
// registrations: a client_secret method (SecretMethod) unless the target
// advertises neither and does advertise none.
func DefaultMethod(t *suite.T) string {
	ams := t.Target.Metadata.AuthMethods()
	if !slices.Contains(ams, "client_secret_basic") && !slices.Contains(ams, "client_secret_post") && slices.Contains(ams, "none") {
		return "none"
	}
	return SecretMethod(t)
}

// Metadata is the suite's registration request for method (see
// fixture.DefaultMetadata) with changes applied; a nil value deletes a member.
func Metadata(t *suite.T, method string, changes map[string]any) map[string]any {
	md := fixture.DefaultMetadata(t.RedirectURI(), method, t.Target.Metadata.GrantTypes())
	for k, v := range changes {
		if v == nil {
			delete(md, k)
		} else {
			md[k] = v
		}
	}
	return md
}

// Register sends a registration request with md.
func Register(ctx context.Context, t *suite.T, md map[string]any) (*Registration, error) {
	c, res, err := t.Register(ctx, md)
	if err != nil {
		return nil, err
	}
	if err := Authorized(t, res); err != nil {
		return nil, err
	}
	r := &Registration{Client: c, Res: res}
	if res.Status >= 200 && res.Status < 300 {
		var m map[string]any
		if json.Unmarshal(res.Body, &m) == nil && m != nil {
			r.Info = m
		}
	}
	return r, nil
}

// Authorized turns the answers of a registration endpoint that did not
// take the request at all into SKIP: 429 (rate limiting, RFC 7591 §3
// allows it) and 401/403 (the endpoint needs an initial access token, which
// RFC 7591 §3 allows: registration.initial_access_token in the config).
func Authorized(t *suite.T, res *httpx.Result) error {
	switch res.Status {
	case http.StatusTooManyRequests:
		return suite.SkipErr("the registration endpoint is rate-limiting (HTTP 429), which RFC 7591 §3 allows; rerun these checks with --parallel 1 or fewer at a time")
	case http.StatusUnauthorized, http.StatusForbidden:
		if t.Target.Config.Registration.InitialAccessToken == "" {
			return suite.SkipErr("the registration endpoint requires authorization (HTTP %d), which RFC 7591 §3 allows; give registration.initial_access_token in the config (rfc7591-3-open-registration reports this)", res.Status)
		}
		return suite.SkipErr("the registration endpoint refused the configured initial access token (HTTP %d); check registration.initial_access_token in the config", res.Status)
	}
	return nil
}

// MustRegister registers md and turns a failed registration into SKIP: the
// RFC 7591 checks report why registration fails; this check needs a client.
func MustRegister(ctx context.Context, t *suite.T, md map[string]any) (*Registration, error) {
	r, err := Register(ctx, t, md)
	if err != nil {
		return nil, err
	}
	if !r.OK() {
		return r, suite.SkipErr("registering a client failed with HTTP %d%s (the RFC 7591 checks report why)", r.Res.Status, expect.BodyHint(r.Res))
	}
	if r.Client.ID == "" {
		return r, suite.SkipErr("the registration response has no client_id (see rfc7591-3.2.1-client-id-present)")
	}
	return r, nil
}

// PostRaw sends body to the registration endpoint as application/json
// (with the configured initial access token).
func PostRaw(ctx context.Context, t *suite.T, body []byte, note string) (*httpx.Result, error) {
	return post(ctx, t, body, true, note)
}

// PostAnonymous sends body to the registration endpoint as
// application/json without any initial access token.
func PostAnonymous(ctx context.Context, t *suite.T, body []byte, note string) (*httpx.Result, error) {
	return post(ctx, t, body, false, note)
}

func post(ctx context.Context, t *suite.T, body []byte, withIAT bool, note string) (*httpx.Result, error) {
	ep := t.Target.Metadata.RegistrationEndpoint
	if ep == "" {
		return nil, suite.SkipErr("the target has no registration_endpoint")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("registration request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if iat := t.Target.Config.Registration.InitialAccessToken; iat != "" && withIAT {
		req.Header.Set("Authorization", "Bearer "+iat)
	}
	return t.HTTP.Do(ctx, req, note)
}

// Call sends an RFC 7592 request to a client configuration endpoint: token
// is sent as a Bearer token when non-empty, body as JSON when non-nil.
func Call(ctx context.Context, t *suite.T, method, uri, token string, body any, note string) (*httpx.Result, error) {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequestWithContext(ctx, method, uri, rd)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, uri, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("client configuration request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return t.HTTP.Do(ctx, req, note)
}

// Managed is a freshly registered client with RFC 7592 management.
type Managed struct {
	*Registration
	URI   string // registration_client_uri
	Token string // registration_access_token
}

// RegisterManaged registers a fresh client (metadata md, or the suite's
// confidential default when nil) and SKIPs when the response offers no
// client configuration endpoint.
func RegisterManaged(ctx context.Context, t *suite.T, md map[string]any) (*Managed, error) {
	if md == nil {
		md = Metadata(t, DefaultMethod(t), nil)
	}
	r, err := MustRegister(ctx, t, md)
	if err != nil {
		return nil, err
	}
	c := r.Client
	if c.RegistrationClientURI == "" || c.RegistrationAccessToken == "" {
		return nil, suite.SkipErr("the registration response has no registration_client_uri and registration_access_token: the target does not offer RFC 7592 client management (members: %s)", expect.Keys(r.Info))
	}
	u, err := url.Parse(c.RegistrationClientURI)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, suite.SkipErr("registration_client_uri %q is not a fully qualified http(s) URL (see rfc7592-3-registration-client-uri)", c.RegistrationClientURI)
	}
	return &Managed{Registration: r, URI: c.RegistrationClientURI, Token: c.RegistrationAccessToken}, nil
}

// Follow adopts what a client information response (RFC 7592 §3) renews:
// the server MAY issue a new registration access token and client secret
// in answer to a read or an update, and the client MUST then discard the
// previous ones (RFC 7592 §2.1, §2.2). Later calls use the new values.
func (m *Managed) Follow(t *suite.T, info map[string]any) {
	if tok, _ := info["registration_access_token"].(string); tok != "" && tok != m.Token {
		t.Transport.AddSecret(tok)
		t.Logf("the response carries a new registration access token (RFC 7592 allows it); the following calls use it")
		m.Token = tok
		m.Client.RegistrationAccessToken = tok
	}
	if sec, _ := info["client_secret"].(string); sec != "" && sec != m.Client.Secret {
		t.Transport.AddSecret(sec)
		t.Logf("the response carries a new client_secret (RFC 7592 allows it); the following calls use it")
		m.Client.Secret = sec
	}
}

// UpdateBody is an RFC 7592 §2.2 update request built from a client
// information response: every member as returned, except the four the
// request MUST NOT include, with changes applied (nil deletes).
func UpdateBody(info map[string]any, changes map[string]any) map[string]any {
	body := map[string]any{}
	for k, v := range info {
		switch k {
		case "registration_access_token", "registration_client_uri", "client_secret_expires_at", "client_id_issued_at":
			continue
		}
		body[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	return body
}

// IsInvalidClient reports whether res refuses the client's authentication:
// 401, or an error response with error=invalid_client.
func IsInvalidClient(res *httpx.Result) bool {
	if res.Status == http.StatusUnauthorized {
		return true
	}
	var m map[string]any
	if json.Unmarshal(res.Body, &m) != nil {
		return false
	}
	code, _ := m["error"].(string)
	return code == "invalid_client"
}

// Authenticates reports whether the token endpoint accepts c's credentials
// with c.AuthMethod. A client registered for client_credentials asks for a
// token: 200 means yes, invalid_client no. Otherwise an authorization_code
// request with a made-up code is answered invalid_grant when the client
// authenticated and invalid_client when it did not; since a server may look
// at the code first, the same request with wrong credentials must then yield
// invalid_client, or the probe cannot tell and the check is SKIP.
func Authenticates(ctx context.Context, t *suite.T, c *fixture.Client, note string) (bool, *httpx.Result, error) {
	if t.Target.Metadata.TokenEndpoint == "" {
		return false, nil, suite.SkipErr("the target has no token_endpoint")
	}
	switch c.AuthMethod {
	case "client_secret_basic", "client_secret_post", "none":
	default:
		return false, nil, suite.SkipErr("the client uses token_endpoint_auth_method %q, which authspec cannot perform", c.AuthMethod)
	}
	if !c.Public() && slices.Contains(c.GrantTypes, "client_credentials") && slices.Contains(t.Target.Metadata.GrantTypes(), "client_credentials") {
		res, err := t.Token(ctx, c, url.Values{"grant_type": {"client_credentials"}}, note+" (client_credentials)")
		if err != nil {
			return false, nil, err
		}
		switch {
		case res.Status == http.StatusOK:
			return true, res, nil
		case IsInvalidClient(res):
			return false, res, nil
		}
		// unauthorized_client and the like: fall back to the code probe.
	}
	form := func() url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {"authspec-not-a-code-" + fixture.RandomState()},
			"redirect_uri": {c.RedirectURI}, "code_verifier": {fixture.NewPKCE().Verifier}}
	}
	res, err := t.Token(ctx, c, form(), note+" (authorization_code with a made-up code: invalid_grant means the client authenticated)")
	if err != nil {
		return false, nil, err
	}
	if IsInvalidClient(res) {
		return false, res, nil
	}
	if res.Status != http.StatusBadRequest || expect.ErrorCode(res) == "" {
		return false, res, suite.SkipErr("a token request with a made-up code answered HTTP %d%s; cannot tell whether the client authenticated", res.Status, expect.BodyHint(res))
	}
	wrong := *c
	if c.Public() {
		wrong.ID = c.ID + "-authspec-unknown"
	} else {
		wrong.Secret = c.Secret + "-authspec-wrong"
	}
	ctl, err := t.Token(ctx, &wrong, form(), "control: the same request with wrong client credentials")
	if err != nil {
		return false, nil, err
	}
	if !IsInvalidClient(ctl) {
		return false, ctl, suite.SkipErr("the token endpoint answers a made-up code with error=%s whether or not the client credentials are right, so authspec cannot tell whether they work", expect.ErrorCode(res))
	}
	return true, res, nil
}

// Outcome describes a response briefly for messages: the status and the
// OAuth error code, if any.
func Outcome(res *httpx.Result) string {
	if res == nil {
		return "no response"
	}
	if res.Status == http.StatusOK && expect.ErrorCode(res) == "" {
		return "HTTP 200 (the request succeeded)"
	}
	return expect.Outcome(res)
}
