package rfc7591

import (
	"context"
	"fmt"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// securityChecks returns the checks of RFC 7591 §5, Security
// Considerations.
func securityChecks() []*suite.Check {
	return []*suite.Check{
		httpRedirectRefused, redirectURIsRequired,
		{
			ID: "rfc7591-5-tls12-supported", Spec: suite.RFC7591, Section: "5", Level: suite.Must,
			Requires: dcr, Profiles: profiles,
			Title: "The https registration endpoint completes a TLS handshake limited to TLS 1.2",
			Quote: "The server MUST support TLS 1.2 [RFC5246] and MAY support additional transport-layer security mechanisms meeting its security requirements.",
			Run: func(ctx context.Context, t *suite.T) error {
				return probe.JudgeTLS12(ctx, t, "registration_endpoint", t.Target.Metadata.RegistrationEndpoint,
					"enable TLS 1.2 beside TLS 1.3 on the registration endpoint (its server or TLS-terminating proxy): clients that cannot speak TLS 1.3 cannot register")
			},
		},
	}
}

var httpRedirectRefused = &suite.Check{
	ID: "rfc7591-5-http-redirect-refused", Spec: suite.RFC7591, Section: "5", Level: suite.Must,
	Requires: dcr, Profiles: []vocab.Profile{vocab.ProfileDCR, vocab.ProfileOAuth21},
	Title: "An http redirect URI on a host other than the local machine is refused",
	Quote: "in order to prevent hijacking of the return values of the redirection, registered \"redirect_uris\" values MUST be one of: A remote web site protected by TLS (e.g., https://client.example.com/oauth_redirect); A web site hosted on the local machine using an HTTP URI (e.g., http://localhost:8080/oauth_redirect); A non-HTTP application-specific URL that is available only to the client application (e.g., exampleapp://oauth_redirect). — " +
		"Authorization responses MUST NOT be transmitted over unencrypted network connections. To this end, authorization servers MUST NOT allow redirection URIs that use the http scheme except for native clients that use loopback interface redirection as described in Section 7.3 of [RFC8252]. (RFC 9700 §2.6)",
	Run: runHTTPRedirectRefused,
}

func runHTTPRedirectRefused(ctx context.Context, t *suite.T) error {
	bad := "http://client.authspec.example/callback"
	r, err := register(ctx, t, map[string]any{"redirect_uris": []string{bad}})
	if err != nil {
		return err
	}
	return expect.WithFix(refusedOrDropped(r, "redirect_uris", bad, redirectCodes...),
		"refuse http redirect URIs except on loopback hosts (error=invalid_redirect_uri): the code would travel in clear text; use https, or http://127.0.0.1:<port> for native apps (RFC 8252 §7.3)")
}

var redirectURIsRequired = &suite.Check{
	ID: "rfc7591-5-redirect-uris-required", Spec: suite.RFC7591, Section: "5", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "A client registering for the authorization code grant must register redirect_uris",
	Quote: "For clients that use redirect-based grant types such as \"authorization_code\" and \"implicit\", authorization servers MUST require clients to register their \"redirect_uris\" values.",
	Run:   runRedirectURIsRequired,
}

func runRedirectURIsRequired(ctx context.Context, t *suite.T) error {
	r, err := register(ctx, t, map[string]any{"redirect_uris": nil, "grant_types": []string{"authorization_code"}, "response_types": []string{"code"}})
	if err != nil {
		return err
	}
	res := r.Res
	if res.Status < 200 || res.Status >= 300 {
		if res.Status >= 500 {
			return expect.Fail(res, "HTTP 400 error=invalid_redirect_uri", fmt.Sprintf("HTTP %d", res.Status), "a registration without redirect_uris causes a server error")
		}
		return expect.ErrorResponse(res)
	}
	if r.Info == nil {
		_, err := expect.JSONObject(res, false)
		return err
	}
	gts, present, _ := expect.StringList(r.Info, "grant_types")
	if present && !slices.Contains(gts, "authorization_code") && !slices.Contains(gts, "implicit") {
		t.Logf("the server registered grant_types %v, without a redirect-based grant", gts)
		return nil
	}
	if uris, _, _ := expect.StringList(r.Info, "redirect_uris"); len(uris) > 0 {
		t.Logf("the server supplied redirect_uris %v itself", uris)
		return nil
	}
	return expect.Fail(res, "HTTP 400 error=invalid_redirect_uri (or invalid_client_metadata)",
		fmt.Sprintf("HTTP %d registering an authorization_code client without redirect_uris", res.Status),
		"the server registered a redirect-based client without any redirect URI").
		WithFix("require redirect_uris for clients of the authorization_code (and implicit) grant, so that codes go only to registered URIs")
}
