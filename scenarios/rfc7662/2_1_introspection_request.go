package rfc7662

import (
	"context"
	"fmt"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// requestChecks returns the checks of RFC 7662 §2.1, Introspection Request.
func requestChecks() []*suite.Check {
	return []*suite.Check{requiresAuthorization, hintNotBinding}
}

var requiresAuthorization = &suite.Check{
	ID: "rfc7662-2.1-requires-authorization", Spec: suite.RFC7662, Section: "2.1", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The introspection endpoint refuses callers that do not authenticate",
	Quote: "To prevent token scanning attacks, the endpoint MUST also require some form of authorization to access this endpoint, such as client authentication as described in OAuth 2.0 [RFC6749] or a separate OAuth 2.0 access token such as the bearer token described in OAuth 2.0 Bearer Token Usage [RFC6750].",
	Run:   runRequiresAuthorization,
}

func runRequiresAuthorization(ctx context.Context, t *suite.T) error {
	_, token, err := freshToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, nil, token, nil, "introspect a valid token without any client authentication")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		active, _, m, jerr := activeOf(res)
		if jerr == nil && !active && len(m) == 1 {
			// Answered, but tells nothing: no scanning is possible.
			t.Logf("the unauthenticated call got HTTP %d with only active=false", res.Status)
			return nil
		}
		return expect.Fail(res, "HTTP 401 (or another refusal) for an unauthenticated caller", fmt.Sprintf("HTTP %d %s", res.Status, res.Snippet()),
			"anyone can introspect tokens: token scanning is possible").
			WithFix("require client authentication (or a bearer token) at the introspection endpoint")
	}
	return nil
}

var hintNotBinding = &suite.Check{
	ID: "rfc7662-2.1-hint-not-binding", Spec: suite.RFC7662, Section: "2.1", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A wrong token_type_hint does not hide the token",
	Quote: "If the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types.",
	Run:   runHintNotBinding,
}

func runHintNotBinding(ctx context.Context, t *suite.T) error {
	in, err := introspectFresh(ctx, t, "introspect the access token without a hint")
	if err != nil {
		return err
	}
	if active, _, err := okIntrospection(in.res); err != nil || !active {
		return suite.SkipErr("the access token was not introspected as active, so a hint's effect cannot be observed")
	}
	res, err := introspect(ctx, t, in.client, in.token, url.Values{"token_type_hint": {"refresh_token"}}, "introspect the access token with token_type_hint=refresh_token")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if !active {
		return expect.Fail(res, `"active": true`, `"active": false`,
			"with a wrong token_type_hint the access token was reported inactive").
			WithFix("treat token_type_hint as a hint: search every token type when the hinted one does not match")
	}
	return nil
}
