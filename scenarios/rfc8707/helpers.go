package rfc8707

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// unknownResource is an absolute URI no authorization server serves.
const unknownResource = "https://authspec.invalid/unknown-api"

// observation is the Keywordless reason of the checks that report, and
// only report, how a server treats resource values RFC 8707 does not
// oblige it to refuse.
const observation = "an observation, reported as WARN and never FAIL, and only for a server that shows it implements resource indicators " +
	"(a token requested for the resource names it in its audience, one requested without does not): RFC 8707 writes its server-side " +
	"\"should reject\" and \"may limit\" in lowercase, which RFC 8174 (adopted in §1.1) makes no requirement, and leaves acceptable resources " +
	"to the server (§2.2); a server without resource indicators ignores the parameter (RFC 6749 §3.1) and is not judged"

// lax reports a resource value the server accepted although RFC 8707 does
// not allow the client to send it (or the grant does not cover it): an
// observation when the server shows that it implements resource
// indicators, SKIP otherwise (ignoring an unrecognized parameter is what
// RFC 6749 §3.1 requires of a server without them).
func lax(ctx context.Context, t *suite.T, res *httpx.Result, want, got, what, fix string) error {
	ok, why, err := probe.ResourceIndicators(ctx, t)
	if err != nil {
		return err
	}
	if !ok {
		return suite.SkipErr("the server accepted %s, which a server without resource indicators does lawfully (RFC 6749 §3.1: unrecognized parameters are ignored), "+
			"and nothing shows that it has them: %s", what, why)
	}
	return expect.Fail(res, want, got, "the server accepted %s although it implements resource indicators (%s)", what, why).
		WithFix(fix).
		AsObservation()
}

// keptGrantAudience reads the audience of the access token of res, issued
// to c for a token request that named foreign, a resource outside the
// grant: a server may ignore that resource and issue the token for the
// grant's resources (RFC 8707 §2.2 leaves the acceptable resources to it),
// which is no widening. It reports true (logged) when the audience is read
// and leaves foreign out; false when it names it or cannot be read.
func keptGrantAudience(ctx context.Context, t *suite.T, c *fixture.Client, res *httpx.Result, foreign string) (bool, error) {
	ts, err := t.ParseTokens(res) // also redacts the tokens
	if err != nil || ts.AccessToken == "" {
		return false, nil
	}
	aud, src, err := probe.Aud(ctx, t, c, ts.AccessToken)
	if err != nil || src == "" || len(aud) == 0 || probe.NamesResource(aud, foreign) {
		return false, err
	}
	t.Logf("the server issued a token whose %s audience %v leaves %s out: it ignored the resource outside the grant", src, aud, foreign)
	return true, nil
}

// baseline makes sure that the run's usual authorization with the resource
// gives tokens (once per run): a refusal of a variation proves nothing
// otherwise.
func baseline(ctx context.Context, t *suite.T) error {
	_, err := probe.TokenAudiences(ctx, t)
	return err
}

// clientCredentials sends a client credentials token request of the
// confidential client for resource.
func clientCredentials(ctx context.Context, t *suite.T, resource string) (*httpx.Result, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {resource}}
	if len(t.Target.Config.Scopes) > 0 {
		form.Set("scope", t.Target.Config.Scopes[0])
	}
	res, err := t.Token(ctx, c, form, "client credentials token request with resource="+resource)
	if err == nil && res.Status == http.StatusOK {
		_, _ = t.ParseTokens(res) // redact the token
	}
	return res, err
}

// authorizeWith sends an authorization request of the confidential client
// with resources.
func authorizeWith(ctx context.Context, t *suite.T, resources ...string) (*fixture.AuthzResult, *fixture.AuthRequest, error) {
	ar, res, err := t.TryAuthorizeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = resources })
	return res, ar, err
}

// badResource sends an authorization request with the resource v, which a
// client must not send. A refusal, redirected with any error or shown as a
// page (RFC 9700 §4.11.2), is right; a code is reported by lax.
func badResource(ctx context.Context, t *suite.T, v, fix string) error {
	if err := baseline(ctx, t); err != nil {
		return err
	}
	res, ar, err := authorizeWith(ctx, t, v)
	if err != nil {
		return err
	}
	if res.Callback == nil || res.Param("code") == "" {
		t.Logf("refused: %s", refusal(res))
		return nil
	}
	return lax(ctx, t, res.Last, "an error (invalid_target)", "an authorization code", "the resource "+quoted(ar.Resources), fix)
}

func refusal(res *fixture.AuthzResult) string {
	switch e := res.ErrorCode(); {
	case res.PushRefused():
		return fmt.Sprintf("the push refused (HTTP %d error=%s)", res.Push.Status, e)
	case e != "":
		return "error=" + e
	case res.Last != nil:
		return fmt.Sprintf("a page (HTTP %d)", res.Last.Status)
	}
	return "no redirect to the client"
}

func quoted(vs []string) string {
	out := ""
	for i, v := range vs {
		if i > 0 {
			out += ", "
		}
		out += `"` + v + `"`
	}
	return out
}

// introspectedScope is the scope introspection (RFC 7662) gives an active
// access token of c; SKIP when the target has no introspection endpoint c
// may use or the answer has no scope.
func introspectedScope(ctx context.Context, t *suite.T, c *fixture.Client, token string) (string, *httpx.Result, error) {
	ep := t.Target.Metadata.IntrospectionEndpoint
	if ep == "" || c.Public() {
		return "", nil, suite.SkipErr("the token response has no scope, and the token's scope cannot be read (no introspection endpoint the run's client may use)")
	}
	res, err := t.PostForm(ctx, ep, c, url.Values{"token": {token}}, "introspect the access token for its scope (RFC 7662)")
	if err != nil {
		return "", nil, err
	}
	var m struct {
		Active bool    `json:"active"`
		Scope  *string `json:"scope"`
	}
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &m) != nil || !m.Active || m.Scope == nil {
		return "", res, suite.SkipErr("introspection answered %s without an active token's scope; the token's scope cannot be read", expect.Outcome(res))
	}
	return *m.Scope, res, nil
}

// sameScope reports whether two scopes hold the same values.
func sameScope(a, b []string) bool {
	return !slices.ContainsFunc(a, func(v string) bool { return !slices.Contains(b, v) }) &&
		!slices.ContainsFunc(b, func(v string) bool { return !slices.Contains(a, v) })
}
