package oauth21

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationErrorChecks returns the checks of OAuth 2.1 §4.1.2.1,
// Authorization Error Response.
func authorizationErrorChecks() []*suite.Check {
	return []*suite.Check{
		errorPage400, pkceRequiredPublic, pkceRequiredConfidential, issOnErrorResponse,
	}
}

var issOnErrorResponse = &suite.Check{
	ID: "oauth21-4.1.2.1-iss-on-error-response", Spec: suite.OAuth21, Section: "4.1.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	// As for oauth21-4.1.2-iss-required: RFC 9207 binds only a
	// server that advertises iss (rfc9207-2-iss-on-error-response).
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "Error responses redirected to the client carry iss equal to the issuer, whether or not the metadata advertises it",
	Quote: "\"iss\":  REQUIRED.  The issuer identifier of the authorization server.  See Section 4.1.2 above for details.",
	Run:   runIssOnErrorResponse,
}

// runIssOnErrorResponse provokes an error response to the client (an
// unknown response_type, unsupported_response_type) and requires iss in
// it, equal to the issuer of the metadata. RFC 9207 asks for it only from a
// server that advertises authorization_response_iss_parameter_supported
// (rfc9207-2-iss-on-error-response). The request is sent as it is (Plain)
// even to a server that requires pushed authorization requests, whose
// authorization endpoint refuses it with an error response too.
func runIssOnErrorResponse(ctx context.Context, t *suite.T) error {
	issuer := t.Target.Metadata.Issuer
	if issuer == "" {
		return suite.SkipErr("the metadata names no issuer to compare iss with (rfc8414-2-required-members judges that)")
	}
	res, err := pages.ErrorRedirect(ctx, t)
	if err != nil {
		return err
	}
	return issIsIssuer(res, issuer, "the error response (error="+res.Param("error")+")")
}

var pkceRequiredPublic = &suite.Check{
	ID: "oauth21-4.1.2.1-pkce-required-public", Spec: suite.OAuth21, Section: "4.1.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode},
	// RFC 8252 §8.1 only asks the server to reject them (SHOULD,
	// rfc8252-8.1-pkce-required-native): the MUST is OAuth 2.1's.
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A public client's authorization request without code_challenge is refused",
	Quote: "An authorization server MUST reject requests without a code_challenge from public clients, ...",
	Run:   runPKCERequiredPublic,
}

// runPKCERequiredPublic sends the public client's usual authorization
// request without code_challenge: no code may come back. RFC 7636 §4.4.1
// leaves requiring PKCE to the server and RFC 9700 §2.1.1 binds the client
// (rfc8252-8.1-pkce-required-native, a WARN); OAuth 2.1 makes the refusal
// the server's MUST. A request that ends anywhere else than with a code
// counts as refused only when the same request with S256 gets a code (a
// login page without the browser is not a refusal).
func runPKCERequiredPublic(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	return probe.CodeRefused(ctx, t, c, func(r *fixture.AuthRequest) { r.PKCE = nil }, "without PKCE",
		"a public client got a code without code_challenge: whoever steals or injects the code can redeem it",
		"refuse authorization requests of public clients without code_challenge (error=invalid_request)")
}

var pkceRequiredConfidential = &suite.Check{
	ID: "oauth21-4.1.2.1-pkce-required-confidential", Spec: suite.OAuth21, Section: "4.1.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode},
	// RFC 9700 §2.1.1 only RECOMMENDS PKCE to confidential
	// clients: a server that does not claim OAuth 2.1 may issue
	// their codes without it.
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A confidential client's authorization request without code_challenge (and without an OpenID Connect nonce) leads to no tokens",
	Quote: "... and MUST reject such requests from other clients unless there is reasonable assurance that the client mitigates authorization code injection in other ways.",
	Run:   runPKCERequiredConfidential,
}

// runPKCERequiredConfidential sends the confidential client's usual
// authorization request without code_challenge, and without the OpenID
// Connect nonce that §7.5.1.1 names as the other way to mitigate code
// injection: the request must be refused, at the authorization endpoint
// or, when a code comes back, at the token endpoint (§4.1.3: "If there was
// no code_challenge in the authorization request associated with the
// authorization code in the token request, the authorization server MUST
// reject the token request."). Only tokens are a failure.
func runPKCERequiredConfidential(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	return noTokensWithoutPKCE(ctx, t, c, nil, func(res *fixture.AuthzResult, tok *httpx.Result) error {
		return expect.Fail(tok, "the request refused (error=invalid_request), or the code refused at the token endpoint", "tokens",
			"a confidential client got tokens for an authorization request without code_challenge: an injected code is redeemed without proof of who started the flow").
			WithEvidence(res.Last.Exchange).
			WithFix("refuse authorization requests without code_challenge from every client (error=invalid_request), and refuse token requests for codes issued without one")
	})
}

var errorPage400 = &suite.Check{
	ID: "oauth21-4.1.2.1-error-page-400", Spec: suite.OAuth21, Section: "4.1.2.1", Level: suite.Should,
	// A page served with 200 is told from a login page only in the
	// browser, by the recipe's elements it lacks.
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureBrowser},
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "The error page for an authorization request with an unknown client_id is served with HTTP 400",
	Quote: "When returning an error response directly to the user agent, the authorization server SHOULD use the HTTP 400 (Bad Request) status code.",
	Run:   runErrorPage400,
}

// runErrorPage400 sends the run's usual authorization request with a
// client_id the server never issued, which it must not redirect (RFC 6749
// §4.1.2.1, rfc6749-4.1.2.1-unknown-client-not-redirected) and answers
// with a page of its own: OAuth 2.1 asks for that page to be a 400. RFC
// 6749 says nothing of its status.
func runErrorPage400(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ghost := &fixture.Client{ID: "authspec-unknown-" + fixture.RandomState(), RedirectURI: c.RedirectURI, AuthMethod: c.AuthMethod}
	ar := t.NewAuthRequest(ghost)
	ar.Plain = true
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	switch {
	case res.Callback != nil:
		return suite.SkipErr("the request with an unknown client_id was redirected to the client, not answered with an error page (rfc6749-4.1.2.1-unknown-client-not-redirected judges that)")
	case res.Shown == nil:
		return suite.SkipErr("the request with an unknown client_id did not end on an error page (it stopped on a login or consent page): no error page to judge")
	case res.Shown.Status == http.StatusBadRequest:
		return nil
	}
	return expect.Fail(res.Last, "HTTP 400", fmt.Sprintf("HTTP %d", res.Shown.Status),
		"the error page for an unknown client_id is served with HTTP %d: OAuth 2.1 asks for 400 (Bad Request), which tells the browser and any tool that the request failed", res.Shown.Status).
		WithFix("serve the error pages of the authorization endpoint (unknown or missing client_id, invalid redirect_uri) with HTTP 400")
}
