package rfc6749

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// clientImpersonationChecks returns the checks of RFC 6749 §10.2, Client
// Impersonation.
func clientImpersonationChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc6749-10.2-consent-names-client", Spec: suite.RFC6749, Section: "10.2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "The consent page names the client, the host it will send the browser to, and the requested scope",
			Quote: quote102,
			Run:   runConsentNamesClient,
		},
		{
			ID: "rfc6749-10.2-repeat-consent-policy", Spec: suite.RFC6749, Section: "10.2", Level: suite.ShouldNot,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A second authorization of an approved client follows the server's declared consent policy (browser.repeat_consent)",
			Quote: "The authorization server SHOULD NOT process repeated authorization requests automatically (without active resource owner interaction) without authenticating the client or relying on other measures to ensure that the repeated request comes from the original client and not an impersonator.",
			Run:   runRepeatConsentPolicy,
		},
		{
			ID: "rfc6749-10.2-remembered-consent-scope", Spec: suite.RFC6749, Section: "10.2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A remembered approval is not silently extended to scopes the user did not approve",
			Quote: quote102,
			Run:   runRememberedConsentScope,
		},
	}
}

const quote102 = "The authorization server SHOULD enforce explicit resource owner authentication and provide the resource owner with information about the client and the requested authorization scope and lifetime."

// clientName is what a person knows the client by: its registered name, or
// its client_id.
func clientName(c *fixture.Client) string {
	if n, ok := c.Info["client_name"].(string); ok && n != "" {
		return n
	}
	return c.ID
}

func consentText(res *fixture.AuthzResult) string {
	for _, p := range res.Pages {
		if p.Stage == "consent" {
			return p.Text
		}
	}
	return ""
}

func runConsentNamesClient(ctx context.Context, t *suite.T) error {
	c, ar, err := pages.Request(ctx, t)
	if err != nil {
		return err
	}
	ar.Flow = fixture.FlowInspect
	res, err := t.Authorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Consent == nil {
		return suite.SkipErr("the target showed no consent page (even with prompt=consent), so there is nothing to read")
	}
	text := consentText(res)
	if strings.TrimSpace(text) == "" {
		return suite.SkipErr("the consent page has no readable text")
	}
	low := strings.ToLower(text)
	var missing []string
	name := clientName(c)
	if !strings.Contains(low, strings.ToLower(name)) && !strings.Contains(text, c.ID) {
		missing = append(missing, fmt.Sprintf("the client (its name %q or its client_id)", name))
	}
	if u, err := url.Parse(c.RedirectURI); err == nil && u.Host != "" {
		if !strings.Contains(low, strings.ToLower(u.Host)) && !strings.Contains(low, strings.ToLower(u.Hostname())) {
			missing = append(missing, fmt.Sprintf("the host the browser will be sent to (%s)", u.Host))
		}
	}
	for _, s := range strings.Fields(ar.Scope) {
		if !strings.Contains(text, s) {
			missing = append(missing, fmt.Sprintf("the requested scope %q", s))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	got := strings.Join(strings.Fields(text), " ")
	if len(got) > 300 {
		got = got[:300] + "…"
	}
	return &suite.Failure{
		Message: "the consent page does not tell the person who is asking: it omits " + strings.Join(missing, ", "),
		Want:    "a consent page naming the client, its redirect host and the requested scope",
		Got:     "page text: " + got,
		Fix:     "show the client's registered name (or client_id), the host of its redirect URI and the requested scopes on the consent page, so that an impersonating client can be told apart",
	}
}

// scopes picks a narrow scope and a wider one from the target's scopes.
func scopes(t *suite.T) (narrow, wide string, ok bool) {
	all := t.Target.Config.Scopes
	if len(all) < 2 {
		all = t.Target.Metadata.ScopesSupported
	}
	var usable []string
	for _, s := range all {
		if s != "openid" && s != "offline_access" && !slices.Contains(usable, s) {
			usable = append(usable, s)
		}
	}
	if len(usable) < 2 {
		return "", "", false
	}
	return usable[0], usable[0] + " " + usable[1], true
}

// approvedClient registers a client of its own (so that no other check's
// approvals interfere) and approves one authorization with scope.
func approvedClient(ctx context.Context, t *suite.T, scope string) (*fixture.Client, error) {
	var c *fixture.Client
	if ok, _ := t.Target.Has(vocab.FeatureDCR); ok {
		r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_name": "authspec consent policy client"}))
		if err != nil {
			return nil, err
		}
		c = r.Client
	} else {
		var err error
		if c, err = t.Confidential(ctx); err != nil {
			return nil, err
		}
	}
	ar := t.NewAuthRequest(c)
	if scope != "" {
		ar.Scope = scope // else the config's scopes, as every request
	}
	_, res, err := t.Code(ctx, ar)
	if err != nil {
		return nil, fmt.Errorf("first authorization: %w", err)
	}
	if res == nil || !res.Interactive {
		return nil, suite.SkipErr("the target approved the first authorization without showing a page: no person approved anything, so there is no remembered approval to judge")
	}
	return c, nil
}

func runRepeatConsentPolicy(ctx context.Context, t *suite.T) error {
	policy := t.Target.Config.Browser.RepeatConsent
	if policy == "" {
		return suite.SkipErr("the config does not declare the target's consent policy: set browser.repeat_consent to %q or %q", target.RepeatConsentRemembered, target.RepeatConsentAlways)
	}
	scope := ""
	if narrow, _, ok := scopes(t); ok {
		scope = narrow
	}
	c, err := approvedClient(ctx, t, scope)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	if scope != "" {
		ar.Scope = scope
	}
	ar.Flow = fixture.FlowInspect
	res, err := t.Authorize(ctx, ar)
	if err != nil {
		return err
	}
	shown := res.Consent != nil
	switch {
	case policy == target.RepeatConsentAlways && !shown:
		return &suite.Failure{
			Message: "a second authorization of an approved client was processed without the person, although the declared policy is to ask every time",
			Want:    "the consent page again (browser.repeat_consent: always)", Got: "the redirect to the client at once",
			Fix: "show the consent page for every authorization request, or declare repeat_consent: remembered if approvals are remembered on purpose",
		}
	case policy == target.RepeatConsentRemembered && !shown && res.Callback == nil:
		return expect.Fail(res.Last, "a redirect to the client", fmt.Sprintf("HTTP %d", statusOf(res)), "the second authorization neither showed a consent page nor came back to the client")
	case policy == target.RepeatConsentRemembered && shown:
		return &suite.Failure{
			Message: "the consent page was shown again for the same client and scope, although the declared policy is that approvals are remembered",
			Want:    "the redirect to the client without a page (browser.repeat_consent: remembered)", Got: "the consent page at " + res.Consent.PageURL,
			Fix: "remember the approval per user, client and scope as documented, or declare repeat_consent: always",
		}
	}
	return nil
}

func statusOf(res *fixture.AuthzResult) int {
	if res == nil || res.Last == nil {
		return 0
	}
	return res.Last.Status
}

func runRememberedConsentScope(ctx context.Context, t *suite.T) error {
	narrow, wide, ok := scopes(t)
	if !ok {
		return suite.SkipErr("the target offers fewer than two scopes (scopes_supported or the config's scopes), so a wider request cannot be made")
	}
	c, err := approvedClient(ctx, t, narrow)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	ar.Scope = wide
	ar.Flow = fixture.FlowInspect
	res, err := t.Authorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Consent != nil || res.Callback == nil {
		return nil // asked the person again (or refused): not silently extended
	}
	q := res.Callback.Query()
	if q.Get("error") != "" {
		return nil // refused the wider scope
	}
	code := q.Get("code")
	if code == "" {
		return nil
	}
	t.Secret(code)
	tok, err := t.Redeem(ctx, ar, code, nil)
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(tok)
	if err != nil {
		return nil // no token for it: not extended
	}
	granted := ts.Scope
	if granted == "" {
		granted = wide // RFC 6749 §5.1: omitted means as requested
	}
	extra := strings.Fields(wide)[1]
	if !slices.Contains(strings.Fields(granted), extra) {
		return nil // narrowed to what was approved
	}
	return &suite.Failure{
		Message: fmt.Sprintf("after the person approved scope %q, a request for %q was granted without asking", narrow, wide),
		Want:    fmt.Sprintf("the consent page for the added scope %q, or a token limited to %q", extra, narrow),
		Got:     fmt.Sprintf("a code at once, and a token with scope %q", granted),
		Fix:     "remember approvals per scope: show the consent page again when a request asks for a scope the person has not approved",
	}
}
