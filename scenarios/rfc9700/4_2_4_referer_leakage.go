package rfc9700

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// refererLeakageChecks returns the checks of RFC 9700 §4.2.4,
// Countermeasures (Credential Leakage via Referer Headers).
func refererLeakageChecks() []*suite.Check {
	return []*suite.Check{noThirdPartyResources}
}

var noThirdPartyResources = &suite.Check{
	ID: "rfc9700-4.2.4-no-third-party-resources", Spec: suite.RFC9700, Section: "4.2.4", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "Login and consent pages load nothing from other hosts (third-party resources receive the URL as Referer)",
	Quote: "The page rendered as a result of the OAuth authorization response and the authorization endpoint SHOULD NOT include third-party resources or links to external sites.",
	Run:   runNoThirdPartyResources,
}

func runNoThirdPartyResources(ctx context.Context, t *suite.T) error {
	res, err := pages.LoginAndConsent(ctx, t)
	if err != nil {
		return err
	}
	host := ""
	if u, err := url.Parse(t.Target.Metadata.AuthorizationEndpoint); err == nil {
		host = u.Hostname()
	}
	var third []string
	seen := map[string]bool{}
	for _, r := range res.Subresources {
		u, err := url.Parse(r)
		if err != nil || u.Scheme == "data" || u.Scheme == "blob" || u.Hostname() == "" || strings.EqualFold(u.Hostname(), host) || seen[r] {
			continue
		}
		seen[r] = true
		third = append(third, r)
	}
	if len(third) > 0 {
		if len(third) > 5 {
			third = append(third[:5], fmt.Sprintf("… and %d more", len(third)-5))
		}
		return &suite.Failure{Message: "the login or consent pages load resources from other hosts",
			Want: "resources from " + host + " only", Got: strings.Join(third, ", "),
			Fix: "serve fonts, scripts, styles and images of the authorization pages from the authorization server itself"}
	}
	return nil
}
