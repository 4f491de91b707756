package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// otherRecommendationChecks returns the checks of RFC 9700 §2.6, Other
// Recommendations.
func otherRecommendationChecks() []*suite.Check {
	return []*suite.Check{noCORSAtAuthorizationEndpoint}
}

var noCORSAtAuthorizationEndpoint = &suite.Check{
	ID: "rfc9700-2.6-no-cors-at-authorization-endpoint", Spec: suite.RFC9700, Section: "2.6", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "The authorization endpoint does not allow cross-origin reads (no Access-Control-Allow-Origin, no CORS preflight)",
	Quote: "However, CORS MUST NOT be supported at the authorization endpoint, as the client does not access this endpoint directly; instead, the client redirects the user agent to it.",
	Run:   runNoCORSAtAuthorizationEndpoint,
}

func runNoCORSAtAuthorizationEndpoint(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	u, err := t.AuthURL(ctx, t.NewAuthRequest(c))
	if err != nil {
		return err
	}
	send := func(method, note string, headers map[string]string) (*httpx.Result, error) {
		req, err := http.NewRequestWithContext(ctx, method, u, nil)
		if err != nil {
			return nil, fmt.Errorf("build request: %w", err)
		}
		req.Header.Set("Origin", foreignOrigin)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return t.HTTP.Do(ctx, req, note)
	}
	preflight, err := send(http.MethodOptions, "CORS preflight of the authorization endpoint from another origin",
		map[string]string{"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
	if err != nil {
		return err
	}
	get, err := send(http.MethodGet, "authorization request sent as a cross-origin fetch (Origin header)", nil)
	if err != nil {
		return err
	}
	for _, res := range []*httpx.Result{preflight, get} {
		if acao := res.Header.Get("Access-Control-Allow-Origin"); acao != "" {
			who := "another origin"
			if strings.TrimSpace(acao) == "*" {
				who = "any origin"
			}
			return expect.Fail(res, "no Access-Control-Allow-Origin", "Access-Control-Allow-Origin: "+acao,
				"the authorization endpoint lets scripts of %s read its responses (%s request): a page of another site can read what it answers a logged-in person, such as the redirect carrying the code",
				who, res.Exchange.Request.Method).
				WithFix("send no CORS headers from the authorization endpoint and answer preflights without Access-Control-Allow-* (CORS belongs on endpoints clients call directly, such as the token endpoint)")
		}
	}
	return nil
}

// foreignOrigin is the Origin of the cross-site requests (never contacted).
const foreignOrigin = "https://cors.authspec.invalid"
