package rfc6749

import (
	"context"
	"net/http"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

func tokenResponseChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-5.1-cache-control-no-store", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "Token responses carry Cache-Control: no-store",
			Quote:    "The authorization server MUST include the HTTP \"Cache-Control\" response header field [RFC2616] with a value of \"no-store\" in any response containing tokens, credentials, or other sensitive information.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := successfulTokenResponse(ctx, t)
				if err != nil {
					return err
				}
				return expect.WithFix(expect.NoStore(res), "send Cache-Control: no-store (and Pragma: no-cache) with every token response")
			},
		},
		{
			ID: "rfc6749-5.1-token-type", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "Token responses are JSON with access_token and token_type",
			Quote:    "token_type REQUIRED. The type of the token issued as described in Section 7.1. Value is case insensitive.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, err := successfulTokenResponse(ctx, t)
				if err != nil {
					return err
				}
				m, err := expect.JSONObject(res, true)
				if err != nil {
					return err
				}
				if _, err := expect.Member(res, m, "access_token"); err != nil {
					return err
				}
				tt, err := expect.Member(res, m, "token_type")
				if err != nil {
					return expect.WithFix(err, `include "token_type": "Bearer" in every token response`)
				}
				if strings.TrimSpace(tt) == "" {
					return expect.Fail(res, "a token_type such as Bearer", `""`, "token_type is empty")
				}
				return nil
			},
		},
	}
}

func successfulTokenResponse(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	res, err := t.Fixtures.Token(ctx, t.HTTP, c, clientCredentials(), "client_credentials token request")
	if err != nil {
		return nil, err
	}
	if res.Status != http.StatusOK {
		return nil, suite.SkipErr("the client_credentials token request failed with HTTP %d (see rfc6749-2.3.1-basic-auth-accepted)", res.Status)
	}
	return res, nil
}
