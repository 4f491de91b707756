package oauth21

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// redirectURIParameterChecks returns the checks of OAuth 2.1 §10.2,
// Redirect URI Parameter in Token Request.
func redirectURIParameterChecks() []*suite.Check {
	return []*suite.Check{redirectURINotRequired}
}

var redirectURINotRequired = &suite.Check{
	ID: "oauth21-10.2-redirect-uri-not-required", Spec: suite.OAuth21, Section: "10.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureOAuth21Clients},
	Profiles: []vocab.Profile{vocab.ProfileOAuth21},
	Title:    "An OAuth 2.1 client redeems a code without repeating the authorization request's redirect_uri",
	Quote: "A client following only the OAuth 2.1 recommendations will not send the redirect_uri in the token request, and therefore will not be compatible with an authorization server that expects the parameter in the token request. ... " +
		"The authorization server can use the client_id in the request to determine whether to enforce this behavior for the specific client.",
	Keywordless: "OAuth 2.1 §4.1.3 defines the token request of the authorization code grant without redirect_uri: a server that requires it of a client it treats as an OAuth 2.1 client (the config's oauth21_clients) refuses the protocol's own request. " +
		"A server that also serves OAuth 2.0 clients keeps RFC 6749's rule for them, which rfc6749-4.1.3-redirect-uri-required judges when oauth21_clients is not set.",
	Run: runRedirectURINotRequired,
}

// runRedirectURINotRequired redeems a code whose authorization request
// carried redirect_uri without it. A refusal is judged only once a second
// code, redeemed with redirect_uri, shows that the refusal is the
// parameter's.
func runRedirectURINotRequired(ctx context.Context, t *suite.T) error {
	g, res, err := t.RedeemNew(ctx, nil, func(form url.Values) { form.Del("redirect_uri") })
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return nil
	}
	_, with, err := t.RedeemNew(ctx, g.Client, nil)
	if err != nil {
		return err
	}
	if !tokenreq.Issued(with) {
		return suite.SkipErr("the server refused a code redeemed with its redirect_uri as well (HTTP %d): nothing tells what it makes of the parameter's absence", with.Status)
	}
	return expect.Fail(res, "HTTP 200 with tokens", expect.Outcome(res),
		"the server refused a code redeemed without redirect_uri, and issued tokens for a second code redeemed with it: a client that follows OAuth 2.1 alone cannot redeem its codes (the config says the server treats the run's clients as OAuth 2.1 clients)").
		WithFix("do not require redirect_uri in the token request of clients you treat as OAuth 2.1 clients; when it is sent, still compare it with the authorization request's (OAuth 2.1 §10.2)")
}
