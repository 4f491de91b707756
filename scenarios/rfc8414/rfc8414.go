// Package rfc8414 holds the checks of RFC 8414, OAuth 2.0 Authorization
// Server Metadata.
package rfc8414

import (
	"context"
	"mime"
	"net/http"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// Checks returns the RFC 8414 checks.
func Checks() []*suite.Check {
	meta := []suite.Feature{suite.FeatureMetadata}
	return []*suite.Check{
		{
			ID: "rfc8414-3.3-issuer-identical", Spec: suite.RFC8414, Section: "3.3", Level: suite.Must,
			Requires: meta, Profiles: []string{"core"},
			Title: "The issuer in the metadata is identical to the issuer the metadata was fetched for",
			Quote: "The \"issuer\" value returned MUST be identical to the authorization server's issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata.",
			Run: func(ctx context.Context, t *suite.T) error {
				res := t.Target.MetadataResult
				if got := t.Target.Metadata.Issuer; got != t.Target.Issuer {
					return expect.WithFix(expect.Fail(res, "issuer: "+t.Target.Issuer, "issuer: "+quoted(got),
						"clients must reject this metadata: the issuer differs (even a trailing slash counts)"),
						"serve the issuer exactly as clients are configured with it, or point authspec at the issuer the metadata names")
				}
				return nil
			},
		},
		{
			ID: "rfc8414-3.2-json-content-type", Spec: suite.RFC8414, Section: "3.2", Level: suite.Must,
			Requires: meta, Profiles: []string{"core"},
			Title: "The metadata is served as application/json",
			Quote: "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the \"application/json\" content type.",
			Run: func(ctx context.Context, t *suite.T) error {
				res := t.Target.MetadataResult
				mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
				if mt != "application/json" {
					return expect.WithFix(expect.Fail(res, "Content-Type: application/json", "Content-Type: "+quoted(res.Header.Get("Content-Type")),
						"the metadata is not declared as JSON"), "serve the metadata with Content-Type: application/json")
				}
				return nil
			},
		},
		{
			ID: "rfc8414-2-required-members", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
			Requires: meta, Profiles: []string{"core"},
			Title: "The metadata has the required members issuer and response_types_supported",
			Quote: "response_types_supported REQUIRED. JSON array containing a list of the OAuth 2.0 \"response_type\" values that this authorization server supports.",
			Run: func(ctx context.Context, t *suite.T) error {
				res := t.Target.MetadataResult
				raw := t.Target.Metadata.Raw
				for _, m := range []string{"issuer", "response_types_supported"} {
					if _, ok := raw[m]; !ok {
						return expect.Fail(res, "a "+m+" member", "absent; members: "+expect.Keys(raw), "the metadata lacks the required %q", m)
					}
				}
				if _, present, err := expect.StringList(raw, "response_types_supported"); err != nil || !present {
					return expect.Fail(res, "response_types_supported as an array of strings", quoted(errString(err)), "malformed response_types_supported")
				}
				return nil
			},
		},
		{
			ID: "rfc8414-2-registration-endpoint-registers", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureDCR}, Profiles: []string{"dcr"},
			Title: "The advertised registration_endpoint registers clients",
			Quote: "registration_endpoint OPTIONAL. URL of the authorization server's OAuth 2.0 Dynamic Client Registration endpoint [RFC7591].",
			Run: func(ctx context.Context, t *suite.T) error {
				md := fixture.DefaultMetadata(t.Fixtures.RedirectURI, "client_secret_basic", t.Target.Metadata.GrantTypes())
				c, res, err := t.Fixtures.Register(ctx, t.HTTP, md)
				if err != nil {
					return err
				}
				if res.Status != http.StatusCreated && res.Status != http.StatusOK {
					return expect.WithFix(expect.Fail(res, "HTTP 201 with a client_id", "HTTP "+http.StatusText(res.Status),
						"the registration_endpoint of the metadata does not register clients"),
						"advertise the URL that actually serves RFC 7591 registration (MCP clients register there blindly)")
				}
				if c.ID == "" {
					return expect.Fail(res, "a client_id", "none", "the registration response has no client_id")
				}
				return nil
			},
		},
		{
			ID: "rfc8414-2-code-challenge-methods-s256", Spec: suite.RFC8414, Section: "2", Level: suite.Should,
			Requires: meta, Profiles: []string{"pkce", "oauth2.1"},
			Title: "The metadata advertises PKCE with S256 in code_challenge_methods_supported",
			Quote: "code_challenge_methods_supported OPTIONAL. ... If omitted, the authorization server does not support PKCE.",
			Run: func(ctx context.Context, t *suite.T) error {
				res := t.Target.MetadataResult
				if !slices.Contains(t.Target.Metadata.CodeChallengeMethodsSupported, "S256") {
					return expect.WithFix(expect.Fail(res, `code_challenge_methods_supported: ["S256"]`,
						quoted(stringList(t.Target.Metadata.CodeChallengeMethodsSupported)),
						"clients read the absence of S256 as no PKCE support (MCP clients refuse to proceed)"),
						`add "code_challenge_methods_supported": ["S256"] to the metadata`)
				}
				return nil
			},
		},
	}
}

func quoted(s string) string { return "\"" + s + "\"" }

func errString(err error) string {
	if err == nil {
		return "absent"
	}
	return err.Error()
}

func stringList(l []string) string {
	if l == nil {
		return "absent"
	}
	out := "["
	for i, s := range l {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out + "]"
}
