package rfc9700

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// redirectURIValidationChecks returns the checks of RFC 9700 §4.1.3,
// Countermeasures (Insufficient Redirect URI Validation).
func redirectURIValidationChecks() []*suite.Check {
	return []*suite.Check{exactRedirectMatch, noRedirectPatterns}
}

var exactRedirectMatch = &suite.Check{
	ID: "rfc9700-4.1.3-exact-redirect-match", Spec: suite.RFC9700, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "redirect_uri is compared by exact string matching (no prefix, path or query extension)",
	Quote: "This means the authorization server MUST ensure that the two URIs are equal; see Section 6.2.1 of [RFC3986], Simple String Comparison, for details.",
	Run:   runExactRedirectMatch,
}

func runExactRedirectMatch(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	pages := false
	for _, variant := range []string{c.RedirectURI + "/extra", c.RedirectURI + "?x=1", c.RedirectURI + "x"} {
		ar := t.NewAuthRequest(c)
		ar.RedirectURI = variant
		res, err := t.TryAuthorize(ctx, ar)
		if err != nil {
			return err
		}
		if res.Param("code") != "" {
			return expect.Fail(res.Last, "no code for "+variant, "a code delivered to "+res.Callback.Redacted(),
				"a redirect_uri that only starts like the registered one was accepted").
				WithFix("compare redirect_uri with the registered URIs as strings, byte for byte")
		}
		pages = pages || (res.Callback == nil && res.Interactive)
	}
	if pages {
		return pagesPassable(ctx, t, c)
	}
	return nil
}

var noRedirectPatterns = &suite.Check{
	ID: "rfc9700-4.1.3-no-redirect-patterns", Spec: suite.RFC9700, Section: "4.1.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "A registered redirect URI containing * is not used as a pattern: a matching host gets no code",
	Quote: "This means the authorization server MUST ensure that the two URIs are equal; see Section 6.2.1 of [RFC3986], Simple String Comparison, for details.",
	Run:   runNoRedirectPatterns,
}

func runNoRedirectPatterns(ctx context.Context, t *suite.T) error {
	if err := registrationWorks(ctx, t); err != nil {
		return err
	}
	pattern := "https://*.authspec.example/callback"
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"redirect_uris": []string{pattern}}))
	if err != nil {
		return err
	}
	if !r.OK() || r.Client.ID == "" {
		return refusedAtRegistration(r, "a redirect URI pattern")
	}
	ar := t.NewAuthRequest(r.Client)
	ar.RedirectURI = "https://attacker.authspec.example/callback"
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Callback != nil {
		return expect.Fail(res.Last, "an error page: the redirect_uri is not the registered string",
			"a redirect to "+res.Callback.Redacted(), "a registered redirect URI was used as a pattern: any matching host receives the code").
			WithFix("compare redirect URIs as exact strings; refuse patterns at registration")
	}
	return nil
}
