package rfc6749

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// unauthenticated is a copy of c that identifies itself with client_id
// alone, as a public client does.
func unauthenticated(c *fixture.Client) *fixture.Client {
	cp := *c
	cp.AuthMethod = "none"
	return &cp
}

// refusedUnauthenticated judges a request that a confidential client made
// without authenticating: any error passes, tokens fail.
func refusedUnauthenticated(res *httpx.Result, what string) error {
	if tokenreq.Issued(res) {
		return expect.Fail(res, "HTTP 401 (or 400) error=invalid_client", "HTTP 200 with tokens",
			"a confidential client got tokens for %s without authenticating: anyone who knows its client_id can", what).
			WithFix("require the client's credentials (client_secret_basic, client_secret_post, ...) from every confidential client at the token endpoint")
	}
	return nil
}

// sendRaw sends a token request built by hand: method to u, with body as
// contentType (none when empty) and authz as the Authorization header (none
// when empty).
func sendRaw(ctx context.Context, t *suite.T, method, u, contentType, body, authz, note string) (*httpx.Result, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("build token request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	return t.HTTP.Do(ctx, req, note)
}

// basic is an HTTP Basic Authorization header of user and password as given.
func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// tokenURL is the token endpoint with the parameters of q added to its query.
func tokenURL(t *suite.T, q url.Values) (string, error) {
	u, err := url.Parse(t.Target.Metadata.TokenEndpoint)
	if err != nil {
		return "", suite.SkipErr("token_endpoint %q is not a URL: %v", t.Target.Metadata.TokenEndpoint, err)
	}
	uq := u.Query()
	for k, vs := range q {
		uq[k] = vs
	}
	u.RawQuery = uq.Encode()
	return u.String(), nil
}

const formType = "application/x-www-form-urlencoded"

// clientCredentials is a minimal token request that every confidential
// client registered for client_credentials can make.
func clientCredentials() url.Values { return url.Values{"grant_type": {"client_credentials"}} }

// withBasic is a copy of c that authenticates with HTTP Basic.
func withBasic(c *fixture.Client) *fixture.Client {
	cp := *c
	cp.AuthMethod = "client_secret_basic"
	return &cp
}

// errorDescription is the error_description of an error response, if any.
func errorDescription(res *httpx.Result) string {
	m, _ := expect.JSONObject(res, false)
	desc, _ := m["error_description"].(string)
	return desc
}

// outcomeOf describes a response briefly: its status and error code.
func outcomeOf(res *httpx.Result) string {
	if expect.ErrorCode(res) == "" && tokenreq.Issued(res) {
		return "HTTP 200 with tokens"
	}
	return expect.Outcome(res)
}

// notRedirectedAt sends ar and fails if the server redirected to the
// client at all: requests it cannot attribute to a verified redirect URI
// must end on an error page (RFC 6749 §4.1.2.1). The request is sent as
// it is (Plain) even to a server that requires pushed authorization
// requests: it is the request anyone can send a person to, and such a
// server must not redirect it either.
func notRedirectedAt(ctx context.Context, t *suite.T, ar *fixture.AuthRequest, want, why, fix string) error {
	ar.Plain = true
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Callback != nil {
		return expect.Fail(res.Last, want, "a redirect to "+res.Callback.Redacted(), "%s", why).WithFix(fix)
	}
	return nil
}

// keywordlessErrorCode is why a §5.2 (or §4.1.2.1) error code definition,
// written without a keyword, binds the server at MUST level.
const keywordlessErrorCode = "RFC 6749 defines the error code of each condition (§5.2 and §4.1.2.1: \"error REQUIRED. A single ASCII [USASCII] error code from the following:\"): " +
	"a server that refuses the request must report the condition with the code defined for it."

// quoteInvalidRequest and quoteInvalidGrant are the RFC 6749 §5.2
// definitions of the two error codes.
const (
	quoteInvalidRequest = "invalid_request The request is missing a required parameter, includes an unsupported parameter value (other than grant type), repeats a parameter, includes multiple credentials, utilizes more than one mechanism for authenticating the client, or is otherwise malformed."
	quoteInvalidGrant   = "invalid_grant The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
)

type errResult struct {
	last  *httpx.Result
	state string
	// pushed is set when the request was pushed (the client must push its
	// authorization requests, RFC 9126) and the PAR endpoint refused it:
	// last is its answer, and the query holds the error code of its JSON
	// error (RFC 9126 §2.3), which goes to the client directly, without
	// state.
	pushed bool
}

// errorRedirect sends an authorization request altered by extra and returns
// the query of the redirect back to the client; where the client must push
// its requests and the PAR endpoint refused the pushed one, the error code
// of its answer (errResult.pushed). plain sends the request as it is even
// then (fixture.AuthRequest.Plain).
func errorRedirect(ctx context.Context, t *suite.T, extra url.Values, plain bool) (url.Values, *errResult, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, nil, err
	}
	ar := t.NewAuthRequest(c)
	ar.State = "authspec-err-" + fixture.RandomState()
	ar.Extra = extra
	ar.Plain = plain
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return nil, nil, err
	}
	if res.PushRefused() {
		return url.Values{"error": {res.PushError()}}, &errResult{last: res.Push, pushed: true}, nil
	}
	if res.Callback == nil {
		last := res.Last
		return nil, nil, notRedirected(last)
	}
	return res.Callback.Query(), &errResult{last: res.Last, state: ar.State}, nil
}

// notRedirected reports an authorization error shown to the person instead
// of being sent to the client. RFC 6749 §4.1.2.1 redirects it; RFC 9700
// §4.11.2 lets a server that does not trust a redirect URI show it instead:
// the specifications are in tension, so it is a WARN (an observation).
func notRedirected(last *httpx.Result) error {
	return expect.Fail(last, "a redirect to the client with error and state", "no redirect to the client",
		"the authorization error was shown to the person instead of being sent to the client, so the client cannot tell why its request failed "+
			"(RFC 6749 §4.1.2.1 redirects such errors; RFC 9700 §4.11.2 allows showing them when the redirect URI is not trusted)").
		WithFix("send errors other than a bad client_id or redirect_uri to the client's registered redirect URI with error and state").AsObservation()
}

// clientCredentialsBaseline is the client_credentials request of the
// run's client_credentials client, accepted (src.Baseline holds the token
// response); the checks of the grant itself are SKIP without it.
func clientCredentialsBaseline(ctx context.Context, t *suite.T) (*tokenreq.Source, error) {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return nil, err
	}
	if src.Kind != tokenreq.ClientCredentials {
		return nil, suite.SkipErr("no client may use the client_credentials grant: the confidential client's request was refused " +
			"(configure clients.client_credentials with a client allowed that grant)")
	}
	return src, nil
}

// judgeEndpointURL judges the URL of an endpoint the metadata publishes as
// member: absolute and without fragment (RFC 6749 §3.1, §3.2), and https,
// unless it is on a loopback address, as test deployments are.
func judgeEndpointURL(t *suite.T, member, ep string) error {
	if ep == "" {
		return suite.SkipErr("the metadata has no %s", member)
	}
	fail := func(want, why string) error {
		return expect.Fail(t.Target.MetadataResult, want, fmt.Sprintf("%s %q", member, ep), "%s", why).
			WithFix("publish the endpoint as an absolute https URL without fragment, and serve it over TLS")
	}
	u, err := url.Parse(ep)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fail("an absolute URL", "the "+member+" is not an absolute URL")
	case u.Fragment != "" || strings.Contains(ep, "#"):
		return fail("a URL without fragment", "the "+member+" has a fragment component, which RFC 6749 forbids for endpoint URIs")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
		t.Logf("the %s %s is http on a loopback address, as test deployments are: its scheme is not judged; run against the deployment served over https for that", member, ep)
		return nil
	}
	return fail("an https URL", "the "+member+" is not an https URL: credentials and tokens travel to it in clear text")
}

// judgeErrorValues holds the error, error_description and error_uri of an
// error response (get returns each when present) to the characters RFC 6749
// section (§4.1.2.1, §5.2) allows them.
func judgeErrorValues(res *httpx.Result, section string, get func(name string) (string, bool)) error {
	for _, p := range []struct {
		name  string
		space bool
	}{{"error", true}, {"error_description", true}, {"error_uri", false}} {
		v, ok := get(p.name)
		if !ok {
			continue
		}
		if i := strings.IndexFunc(v, func(r rune) bool { return !errorValueChar(r, p.space) }); i >= 0 {
			return expect.Fail(res, "characters of %x20-21 / %x23-5B / %x5D-7E only", fmt.Sprintf("%s=%q", p.name, v),
				"%s holds %q, outside the characters RFC 6749 %s allows", p.name, []rune(v[i:])[0], section).
				WithFix("escape or drop, in error values, the characters of the request that a description repeats: double quotes, backslashes, control and non-ASCII characters")
		}
	}
	return nil
}

// errorValueChar reports whether r may appear in an error value: %x21 /
// %x23-5B / %x5D-7E, and %x20 where space is allowed (not in error_uri).
func errorValueChar(r rune, space bool) bool {
	return (space && r == 0x20) || r == 0x21 || (r >= 0x23 && r <= 0x5b) || (r >= 0x5d && r <= 0x7e)
}

// introspectedScope asks the introspection endpoint (RFC 7662) for the scope
// of an active access token owned by c; an inactive token or an unusable
// answer is SKIP.
func introspectedScope(ctx context.Context, t *suite.T, c *fixture.Client, token string) (string, *httpx.Result, error) {
	return introspectedScopeWith(ctx, t, c, token, nil)
}

// scopedToken gets, for the control of introspectedScopeWith, an access
// token issued for a scope the server knows; nil: the run's usual tokens.
type scopedToken func(ctx context.Context) (string, error)

// introspectedScopeWith is introspectedScope with the control token of
// scoped (see introspectionReportsScope).
func introspectedScopeWith(ctx context.Context, t *suite.T, c *fixture.Client, token string, scoped scopedToken) (string, *httpx.Result, error) {
	ep := t.Target.Metadata.IntrospectionEndpoint
	if ep == "" {
		return "", nil, suite.SkipErr("the target has no introspection_endpoint; cannot tell the granted scope")
	}
	res, err := t.PostForm(ctx, ep, c, url.Values{"token": {token}}, "introspect the access token for its scope (RFC 7662)")
	if err != nil {
		return "", nil, err
	}
	var m struct {
		Active *bool   `json:"active"`
		Scope  *string `json:"scope"`
	}
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &m) != nil || m.Active == nil {
		return "", res, suite.SkipErr("introspection answered HTTP %d without an \"active\" member; cannot tell the granted scope", res.Status)
	}
	if !*m.Active {
		return "", res, suite.SkipErr("introspection says the new access token is not active; cannot tell the granted scope")
	}
	if m.Scope == nil {
		// OPTIONAL in RFC 7662 §2.2: its absence means no scope only on
		// a server that reports the scope of a token that has one.
		reports, err := introspectionReportsScope(ctx, t, c, scoped)
		if err != nil {
			return "", res, err
		}
		if !reports {
			return "", res, suite.SkipErr("introspection gives no scope member (OPTIONAL, RFC 7662 §2.2), not even for a token issued for the run's scopes; cannot tell the granted scope")
		}
		return "", res, nil
	}
	return strings.TrimSpace(*m.Scope), res, nil
}

// introspectionReportsScope tells whether the introspection endpoint
// reports the scope of a token that has one, introspected as c: the token
// of scoped, or (once per run) the run's usual tokens, for the config's
// scopes.
func introspectionReportsScope(ctx context.Context, t *suite.T, c *fixture.Client, scoped scopedToken) (bool, error) {
	shared := scoped == nil
	if shared {
		scoped = func(ctx context.Context) (string, error) {
			ts, err := t.TokensFor(ctx, c, nil)
			if err != nil {
				return "", err
			}
			return ts.AccessToken, nil
		}
	}
	probe := func(ctx context.Context, t *suite.T) (any, error) {
		token, err := scoped(ctx)
		if err != nil {
			var skip *suite.Skipped
			if errors.As(err, &skip) || fixture.IsUnavailable(err) {
				return false, nil
			}
			return nil, err
		}
		if token == "" {
			return false, nil
		}
		res, err := t.PostForm(ctx, t.Target.Metadata.IntrospectionEndpoint, c, url.Values{"token": {token}}, "introspect a token issued for a scope the server knows (does introspection report scope?)")
		if err != nil {
			return nil, err
		}
		var m struct {
			Scope *string `json:"scope"`
		}
		return res.Status == http.StatusOK && json.Unmarshal(res.Body, &m) == nil && m.Scope != nil && strings.TrimSpace(*m.Scope) != "", nil
	}
	var v any
	var err error
	if shared {
		v, err = t.Shared(ctx, "rfc6749.introspection-reports-scope", probe)
	} else {
		v, err = probe(ctx, t)
	}
	if err != nil {
		return false, err
	}
	return v.(bool), nil
}
