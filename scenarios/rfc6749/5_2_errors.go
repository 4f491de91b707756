package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// unknownScope is a scope no target defines.
const unknownScope = "authspec-unknown-scope"

// errorChecks covers more of the token endpoint's error response (RFC 6749 §5.2).
func errorChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-5.2-error-json", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential}, Profiles: []string{"core"},
			Title: "Token endpoint errors are application/json objects with an error member",
			Quote: "The parameters are included in the entity-body of the HTTP response using the \"application/json\" media type as defined by [RFC4627].",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := clientCredentials()
				form.Set("grant_type", "urn:authspec:unknown-grant")
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "token request with an unknown grant_type, to get an error")
				if err != nil {
					return err
				}
				if res.Status < 400 || res.Status > 499 {
					return suite.SkipErr("an unknown grant_type got HTTP %d, not an error (see rfc6749-5.2-unsupported-grant-type)", res.Status)
				}
				m, err := expect.JSONObject(res, true)
				if err != nil {
					return expect.WithFix(err, "send token endpoint errors as application/json: {\"error\": \"...\"}")
				}
				if e, _ := m["error"].(string); e == "" {
					return expect.Fail(res, `a string member "error"`, "members: "+expect.Keys(m), "the error response has no error code")
				}
				return nil
			},
		},
		{
			ID: "rfc6749-5.2-missing-grant-type-invalid-request", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential}, Profiles: []string{"core"},
			Title: "A token request without grant_type is refused with invalid_request",
			Quote: quoteInvalidRequest,
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := clientCredentials()
				form.Del("grant_type")
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "token request without grant_type")
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_request")
				return expect.WithFix(err, "a missing grant_type is a missing required parameter: answer 400 error=invalid_request")
			},
		},
		{
			ID: "rfc6749-5.2-unknown-scope-invalid-scope", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureClientCredentials}, Profiles: []string{"core"},
			Title: "An unknown scope is refused with invalid_scope, or dropped and the granted scope reported",
			Quote: "invalid_scope The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := clientCredentials()
				form.Set("scope", unknownScope)
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "client_credentials asking for an unknown scope")
				if err != nil {
					return err
				}
				if res.Status != http.StatusOK {
					_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_scope")
					return expect.WithFix(err, "answer a scope the server does not know with 400 error=invalid_scope")
				}
				// RFC 6749 §3.3 lets the server ignore part of the request,
				// but then it MUST say which scope it granted.
				m, err := expect.JSONObject(res, false)
				if err != nil {
					return err
				}
				granted, ok := m["scope"].(string)
				if !ok {
					return expect.WithFix(expect.Fail(res, "error=invalid_scope, or tokens with a scope member without the unknown scope",
						"tokens without a scope member", "the unknown scope was silently ignored: the client believes it got %q", unknownScope),
						"refuse unknown scopes with invalid_scope, or report the scope actually granted")
				}
				if slices.Contains(strings.Fields(granted), unknownScope) {
					return expect.Fail(res, "no scope the server does not define", fmt.Sprintf("scope=%q", granted),
						"the server granted a scope it does not define")
				}
				return nil
			},
		},
	}
}
