package rfc6749

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// clientImpersonationChecks returns the checks of RFC 6749 §10.2, Client
// Impersonation.
func clientImpersonationChecks() []*suite.Check {
	return []*suite.Check{consentNamesClient, rememberedConsentScope}
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

// configuredName is the client_name the config gives the configured
// client c, if any.
func configuredName(t *suite.T, c *fixture.Client) string {
	for _, cc := range []*target.ClientConfig{t.Target.Config.Clients.Confidential, t.Target.Config.Clients.Public} {
		if cc != nil && cc.ClientID == c.ID {
			return cc.ClientName
		}
	}
	return ""
}

func consentText(res *fixture.AuthzResult) string {
	for _, p := range res.Pages {
		if p.Stage == "consent" {
			return p.Text
		}
	}
	return ""
}

var consentNamesClient = &suite.Check{
	ID: "rfc6749-10.2-consent-names-client", Spec: suite.RFC6749, Section: "10.2", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The consent page names the client (its registered name or client_id)",
	Quote: quote102,
	Run:   runConsentNamesClient,
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
	// The scope may be described in words (better than its strings), so
	// only its absence as strings is logged; the client must be named.
	var absent []string
	for _, s := range strings.Fields(ar.Scope) {
		if !strings.Contains(text, s) {
			absent = append(absent, s)
		}
	}
	if len(absent) > 0 {
		t.Logf("the consent page does not show the scope strings %s; it may describe them in words", strings.Join(absent, ", "))
	}
	name := clientName(c)
	if strings.Contains(strings.ToLower(text), strings.ToLower(name)) || strings.Contains(text, c.ID) {
		return nil
	}
	if c.Info == nil {
		// A configured client: its name is the one an administrator
		// gave it, which only the config can tell.
		switch configured := configuredName(t, c); {
		case configured == "":
			return suite.SkipErr("the consent page names neither the client_id %s nor a name the run knows for this configured client: set client_name under its entry in clients: to the name the server shows", c.ID)
		case strings.Contains(strings.ToLower(text), strings.ToLower(configured)):
			return nil
		default:
			name = configured
		}
	}
	got := strings.Join(strings.Fields(text), " ")
	if len(got) > 300 {
		got = got[:300] + "…"
	}
	return &suite.Failure{
		Message: fmt.Sprintf("the consent page does not tell the person who is asking: it names neither the client's name %q nor its client_id", name),
		Want:    "a consent page naming the client",
		Got:     "page text: " + got,
		Fix:     "show the client's registered name (or client_id) on the consent page, so that an impersonating client can be told apart",
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
		if s != "openid" && s != "offline_access" && s != "offline" && !slices.Contains(usable, s) {
			usable = append(usable, s)
		}
	}
	if len(usable) < 2 {
		return "", "", false
	}
	return usable[0], usable[0] + " " + usable[1], true
}

// approvedClient registers a client of its own (so that no other check's
// approvals interfere) and approves one authorization with scope; it
// returns the scope that approval granted (its token's scope member, or
// scope when the member is omitted, RFC 6749 §5.1).
func approvedClient(ctx context.Context, t *suite.T, scope string) (*fixture.Client, string, error) {
	var c *fixture.Client
	if ok, _ := t.Target.Has(vocab.FeatureDCR); ok {
		r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_name": "authspec consent policy client"}))
		if err != nil {
			return nil, "", err
		}
		c = r.Client
	} else {
		var err error
		if c, err = t.Confidential(ctx); err != nil {
			return nil, "", err
		}
	}
	ar := t.NewAuthRequest(c)
	if scope != "" {
		ar.Scope = scope // else the config's scopes, as every request
	}
	code, res, err := t.Code(ctx, ar)
	if err != nil {
		return nil, "", fmt.Errorf("first authorization: %w", err)
	}
	if res == nil || !slices.ContainsFunc(res.Pages, func(p fixture.PageVisit) bool { return p.Stage == "consent" }) {
		return nil, "", suite.SkipErr("the target approved the first authorization without showing a consent page: no person approved a scope, so there is no remembered approval to judge")
	}
	granted := ar.Scope
	if tok, err := t.Redeem(ctx, ar, code, nil); err == nil {
		if ts, err := t.ParseTokens(tok); err == nil && ts.Scope != "" {
			granted = ts.Scope
		}
	}
	return c, granted, nil
}

var rememberedConsentScope = &suite.Check{
	ID: "rfc6749-10.2-remembered-consent-scope", Spec: suite.RFC6749, Section: "10.2", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A remembered approval is not silently extended to scopes the user did not approve",
	Quote: quote102,
	Run:   runRememberedConsentScope,
}

func runRememberedConsentScope(ctx context.Context, t *suite.T) error {
	narrow, wide, ok := scopes(t)
	if !ok {
		return suite.SkipErr("the target offers fewer than two scopes (scopes_supported or the config's scopes), so a wider request cannot be made")
	}
	c, first, err := approvedClient(ctx, t, narrow)
	if err != nil {
		return err
	}
	if extra := strings.Fields(wide)[1]; slices.Contains(strings.Fields(first), extra) {
		return suite.SkipErr("the first approval, for %q, already granted %q (scope %q: a default scope added by the server): the wider request adds nothing the person has not approved", narrow, extra, first)
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
