package rfc6749

import (
	"context"
	"fmt"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// accessTokenScopeChecks returns the checks of RFC 6749 §3.3, Access Token
// Scope.
func accessTokenScopeChecks() []*suite.Check {
	return []*suite.Check{defaultScopeReported}
}

var defaultScopeReported = &suite.Check{
	ID: "rfc6749-3.3-default-scope-reported", Spec: suite.RFC6749, Section: "3.3", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureIntrospection}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A token response to a request without scope names the scope granted by default",
	Quote: "If the issued access token scope is different from the one requested by the client, the authorization server MUST include the \"scope\" response parameter to inform the client of the actual scope granted.",
	Keywordless: "Whether a pre-defined default scope (§3.3: \"process the request using a pre-defined default value\") is \"different from the one requested\" " +
		"when the request names no scope is not settled by the text, and §3.3 lets the server make the default known by documentation " +
		"(\"SHOULD document its scope requirements and default value\"): an unreported default scope is a WARN, not a FAIL.",
	Run: runDefaultScopeReported,
}

func runDefaultScopeReported(ctx context.Context, t *suite.T) error {
	res, c, err := tokensWithoutScope(ctx, t)
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return suite.SkipErr("%v (the token request without scope failed)", err)
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

// tokensWithoutScope is a token response to a request that names no scope:
// a client_credentials request without scope when the client may use that
// grant, else the redemption of a code requested without scope.
func tokensWithoutScope(ctx context.Context, t *suite.T) (*httpx.Result, *fixture.Client, error) {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{})
	if err != nil {
		return nil, nil, err
	}
	if src.Kind == tokenreq.ClientCredentials {
		res, err := src.Send(ctx, src.Client, func(form url.Values) { form.Del("scope") }, "the token request without scope")
		return res, src.Client, err
	}
	g, err := t.CodeFor(ctx, src.Client, func(r *fixture.AuthRequest) { r.Scope = "" })
	if err != nil {
		return nil, nil, err
	}
	res, err := g.Redeem(ctx, nil)
	return res, src.Client, err
}
