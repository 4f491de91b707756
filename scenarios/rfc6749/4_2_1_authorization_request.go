package rfc6749

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// implicitRequestChecks returns the checks of RFC 6749 §4.2.1,
// Authorization Request (the implicit grant).
func implicitRequestChecks() []*suite.Check {
	return []*suite.Check{implicitRedirectVerified}
}

var implicitRedirectVerified = &suite.Check{
	ID: "rfc6749-4.2.1-implicit-redirect-verified", Spec: suite.RFC6749, Section: "4.2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A response_type=token request with an unregistered redirect_uri, or an unknown client_id, is not redirected",
	Quote: "The authorization server MUST verify that the redirection URI to which it will redirect the access token matches a redirection URI registered by the client as described in Section 3.1.2.",
	Keywordless: "§4.2.2.1 adds: \"If the request fails due to a missing, invalid, or mismatching redirection URI, or if the client identifier is missing or invalid, " +
		"the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.\" " +
		"A server that does not offer the implicit grant shows an error for both requests, which passes.",
	Run: runImplicitRedirectVerified,
}

// runImplicitRedirectVerified sends response_type=token with a redirect
// URI the client never registered, then with a client_id nobody
// registered: neither may come back to that redirect URI.
func runImplicitRedirectVerified(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	implicit := url.Values{"response_type": {"token"}}
	ar := t.NewAuthRequest(c)
	ar.RedirectURI, ar.Extra = "https://authspec.invalid/steal", implicit
	if err := notRedirectedAt(ctx, t, ar, "an error page, no redirect",
		"the implicit grant request was redirected to a redirect URI the client never registered: the access token goes to whoever named it",
		"compare the redirect_uri of every authorization request, response_type=token included, with the client's registered URIs, and show an error page when none matches"); err != nil {
		return err
	}
	ghost := &fixture.Client{ID: "authspec-unknown-" + fixture.RandomState(), RedirectURI: c.RedirectURI, AuthMethod: c.AuthMethod}
	ar = t.NewAuthRequest(ghost)
	ar.Extra = implicit
	return notRedirectedAt(ctx, t, ar, "an error page, no redirect",
		"the implicit grant request of a client the server does not know was redirected: nothing vouches for that redirect URI",
		"show an error page when client_id is missing or unknown; never redirect")
}
