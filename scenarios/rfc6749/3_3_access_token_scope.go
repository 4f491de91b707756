package rfc6749

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// accessTokenScopeChecks returns the checks of RFC 6749 §3.3, Access Token
// Scope.
func accessTokenScopeChecks() []*suite.Check {
	cc := []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials}
	return []*suite.Check{
		{
			ID: "rfc6749-3.3-default-scope-reported", Spec: suite.RFC6749, Section: "3.3", Level: suite.Must,
			Requires: append(cc, vocab.FeatureIntrospection), Profiles: []vocab.Profile{vocab.ProfileCore},
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
	res, err := t.Token(ctx, c, clientCredentials(), "client_credentials without scope")
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(res)
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
		return expect.Fail(res, fmt.Sprintf("scope=%q in the token response", granted), "no scope member",
			"the client asked for no scope and was given %q without being told", granted).
			WithEvidence(intro.Exchange).
			WithFix("include scope in the token response whenever it differs from the requested scope, e.g. when a default scope applies")
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
		return "", res, nil
	}
	return strings.TrimSpace(*m.Scope), res, nil
}
