package rfc6749

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationRequestChecks returns the checks of RFC 6749 §4.1.1,
// Authorization Request.
func authorizationRequestChecks() []*suite.Check {
	return []*suite.Check{redirectURIOptionalIfOne}
}

var redirectURIOptionalIfOne = &suite.Check{
	ID: "rfc6749-4.1.1-redirect-uri-optional-if-one", Spec: suite.RFC6749, Section: "4.1.1", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, vocab.FeatureDCR), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A client with exactly one registered redirect URI may omit redirect_uri: the code goes to that URI and is redeemed without it",
	Quote: "redirect_uri OPTIONAL. As described in Section 3.1.2.",
	Keywordless: "OPTIONAL leaves the choice to the client: §3.1.2.3 requires redirect_uri only when several, part of one, or no redirection URIs are registered, " +
		"so a server that refuses the omission for a client with exactly one registered URI refuses a valid request. " +
		"OpenID Connect makes redirect_uri REQUIRED, so for a request with the openid scope a refusal is an observation.",
	Run: runRedirectURIOptionalIfOne,
}

func runRedirectURIOptionalIfOne(ctx context.Context, t *suite.T) error {
	// The run's client, when the suite registered it, has exactly
	// one redirect URI (and its consent is usually granted already).
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	if !c.Registered {
		r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), nil))
		if err != nil {
			return err
		}
		c = r.Client
	}
	g, err := t.CodeFor(ctx, c, func(r *fixture.AuthRequest) { r.OmitRedirectURI = true })
	if err != nil {
		if g == nil || !fixture.Refused(err, g.Authz) {
			return err
		}
		f := expect.Fail(g.Authz.LastResponse(), "a code delivered to the only registered redirect URI", err.Error(),
			"the server requires redirect_uri although the client registered exactly one").
			WithFix("use the single registered redirect URI when the request omits redirect_uri")
		if slices.Contains(strings.Fields(g.Request.Scope), "openid") {
			f.Message += " (the request asked for openid, and OpenID Connect makes redirect_uri REQUIRED)"
			f = f.AsObservation()
		}
		return f
	}
	tres, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(tres); err != nil {
		return expect.Fail(tres, "tokens: the authorization request carried no redirect_uri, so the token request needs none",
			fmt.Sprintf("HTTP %d", tres.Status), "the code cannot be redeemed without redirect_uri").
			WithFix("require redirect_uri at the token endpoint only when the authorization request carried it (RFC 6749 §4.1.3)")
	}
	return nil
}
