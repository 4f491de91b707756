package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// Grants the BCP retires (RFC 9700 §2.1.2, §2.4).
func grantChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9700-2.1.2-no-implicit-grant", Spec: suite.RFC9700, Section: "2.1.2", Level: suite.ShouldNot,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureAuthCode}, Profiles: []string{"core", "oauth2.1"},
			Title: "response_type=token is refused: no access token travels in the authorization response (implicit grant)",
			Quote: "In order to avoid these issues, clients SHOULD NOT use the implicit grant (response type \"token\") or other response types issuing access tokens in the authorization response",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				ar := t.NewAuthRequest(c)
				ar.Extra = url.Values{"response_type": {"token"}}
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res == nil {
					return nil
				}
				var leaked string
				if res.Callback != nil {
					frag, _ := url.ParseQuery(res.Callback.Fragment)
					if frag.Get("access_token") != "" || res.Callback.Query().Get("access_token") != "" {
						leaked = res.Callback.Redacted()
					}
				}
				for _, p := range res.Pages { // a browser does not see fragments in requests
					if loc := p.Header["location"]; strings.Contains(loc, "access_token=") {
						leaked = "Location of " + p.URL
					}
				}
				if leaked != "" {
					return expect.WithFix(expect.Fail(lastOf(res), "error=unsupported_response_type", "an access token in the redirect ("+leaked+")",
						"the server runs the implicit grant: access tokens end up in browser history, referrers and logs, and can be injected"),
						"remove response_type=token; clients use the authorization code grant with PKCE")
				}
				return nil
			},
		},
		{
			ID: "rfc9700-2.4-no-password-grant", Spec: suite.RFC9700, Section: "2.4", Level: suite.MustNot,
			Requires: []suite.Feature{suite.FeatureConfidential}, Profiles: []string{"core", "oauth2.1"},
			Title: "The token endpoint does not offer the resource owner password credentials grant",
			Quote: "The resource owner password credentials grant [RFC6749] MUST NOT be used.",
			Run: func(ctx context.Context, t *suite.T) error {
				c, err := t.Confidential(ctx)
				if err != nil {
					return err
				}
				form := url.Values{"grant_type": {"password"}, "username": {"authspec-nobody"}, "password": {"authspec-" + fixture.RandomState()}}
				res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "try the password grant with made-up credentials")
				if err != nil {
					return err
				}
				advertised := slices.Contains(t.Target.Metadata.GrantTypesSupported, "password")
				body, _ := expect.JSONObject(res, false)
				code, _ := body["error"].(string)
				switch {
				case res.Status == http.StatusOK:
					return expect.WithFix(expect.Fail(res, "error=unsupported_grant_type", "HTTP 200 with tokens",
						"the server issues tokens for a person's password sent by the client"), "remove the password grant")
				case code == "unsupported_grant_type" || code == "unauthorized_client":
					if advertised {
						return expect.WithFix(expect.Fail(t.Target.MetadataResult, "grant_types_supported without password",
							"grant_types_supported lists password", "the metadata advertises a grant the token endpoint refuses"),
							"remove password from grant_types_supported")
					}
					return nil
				default:
					return expect.WithFix(expect.Fail(res, "error=unsupported_grant_type", fmt.Sprintf("HTTP %d error=%q", res.Status, code),
						"the server judged the made-up credentials, so it runs the password grant"), "remove the password grant")
				}
			},
		},
	}
}

func lastOf(res *fixture.AuthzResult) *httpx.Result {
	if res == nil {
		return nil
	}
	return res.Last
}
