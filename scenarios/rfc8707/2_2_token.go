package rfc8707

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
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
		{
			ID: "rfc8707-2.2-subset-refresh-keeps-grant", Spec: suite.RFC8707, Section: "2.2", Level: suite.Should,
			Requires: append(req, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A code granted for two resources and redeemed for one gives an access token for that one and a refresh token for both (an observation)",
			Quote: "In the authorization_code case where the requested resources are a subset of the set of resources originally granted, the authorization server will issue an access token based on that subset of requested resources, " +
				"whereas any refresh token that is returned is bound to the full original grant.",
			Keywordless: observation,
			Run:         runSubsetRefreshKeepsGrant,
		},
		{
			ID: "rfc8707-2.2-several-resources-audience", Spec: suite.RFC8707, Section: "2.2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A token issued for two resources names both in its audience (an observation)",
			Quote: "The semantics of such a request are that the client is asking for a token with the requested scope that is usable at all the requested target services.",
			Keywordless: observation + "; a refusal of the two resources together is lawful (RFC 8707 §3: invalid_target when the combination is not acceptable), " +
				"and so is narrowing the token's scope for each resource (§2.2 \"should downscope\"), which leaves its audience alone",
			Run: runSeveralResourcesAudience,
		},
		{
			ID: "rfc8707-2.2-effective-scope-reported", Spec: suite.RFC8707, Section: "2.2", Level: suite.Must,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title:       "A token for the resource issued with another scope than requested says so in scope",
			Quote:       "As specified in Section 5.1 of [RFC6749], the authorization server must indicate the access token's effective scope to the client in the scope response parameter value when it differs from the scope requested by the client.",
			Keywordless: "the lowercase \"must\" restates RFC 6749 §5.1, whose scope member is \"OPTIONAL, if identical to the scope requested by the client; otherwise, REQUIRED\"",
			Run:         runEffectiveScopeReported,
		},
	}
}

// runEffectiveScopeReported asks for a token for the resource with every
// scope the resource's metadata lists (else the authorization server's,
// at most 8), where a server that narrows scopes by resource narrows, and
// compares the scope introspection gives the token with the request's
// when the response has no scope.
func runEffectiveScopeReported(ctx context.Context, t *suite.T) error {
	scopes, _, _ := expect.StringList(t.Target.ResourceMetadata, "scopes_supported")
	if len(scopes) == 0 {
		scopes = t.Target.Metadata.ScopesSupported
	}
	if len(scopes) == 0 {
		return suite.SkipErr("neither the resource's nor the authorization server's metadata lists scopes_supported to ask for")
	}
	requested := strings.Join(scopes[:min(len(scopes), 8)], " ")
	ts, err := t.TokensFor(ctx, nil, func(r *fixture.AuthRequest) { r.Scope = requested })
	if err != nil {
		return err
	}
	if _, told := ts.Raw["scope"]; told {
		return nil // the scope is reported; whether it is right is RFC 6749 §3.3's question
	}
	granted, res, err := introspectedScope(ctx, t, ts.Client, ts.AccessToken)
	if err != nil {
		return err
	}
	if sameScope(strings.Fields(granted), strings.Fields(requested)) {
		return nil
	}
	return expect.Fail(ts.Result, "scope: the scope the token was issued with", "no scope member",
		"the token for %s was issued with the scope %q (introspection) for the request's %q, and the token response does not say so", t.Target.Resource, granted, requested).
		WithEvidence(res.Exchange).
		WithFix("put the scope granted in the token response's scope member whenever it differs from the scope requested, downscoping by resource included")
}

// twoResources is the configured resource and other_resource, the run's
// two resources, once the server shows it implements resource
// indicators; SKIP otherwise.
func twoResources(ctx context.Context, t *suite.T) ([]string, error) {
	other := t.Target.Config.OtherResource
	if other == "" {
		return nil, suite.SkipErr("the check needs a second resource the server issues tokens for: configure other_resource")
	}
	ok, why, err := probe.ResourceIndicators(ctx, t)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, suite.SkipErr("nothing shows that the server implements resource indicators: %s", why)
	}
	return []string{t.Target.Resource, other}, nil
}

// codeForBoth gets a code of the run's client whose authorization request
// named both resources (twoResources).
func codeForBoth(ctx context.Context, t *suite.T) ([]string, *suite.Grant, error) {
	both, err := twoResources(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	g, err := t.CodeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = both })
	return both, g, err
}

// runSubsetRefreshKeepsGrant gets a code for both resources, redeems it
// for the first alone (the access token's audience, when it can be read,
// names the first only), and refreshes for the second: the refresh token
// of the full grant covers it.
func runSubsetRefreshKeepsGrant(ctx context.Context, t *suite.T) error {
	both, g, err := codeForBoth(ctx, t)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, func(form url.Values) { form["resource"] = both[:1] })
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return suite.SkipErr("the code granted for both resources was not redeemed for %s alone (%s), which §2.2 leaves to the server", both[0], expect.Outcome(res))
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return err
	}
	aud, src, err := probe.Aud(ctx, t, g.Client, ts.AccessToken)
	if err != nil {
		return err
	}
	if src != "" && probe.NamesResource(aud, both[1]) {
		return expect.Fail(res, "an access token for "+both[0]+" alone", fmt.Sprintf("aud %v (%s)", aud, src),
			"the code redeemed for %s alone gave an access token for %s too", both[0], both[1]).
			WithFix("issue the access token of a code exchange for the resources of the token request only").
			AsObservation()
	}
	if ts.RefreshToken == "" {
		return suite.SkipErr("the redemption issued no refresh token")
	}
	ref, err := t.Token(ctx, g.Client, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}, "resource": {both[1]}},
		"refresh for "+both[1]+", the other resource of the original grant")
	if err != nil {
		return err
	}
	switch {
	case ref.Status == http.StatusOK:
		_, _ = t.ParseTokens(ref)
		return nil
	case expect.ErrorCode(ref) != "invalid_target":
		return suite.SkipErr("the refresh for %s was answered %s, not a refusal of the resource", both[1], expect.Outcome(ref))
	}
	return expect.Fail(ref, "an access token for "+both[1], "error=invalid_target",
		"the refresh token of a code granted for %s and %s, redeemed for %s alone, no longer covers %s: it was bound to the subset, not to the full original grant", both[0], both[1], both[0], both[1]).
		WithEvidence(res.Exchange).
		WithFix("bind the refresh token to every resource of the authorization grant; narrow only the access token to the resources of the token request").
		AsObservation()
}

// runSeveralResourcesAudience asks for a token for both resources and
// reads its audience.
func runSeveralResourcesAudience(ctx context.Context, t *suite.T) error {
	both, g, err := codeForBoth(ctx, t)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		t.Logf("the token request for both resources was answered %s: refusing the combination is lawful (RFC 8707 §3)", expect.Outcome(res))
		return nil
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return err
	}
	aud, src, err := probe.Aud(ctx, t, g.Client, ts.AccessToken)
	if err != nil {
		return err
	}
	if src == "" {
		return suite.SkipErr("the token's audience cannot be read (no introspection endpoint the run's client may use, and not a JWT access token)")
	}
	if probe.NamesResource(aud, both[0]) && probe.NamesResource(aud, both[1]) {
		return nil
	}
	return expect.Fail(res, "an audience naming "+both[0]+" and "+both[1], fmt.Sprintf("aud %v (%s)", aud, src),
		"the token issued for both resources is not usable at both: the server dropped a resource without refusing the request").
		WithFix("give a token requested for several resources all of them as its audience, or refuse the combination with invalid_target (RFC 8707 §3)").
		AsObservation()
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
	if kept, err := keptGrantAudience(ctx, t, g.Client, res, other); kept || err != nil {
		return err
	}
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
		if kept, err := keptGrantAudience(ctx, t, ts.Client, res, unknownResource); kept || err != nil {
			return err
		}
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
