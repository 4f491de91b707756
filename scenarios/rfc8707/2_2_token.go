package rfc8707

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenChecks returns the checks of RFC 8707 §2.2, Access Token Request.
func tokenChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc8707-2.2-token-resource-within-grant", Spec: suite.RFC8707, Section: "2.2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A token request cannot name a resource the authorization grant did not include",
			Quote: "invalid_target: The requested resource is invalid, missing, unknown, or malformed.",
			Run:   runTokenResourceWithinGrant,
		},
		{
			ID: "rfc8707-2.2-refresh-unknown-invalid-target", Spec: suite.RFC8707, Section: "2.2", Level: suite.Should,
			Requires: append(req, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A refresh request for a resource outside the grant is refused with invalid_target",
			Quote: "invalid_target: The requested resource is invalid, missing, unknown, or malformed.",
			Run:   runRefreshUnknownInvalidTarget,
		},
	}
}

func runTokenResourceWithinGrant(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, func(form url.Values) { form.Set("resource", "https://authspec.invalid/other-api") })
	if err != nil {
		return err
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_target"), "refuse token requests whose resource was not part of the authorization request")
}

func runRefreshUnknownInvalidTarget(ctx context.Context, t *suite.T) error {
	ts, err := t.RefreshableTokens(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, ts.Client, url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {ts.RefreshToken}, "resource": {unknownResource}}, "refresh with resource="+unknownResource)
	if err != nil {
		return err
	}
	return invalidTarget(res, unknownResource, "validate resource parameters of refresh requests like those of other token requests: within the grant, served by this server")
}
