package rfc8707

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenChecks returns the checks of RFC 8707 §2.2, Access Token Request.
func tokenChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	const policy = "The resource value(s) that is acceptable to an authorization server in fulfilling an access token request is at its sole discretion " +
		"based on local policy or configuration. In the case of a refresh_token or authorization_code grant type request, such policy may limit " +
		"the acceptable resources to those that were originally granted by the resource owner or a subset thereof."
	return []*suite.Check{
		{
			ID: "rfc8707-2.2-token-resource-within-grant", Spec: suite.RFC8707, Section: "2.2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A code exchange cannot name a resource the authorization grant did not include (an observation)",
			Quote: policy, Keywordless: observation,
			Run: runTokenResourceWithinGrant,
		},
		{
			ID: "rfc8707-2.2-refresh-unknown-invalid-target", Spec: suite.RFC8707, Section: "2.2", Level: suite.Should,
			Requires: append(req, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A refresh request for a resource outside the grant is refused (an observation)",
			Quote: policy, Keywordless: observation,
			Run: runRefreshUnknownInvalidTarget,
		},
	}
}

func runTokenResourceWithinGrant(ctx context.Context, t *suite.T) error {
	if err := baseline(ctx, t); err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	const other = "https://authspec.invalid/other-api"
	res, err := g.Redeem(ctx, func(form url.Values) { form.Set("resource", other) })
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return nil
	}
	_, _ = t.ParseTokens(res) // redact the tokens
	return lax(ctx, t, res, "an error (invalid_target)", "an access token",
		"a code granted for "+t.Target.Resource+" redeemed for "+other+", a resource the person never approved",
		"limit the resources of a code exchange to those of the authorization request")
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
	if res.Status == http.StatusOK {
		_, _ = t.ParseTokens(res)
		return lax(ctx, t, res, "an error (invalid_target)", "an access token",
			"a refresh token granted for "+t.Target.Resource+" refreshed for "+unknownResource,
			"limit the resources of a refresh request to those of the original grant")
	}
	// Refused: it counts only if the same refresh works without the resource.
	again, err := t.Refresh(ctx, ts.Client, ts.RefreshToken, "the same refresh without resource (baseline)")
	if err != nil {
		return err
	}
	if again.Status != http.StatusOK {
		return suite.SkipErr("the refresh without resource is refused too (HTTP %d), so the refusal of the resource proves nothing", again.Status)
	}
	_, _ = t.ParseTokens(again)
	return nil
}
