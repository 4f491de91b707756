package rfc6749

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// successfulResponseChecks covers more of the successful token response
// (RFC 6749 §3.3, §5.1).
func successfulResponseChecks() []*suite.Check {
	cc := []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials}
	return []*suite.Check{
		{
			ID: "rfc6749-5.1-expires-in-seconds", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
			Requires: cc, Profiles: []string{"core"},
			Title: "expires_in, when present, is a JSON number of seconds",
			Quote: "Parameter names and string values are included as JSON strings. Numerical values are included as JSON numbers.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := successfulTokenResponse(ctx, t)
				if err != nil {
					return err
				}
				m, err := expect.JSONObject(res, false)
				if err != nil {
					return err
				}
				v, ok := m["expires_in"]
				if !ok {
					return nil // RECOMMENDED, not required
				}
				n, isNum := v.(float64)
				if !isNum || n <= 0 || n != math.Trunc(n) {
					return expect.WithFix(expect.Fail(res, "expires_in as a positive JSON integer (seconds)", fmt.Sprintf("%T %v", v, v),
						"clients that read expires_in as a number cannot tell when the access token expires"),
						`send "expires_in": 3600, a JSON number of seconds, not a string`)
				}
				return nil
			},
		},
		{
			ID: "rfc6749-5.1-pragma-no-cache", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
			Requires: cc, Profiles: []string{"core"},
			Title: "Token responses carry Pragma: no-cache (a missing one is reported as a warning: RFC 9111 deprecates Pragma)",
			Quote: "The authorization server MUST include the HTTP \"Cache-Control\" response header field [RFC2616] with a value of \"no-store\" in any response containing tokens, credentials, or other sensitive information, as well as the \"Pragma\" response header field [RFC2616] with a value of \"no-cache\".",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := successfulTokenResponse(ctx, t)
				if err != nil {
					return err
				}
				for _, v := range res.Header.Values("Pragma") {
					for _, d := range strings.Split(v, ",") {
						if strings.EqualFold(strings.TrimSpace(d), "no-cache") {
							return nil
						}
					}
				}
				got := strings.Join(res.Header.Values("Pragma"), ", ")
				if got == "" {
					got = "no Pragma header"
				}
				// RFC 9111 §5.4 deprecates Pragma and OAuth 2.1 no longer
				// requires it: a tension, reported but not failed.
				return expect.Observation(expect.WithFix(expect.Fail(res, "Pragma: no-cache", got,
					"RFC 6749 requires Pragma: no-cache for HTTP/1.0 caches; RFC 9111 deprecates the header and OAuth 2.1 drops it"),
					"add Pragma: no-cache next to Cache-Control: no-store if HTTP/1.0 caches may sit between clients and the server"))
			},
		},
		{
			ID: "rfc6749-3.3-default-scope-reported", Spec: suite.RFC6749, Section: "3.3", Level: suite.Must,
			Requires: append(cc, suite.FeatureIntrospection), Profiles: []string{"core"},
			Title: "A token response to a request without scope names the scope granted by default",
			Quote: "If the issued access token scope is different from the one requested by the client, the authorization server MUST include the \"scope\" response parameter to inform the client of the actual scope granted.",
			Run:   runDefaultScopeReported,
		},
	}
}

func runDefaultScopeReported(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := t.Fixtures.Token(ctx, t.HTTP, c, clientCredentials(), "client_credentials without scope")
	if err != nil {
		return err
	}
	ts, err := t.Fixtures.ParseTokens(res)
	if err != nil {
		return suite.SkipErr("%v (see rfc6749-2.3.1-basic-auth-accepted)", err)
	}
	if _, ok := ts.Raw["scope"]; ok {
		return nil
	}
	granted, intro, err := introspectedScope(ctx, t, c, ts.AccessToken)
	if err != nil {
		return err
	}
	if granted != "" {
		return expect.WithFix(expect.Evidence(expect.Fail(res, fmt.Sprintf("scope=%q in the token response", granted), "no scope member",
			"the client asked for no scope and was given %q without being told", granted), intro.Exchange),
			"include scope in the token response whenever it differs from the requested scope, e.g. when a default scope applies")
	}
	return nil
}

// introspectedScope asks the introspection endpoint (RFC 7662) for the scope
// of an active access token owned by c; an inactive token or an unusable
// answer is SKIP.
func introspectedScope(ctx context.Context, t *suite.T, c *fixture.Client, token string) (string, *httpx.Result, error) {
	ep := t.Target.Metadata.IntrospectionEndpoint
	if ep == "" {
		return "", nil, suite.SkipErr("the target has no introspection_endpoint; cannot tell the granted scope")
	}
	res, err := t.Fixtures.PostForm(ctx, t.HTTP, ep, c, url.Values{"token": {token}}, "introspect the access token for its scope (RFC 7662)")
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
		return "", res, nil
	}
	return strings.TrimSpace(*m.Scope), res, nil
}
