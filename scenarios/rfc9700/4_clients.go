package rfc9700

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// Redirect URI patterns (§4.1.3) and client impersonation (§4.15).
func clientChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9700-4.1.3-no-redirect-patterns", Spec: suite.RFC9700, Section: "4.1.3", Level: suite.MustNot,
			Requires: []suite.Feature{suite.FeatureDCR, suite.FeatureAuthCode}, Profiles: []string{"core", "oauth2.1"},
			Title: "A registered redirect URI containing * is not used as a pattern: a matching host gets no code",
			Quote: "When comparing client redirection URIs against pre-registered URIs, authorization servers MUST utilize exact string matching except for port numbers in localhost redirection URIs of native apps",
			Run: func(ctx context.Context, t *suite.T) error {
				if err := registrationWorks(ctx, t); err != nil {
					return err
				}
				pattern := "https://*.authspec.example/callback"
				r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"redirect_uris": []string{pattern}}))
				if err != nil {
					return err
				}
				if !r.OK() || r.Client.ID == "" {
					return refusedAtRegistration(r, "a redirect URI pattern")
				}
				ar := t.NewAuthRequest(r.Client)
				ar.RedirectURI = "https://attacker.authspec.example/callback"
				res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
				if err != nil && !fixture.IsUnavailable(err) {
					return err
				}
				if res != nil && res.Callback != nil {
					return expect.WithFix(expect.Fail(res.Last, "an error page: the redirect_uri is not the registered string",
						"a redirect to "+res.Callback.Redacted(), "a registered redirect URI was used as a pattern: any matching host receives the code"),
						"compare redirect URIs as exact strings; refuse patterns at registration")
				}
				return nil
			},
		},
		{
			ID: "rfc9700-4.15-client-id-not-chosen", Spec: suite.RFC9700, Section: "4.15", Level: suite.ShouldNot,
			Requires: []suite.Feature{suite.FeatureDCR}, Profiles: []string{"core", "oauth2.1"},
			Title: "A client cannot choose its own client_id at registration",
			Quote: "Authorization servers SHOULD NOT allow clients to influence their client_id or any claim that could cause confusion with a genuine resource owner.",
			Run: func(ctx context.Context, t *suite.T) error {
				if err := registrationWorks(ctx, t); err != nil {
					return err
				}
				chosen := "authspec-chosen-" + fixture.RandomState()
				r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_id": chosen}))
				if err != nil {
					return err
				}
				if !r.OK() {
					return refusedAtRegistration(r, "a client_id chosen by the client")
				}
				if r.OK() && r.Client.ID == chosen {
					return expect.WithFix(expect.Fail(r.Res, "a client_id chosen by the server", fmt.Sprintf("client_id %q, as the request asked", chosen),
						"a client picked its own identifier: it could take one that looks like a user or another client"),
						"ignore client_id in registration requests and issue a fresh, unguessable identifier")
				}
				return nil
			},
		},
	}
}

// registrationWorks is the control of the registration checks: a plain
// registration must succeed, or a refusal says nothing.
func registrationWorks(ctx context.Context, t *suite.T) error {
	_, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), nil))
	return err
}

// refusedAtRegistration accepts an RFC 7591 error response (400 with a JSON
// error) as a refusal; anything else is not a judgement of the request.
func refusedAtRegistration(r *regclient.Registration, what string) error {
	if r.Res.Status == http.StatusBadRequest {
		if body, err := expect.JSONObject(r.Res, false); err == nil {
			if e, _ := body["error"].(string); e != "" {
				return nil
			}
		}
	}
	return suite.SkipErr("registering %s failed with HTTP %d, not with an RFC 7591 error response; nothing to judge", what, r.Res.Status)
}
