package rfc6749

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// accessTokenRequestChecks returns the checks of RFC 6749 §4.1.3, Access
// Token Request.
func accessTokenRequestChecks() []*suite.Check {
	return []*suite.Check{
		missingCodeInvalidRequest, unknownCodeInvalidGrant, codeRedemptionNeedsClientAuth,
		redirectURIRequired, codeBoundToClient, publicCodeBoundToClientID,
		redirectURIMustMatch,
	}
}

var missingCodeInvalidRequest = &suite.Check{
	ID: "rfc6749-4.1.3-missing-code-invalid-request", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "A code exchange without code is refused with invalid_request",
	Quote:       quoteInvalidRequest,
	Keywordless: keywordlessErrorCode,
	Run:         runMissingCodeInvalidRequest,
}

func runMissingCodeInvalidRequest(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {c.RedirectURI}}
	res, err := t.Token(ctx, c, form, "authorization_code grant without the code parameter")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_request"), "answer a token request that lacks a required parameter with 400 error=invalid_request")
}

var unknownCodeInvalidGrant = &suite.Check{
	ID: "rfc6749-4.1.3-unknown-code-invalid-grant", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "An authorization code the server never issued is refused with invalid_grant",
	Quote:       quoteInvalidGrant,
	Keywordless: keywordlessErrorCode,
	Run:         runUnknownCodeInvalidGrant,
}

func runUnknownCodeInvalidGrant(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	// A code_verifier too: a server that requires PKCE may otherwise
	// answer the missing verifier before it looks the code up.
	form := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {c.RedirectURI},
		"code": {"authspec-unknown-code-" + fixture.RandomState()}, "code_verifier": {fixture.NewPKCE().Verifier}}
	res, err := t.Token(ctx, c, form, "redeem an authorization code that was never issued")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_grant"), "answer an unknown, expired or used code with 400 error=invalid_grant so that clients restart the authorization")
}

var codeRedemptionNeedsClientAuth = &suite.Check{
	ID: "rfc6749-4.1.3-client-authentication-required", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A confidential client cannot redeem a code with its client_id alone",
	Quote: "The authorization server MUST: ... require client authentication for confidential clients or for any client that was issued client credentials (or with other authentication requirements)",
	Run:   runCodeRedemptionNeedsClientAuth,
}

func runCodeRedemptionNeedsClientAuth(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := g.RedeemAs(ctx, unauthenticated(g.Client), nil)
	if err != nil {
		return err
	}
	return refusedUnauthenticated(res, "an authorization code")
}

var redirectURIRequired = &suite.Check{
	ID: "rfc6749-4.1.3-redirect-uri-required", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A code exchange that omits the redirect_uri of the authorization request is refused",
	Quote: "The authorization server MUST: ... ensure that the \"redirect_uri\" parameter is present if the \"redirect_uri\" parameter was included in the initial authorization request as described in Section 4.1.1, and if included ensure that their values are identical.",
	Run:   runRedirectURIRequired,
}

func runRedirectURIRequired(ctx context.Context, t *suite.T) error {
	if ok, _ := t.Target.Has(vocab.FeatureOAuth21Clients); ok {
		return suite.SkipErr("the config says that the server treats the run's clients as OAuth 2.1 clients (oauth21_clients is true), which leave redirect_uri out of the token request (OAuth 2.1 §10.2 lets a server choose by client_id): oauth21-10.2-redirect-uri-not-required judges them instead")
	}
	_, res, err := t.RedeemNew(ctx, nil, func(form url.Values) { form.Del("redirect_uri") })
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "error=invalid_grant (or invalid_request)", "HTTP 200 with tokens",
			"the code was redeemed without the redirect_uri its authorization request carried").
			WithFix("store the redirect_uri of the authorization request with the code and require the same value at redemption")
	}
	return expect.Refused(t, res, "invalid_grant", "invalid_request")
}

var codeBoundToClient = &suite.Check{
	ID: "rfc6749-4.1.3-code-bound-to-client", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, vocab.FeatureDCR), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A code cannot be redeemed by another client",
	Quote: "The authorization server MUST: ... ensure that the authorization code was issued to the authenticated confidential client, or if the client is public, ensure that the code was issued to \"client_id\" in the request",
	Run:   runCodeBoundToClient,
}

func runCodeBoundToClient(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	return codeRedeemedByOther(ctx, t, c, "bind each code to the client it was issued to and check it at redemption")
}

var publicCodeBoundToClientID = &suite.Check{
	ID: "rfc6749-4.1.3-public-code-bound-to-client-id", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode, vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A public client's code cannot be redeemed with the client_id of another public client",
	Quote: "The authorization server MUST: ... if the client is public, ensure that the code was issued to \"client_id\" in the request",
	Run:   runPublicCodeBoundToClientID,
}

// runPublicCodeBoundToClientID redeems a public client's code with the
// client_id of another public client, everything else (redirect_uri,
// code_verifier) that of the authorization request, so that only the
// client_id tells the two apart.
func runPublicCodeBoundToClientID(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	return codeRedeemedByOther(ctx, t, c,
		"bind each code to the client_id it was issued to and compare it with the client_id of the token request, for public clients too")
}

var redirectURIMustMatch = &suite.Check{
	ID: "rfc6749-4.1.3-redirect-uri-must-match", Spec: suite.RFC6749, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A token request with another redirect_uri than the authorization request is refused",
	Quote: "The authorization server MUST: ... ensure that the \"redirect_uri\" parameter is present if the \"redirect_uri\" parameter was included in the initial authorization request ... and if included ensure that their values are identical.",
	Keywordless: "The refusal's error code is RFC 6749 §5.2's: invalid_grant is a grant that \"does not match the redirection URI used in the authorization request\" " +
		"(\"error REQUIRED. A single ASCII [USASCII] error code from the following\").",
	Run: runRedirectURIMustMatch,
}

func runRedirectURIMustMatch(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, func(form url.Values) { form.Set("redirect_uri", g.Client.RedirectURI+"/elsewhere") })
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Refused(t, res, "invalid_grant"), "store the redirect_uri of the authorization request with the code and compare it at redemption")
}

// codeRedeemedByOther redeems a code of c as another client of the same
// kind, everything else that of the authorization request: the server
// refuses with invalid_grant.
func codeRedeemedByOther(ctx context.Context, t *suite.T, c *fixture.Client, fix string) error {
	other, err := t.OtherClient(ctx, c)
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, c, nil)
	if err != nil {
		return err
	}
	res, err := g.RedeemAs(ctx, other, nil)
	if err != nil {
		return err
	}
	if res.Status/100 != 2 {
		// The control: the other client redeems a code of its own, so
		// the refusal is about whose code it was, not about that client.
		_, own, err := t.RedeemNew(ctx, other, nil)
		if err != nil {
			return err
		}
		if own.Status/100 != 2 {
			return suite.SkipErr("the other client cannot redeem even a code of its own (%s), so its refusal says nothing of the binding", expect.Outcome(own))
		}
	}
	return expect.WithFix(expect.Refused(t, res, "invalid_grant"), fix)
}
