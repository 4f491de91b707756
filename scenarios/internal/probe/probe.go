// Package probe holds what the checks of several specifications share to
// probe a target: how the protected resource is called (an MCP server with
// the JSON-RPC initialize an MCP client sends, a plain resource with GET,
// then POST when GET is not served) and whether it is an MCP server; the
// probes of the resource that checks of several specifications judge
// (no token, a made-up token, a malformed header, a token lacking scope),
// made once per run; tokens whose audience is known (for the audience
// checks of RFC 8707 and MCP); whether a token is still usable (the
// protected resource, RFC 6750, when a resource is configured, else the
// introspection endpoint, RFC 7662); the Bearer challenges of
// WWW-Authenticate; and variants of values that a lax comparison would let
// through (SwapCase).
package probe

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// CanProbe reports whether AccessTokenActive can answer, and if not why.
func CanProbe(t *suite.T) (bool, string) {
	if t.Target.Resource != "" || t.Target.Metadata.IntrospectionEndpoint != "" {
		return true, ""
	}
	return false, "cannot tell whether a token is still valid: configure resource: (a protected resource accepting the tokens) or advertise an introspection_endpoint"
}

// AccessTokenActive reports whether the target still accepts an access
// token. owner is the client the token was issued to (used for
// introspection). The result carries the exchange that shows the answer.
func AccessTokenActive(ctx context.Context, t *suite.T, owner *fixture.Client, token string) (bool, *httpx.Result, error) {
	if t.Target.Resource != "" {
		res, err := Call(ctx, t, t.Target.Resource, "Bearer "+token, "call the protected resource with the access token")
		if err != nil {
			return false, res, err
		}
		switch {
		case res.Status >= 200 && res.Status < 300:
			return true, res, nil
		case res.Status == http.StatusUnauthorized:
			return false, res, nil
		default:
			return false, res, suite.SkipErr("the protected resource %s answered HTTP %d to a bearer request; cannot judge token validity", t.Target.Resource, res.Status)
		}
	}
	if CanIntrospect(t, owner) {
		return IntrospectActive(ctx, t, owner, token)
	}
	_, why := CanProbe(t)
	return false, nil, suite.SkipErr("%s", why)
}

// CanIntrospect reports whether owner can introspect its tokens: the
// metadata names an introspection endpoint and owner has credentials.
func CanIntrospect(t *suite.T, owner *fixture.Client) bool {
	return t.Target.Metadata.IntrospectionEndpoint != "" && owner != nil && !owner.Public()
}

// IntrospectActive asks the introspection endpoint, as owner, whether
// token is active (RFC 7662); an answer without "active" is SKIP.
func IntrospectActive(ctx context.Context, t *suite.T, owner *fixture.Client, token string) (bool, *httpx.Result, error) {
	res, err := t.PostForm(ctx, t.Target.Metadata.IntrospectionEndpoint, owner, url.Values{"token": {token}}, "introspect the access token (RFC 7662)")
	if err != nil {
		return false, nil, err
	}
	var m struct {
		Active *bool `json:"active"`
	}
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &m) != nil || m.Active == nil {
		return false, res, suite.SkipErr("introspection answered HTTP %d without an \"active\" member; cannot judge token validity", res.Status)
	}
	return *m.Active, res, nil
}

// SwapCase inverts the case of ASCII letters: a value that differs from v
// only where a case-insensitive comparison would not see it.
func SwapCase(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, v)
}

// CodeRefused judges an authorization request that the server must refuse
// with invalid_request: client c's usual request changed by change (what
// says how, as for CodeIssued). A code that comes back is a failure that
// says the harm and the fix; a refusal is nil.
func CodeRefused(ctx context.Context, t *suite.T, c *fixture.Client, change func(*fixture.AuthRequest), what, harm, fix string) error {
	issued, last, err := CodeIssued(ctx, t, c, change, what)
	if err != nil || !issued {
		return err
	}
	return expect.Fail(last, "error=invalid_request", "an authorization code", "%s", harm).WithFix(fix)
}

// CodeIssued sends client c's usual authorization request (c nil: the
// confidential client) changed by change, and reports whether a code came
// back, with the exchange that delivered it when the suite saw one (a
// browser flow may not). A request that ends without a code counts as
// refused only when the same client's usual request gets one (a login page
// authspec cannot pass is no refusal): otherwise it is SKIP, the outcome
// of the request what (e.g. "without PKCE") saying nothing.
func CodeIssued(ctx context.Context, t *suite.T, c *fixture.Client, change func(*fixture.AuthRequest), what string) (bool, *httpx.Result, error) {
	ar, res, err := t.TryAuthorizeFor(ctx, c, change)
	if err != nil {
		return false, nil, err
	}
	if res.Param("code") != "" {
		return true, res.Last, nil
	}
	if _, err := t.CodeFor(ctx, ar.Client, nil); err != nil {
		return false, nil, suite.SkipErr("the same request with PKCE S256 gets no code either (%v), so the outcome %s says nothing", err, what)
	}
	return false, nil, nil
}

// Redeemed redeems a new code of the run's client and shows that its access
// token works (CanProbe, AccessTokenActive), the baseline of a check that
// replays the code: a token refused after the replay proves something only
// if it was accepted before. first is the redemption's response.
func Redeemed(ctx context.Context, t *suite.T) (g *suite.Grant, first *httpx.Result, ts *fixture.TokenSet, err error) {
	if ok, why := CanProbe(t); !ok {
		return nil, nil, nil, suite.SkipErr("%s", why)
	}
	if g, first, err = t.RedeemNew(ctx, nil, nil); err != nil {
		return nil, nil, nil, err
	}
	if ts, err = t.ParseTokens(first); err != nil {
		return nil, nil, nil, err
	}
	before, _, err := AccessTokenActive(ctx, t, g.Client, ts.AccessToken)
	if err != nil {
		return nil, nil, nil, err
	}
	if !before {
		return nil, nil, nil, suite.SkipErr("the access token is not accepted even before the code is replayed, so its refusal afterwards would prove nothing")
	}
	return g, first, ts, nil
}
