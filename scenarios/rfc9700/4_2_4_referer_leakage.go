package rfc9700

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
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
	Title: "Login and consent pages load nothing from other sites (third-party resources receive the URL as Referer)",
	Quote: "The page rendered as a result of the OAuth authorization response and the authorization endpoint SHOULD NOT include third-party resources or links to external sites.",
	Run:   runNoThirdPartyResources,
}

func runNoThirdPartyResources(ctx context.Context, t *suite.T) error {
	res, err := pages.LoginAndConsent(ctx, t)
	if err != nil {
		return err
	}
	// First party: the site of the authorization endpoint and of the pages
	// shown (a login host beside it), by registrable domain, so that a
	// static host of the same site (static.example.com) is not a third
	// party.
	sites := map[string]bool{}
	for _, u := range append([]string{t.Target.Metadata.AuthorizationEndpoint}, pageURLs(res.Pages)...) {
		if s := siteOf(u); s != "" {
			sites[s] = true
		}
	}
	var third []string
	seen := map[string]bool{}
	for _, r := range res.Subresources {
		u, err := url.Parse(r)
		if err != nil || u.Scheme == "data" || u.Scheme == "blob" || u.Hostname() == "" || sites[siteOf(r)] || seen[r] {
			continue
		}
		seen[r] = true
		third = append(third, r)
	}
	if len(third) > 0 {
		if len(third) > 5 {
			third = append(third[:5], fmt.Sprintf("… and %d more", len(third)-5))
		}
		return &suite.Failure{Message: "the login or consent pages load resources from other sites",
			Want: "resources from " + strings.Join(slices.Sorted(maps.Keys(sites)), ", ") + " only", Got: strings.Join(third, ", "),
			Fix: "serve fonts, scripts, styles and images of the authorization pages from the authorization server's own site"}
	}
	return nil
}

// pageURLs are the URLs of the pages shown (status 200).
func pageURLs(visits []fixture.PageVisit) []string {
	var out []string
	for _, p := range visits {
		if p.Status == 0 || p.Status == 200 {
			out = append(out, p.URL)
		}
	}
	return out
}

// siteOf is the registrable domain of a URL's host (example.com for
// static.example.com), the host itself for an IP address or a name the
// public suffix list does not place.
func siteOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(host) != nil {
		return host
	}
	if site, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return site
	}
	return host
}
