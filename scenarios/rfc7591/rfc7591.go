// Package rfc7591 holds the checks of RFC 7591, OAuth 2.0 Dynamic Client
// Registration.
package rfc7591

import (
	"context"
	"net/http"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// Checks returns the RFC 7591 checks.
func Checks() []*suite.Check {
	dcr := []suite.Feature{suite.FeatureDCR}
	return []*suite.Check{
		{
			ID: "rfc7591-3.2.1-201-created", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
			Requires: dcr, Profiles: []string{"dcr"},
			Title: "A successful registration answers 201 Created with JSON",
			Quote: "The server responds with an HTTP 201 Created status code and a body of type \"application/json\" with content as described in Section 3.2.1.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, _, err := register(ctx, t, nil)
				if err != nil {
					return err
				}
				if err := expect.Status(res, http.StatusCreated); err != nil {
					return expect.WithFix(err, "answer successful registrations with 201 Created")
				}
				_, err = expect.JSONObject(res, true)
				return err
			},
		},
		{
			ID: "rfc7591-3.2.1-secret-expires-at", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
			Requires: dcr, Profiles: []string{"dcr"},
			Title: "client_secret_expires_at accompanies an issued client_secret",
			Quote: "client_secret_expires_at REQUIRED if \"client_secret\" is issued. Time at which the client secret will expire or 0 if it will not expire.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, m, err := register(ctx, t, nil)
				if err != nil {
					return err
				}
				if _, ok := m["client_secret"]; !ok {
					return suite.SkipErr("the registration issued no client_secret")
				}
				v, ok := m["client_secret_expires_at"]
				if !ok {
					return expect.WithFix(expect.Fail(res, "client_secret_expires_at (0 for never)", "absent",
						"clients cannot tell when the secret expires; many clients refuse the response"),
						`add "client_secret_expires_at": 0 (or the expiry time) to responses that carry a client_secret`)
				}
				if _, isNum := v.(float64); !isNum {
					return expect.Fail(res, "client_secret_expires_at as a number", "a "+typeName(v), "client_secret_expires_at has the wrong type")
				}
				return nil
			},
		},
		{
			ID: "rfc7591-3.2.1-metadata-echoed", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
			Requires: dcr, Profiles: []string{"dcr"},
			Title: "The registration response contains the registered metadata",
			Quote: "The response MUST contain all registered metadata about the client, including any fields provisioned by the authorization server itself.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, m, err := register(ctx, t, map[string]any{"client_name": "authspec echo check"})
				if err != nil {
					return err
				}
				if got, _ := m["client_name"].(string); got != "authspec echo check" {
					return expect.Fail(res, `client_name: "authspec echo check"`, "client_name: "+typeName(m["client_name"]), "the response does not echo client_name")
				}
				uris, _, _ := expect.StringList(m, "redirect_uris")
				if !slices.Contains(uris, t.Fixtures.RedirectURI) {
					return expect.Fail(res, "redirect_uris containing "+t.Fixtures.RedirectURI, "members: "+expect.Keys(m), "the response does not echo redirect_uris")
				}
				return nil
			},
		},
		{
			ID: "rfc7591-2-defaults-registered", Spec: suite.RFC7591, Section: "2", Level: suite.Must,
			Requires: dcr, Profiles: []string{"dcr"},
			Title: "Omitted metadata takes the RFC 7591 defaults, and the response says so",
			Quote: "token_endpoint_auth_method ... If unspecified or omitted, the default is \"client_secret_basic\"",
			Run: func(ctx context.Context, t *suite.T) error {
				res, m, err := register(ctx, t, map[string]any{"token_endpoint_auth_method": nil, "grant_types": nil, "response_types": nil})
				if err != nil {
					return err
				}
				if got, _ := m["token_endpoint_auth_method"].(string); got != "client_secret_basic" {
					return expect.WithFix(expect.Fail(res, `token_endpoint_auth_method: "client_secret_basic"`, "token_endpoint_auth_method: "+typeName(m["token_endpoint_auth_method"]),
						"the registered authentication method is not the RFC 7591 default, or not stated"),
						"apply the defaults (client_secret_basic, authorization_code, code) and return them in the response")
				}
				gts, _, _ := expect.StringList(m, "grant_types")
				if !slices.Contains(gts, "authorization_code") {
					return expect.Fail(res, `grant_types: ["authorization_code"]`, "grant_types: "+typeName(m["grant_types"]), "the default grant type is not registered")
				}
				return nil
			},
		},
		{
			ID: "rfc7591-2-unknown-metadata-ignored", Spec: suite.RFC7591, Section: "2", Level: suite.Must,
			Requires: dcr, Profiles: []string{"dcr"},
			Title: "Unknown client metadata is ignored, not refused",
			Quote: "The authorization server MUST ignore any client metadata sent by the client that it does not understand",
			Run: func(ctx context.Context, t *suite.T) error {
				res, _, err := register(ctx, t, map[string]any{"authspec_unknown_extension": map[string]any{"x": 1}})
				if err != nil {
					return err
				}
				return expect.WithFix(expect.Status(res, http.StatusCreated, http.StatusOK),
					"ignore metadata you do not understand (clients send vendor extensions and newer RFC fields)")
			},
		},
		{
			ID: "rfc7591-3.2.2-fragment-redirect-refused", Spec: suite.RFC7591, Section: "3.2.2", Level: suite.Must,
			Requires: dcr, Profiles: []string{"dcr"},
			Title: "A redirect URI with a fragment is refused with invalid_redirect_uri",
			Quote: "The endpoint URI MUST NOT include a fragment component. (RFC 6749 §3.1.2) — invalid_redirect_uri: The value of one or more redirection URIs is invalid.",
			Run: func(ctx context.Context, t *suite.T) error {
				res, _, err := register(ctx, t, map[string]any{"redirect_uris": []string{t.Fixtures.RedirectURI + "#fragment"}})
				if err != nil {
					return err
				}
				_, err = expect.OAuthError(res, []int{http.StatusBadRequest}, "invalid_redirect_uri", "invalid_client_metadata")
				return expect.WithFix(err, "refuse redirect URIs with a fragment: an authorization response would be delivered to a URI that cannot match exactly")
			},
		},
	}
}

// register sends the suite's default registration merged with changes (a
// nil value deletes a member) and parses a successful response.
func register(ctx context.Context, t *suite.T, changes map[string]any) (*httpx.Result, map[string]any, error) {
	md := map[string]any{
		"redirect_uris":              []string{t.Fixtures.RedirectURI},
		"token_endpoint_auth_method": "client_secret_basic",
		"grant_types":                []string{"authorization_code"},
		"response_types":             []string{"code"},
		"client_name":                "authspec conformance client",
	}
	for k, v := range changes {
		if v == nil {
			delete(md, k)
		} else {
			md[k] = v
		}
	}
	_, res, err := t.Fixtures.Register(ctx, t.HTTP, md)
	if err != nil {
		return nil, nil, err
	}
	var m map[string]any
	if res.Status == http.StatusCreated || res.Status == http.StatusOK {
		m, err = expect.JSONObject(res, false)
		if err != nil {
			return res, nil, err
		}
	}
	return res, m, nil
}

func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "absent"
	case string:
		return "\"" + x + "\""
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case bool:
		return "boolean"
	}
	return "value"
}
