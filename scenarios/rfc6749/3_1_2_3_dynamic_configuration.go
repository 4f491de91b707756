package rfc6749

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// dynamicConfigurationChecks returns the checks of RFC 6749 §3.1.2.3,
// Dynamic Configuration.
func dynamicConfigurationChecks() []*suite.Check {
	return []*suite.Check{redirectURIRequiredIfSeveral}
}

var redirectURIRequiredIfSeveral = &suite.Check{
	ID: "rfc6749-3.1.2.3-redirect-uri-required-if-several", Spec: suite.RFC6749, Section: "3.1.2.3", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A client with several registered redirect URIs that omits redirect_uri gets an error page, not a redirect (a redirect to one of them is an observation)",
	Quote: "If multiple redirection URIs have been registered, if only part of the redirection URI has been registered, or if no redirection URI has been registered, the client MUST include a redirection URI with the authorization request using the \"redirect_uri\" request parameter.",
	Keywordless: "The MUST binds the client; the server's side is RFC 6749 §4.1.2.1: \"If the request fails due to a missing, invalid, or mismatching redirection URI ... " +
		"the authorization server ... MUST NOT automatically redirect the user-agent to the invalid redirection URI.\"",
	Run: runRedirectURIRequiredIfSeveral,
}

func runRedirectURIRequiredIfSeveral(ctx context.Context, t *suite.T) error {
	first, second, err := twoRedirectURIs(t.RedirectURI())
	if err != nil {
		return err
	}
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"redirect_uris": []string{first, second}}))
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(r.Client)
	ar.OmitRedirectURI = true
	ar.Plain = true
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil || res.Callback == nil {
		return err
	}
	f := expect.Fail(res.Last, "an error page: the request must name one of the two redirect URIs", "a redirect to "+res.Callback.Redacted(),
		"the server picked one of several registered redirect URIs itself").
		WithFix("when a client registered several redirect URIs, require redirect_uri and show an error page without it")
	if fixture.MatchesRedirect(res.Callback, first) || fixture.MatchesRedirect(res.Callback, second) {
		// A URI the client registered: the server took a request the
		// client should not have sent, and sent nothing to an address
		// the client does not own; RFC 6749 has no sentence on that case.
		return f.AsObservation()
	}
	return f
}

// twoRedirectURIs derives two distinct loopback redirect URIs from base.
func twoRedirectURIs(base string) (string, string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", "", fmt.Errorf("redirect URI %q: %w", base, err)
	}
	second := *u
	second.Path = strings.TrimSuffix(u.Path, "/") + "-second"
	return u.String(), second.String(), nil
}
