package rfc9700

import (
	"context"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// clickjackingChecks returns the checks of RFC 9700 §4.16, Clickjacking.
func clickjackingChecks() []*suite.Check {
	return []*suite.Check{noFraming, cspFrameAncestors}
}

var cspFrameAncestors = &suite.Check{
	ID: "rfc9700-4.16-csp-frame-ancestors", Spec: suite.RFC9700, Section: "4.16", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileOAuth21},
	Title: "Login and consent pages restrict framing with Content-Security-Policy frame-ancestors, not X-Frame-Options alone",
	Quote: "In addition to those, authorization servers SHOULD also use Content Security Policy (CSP) level 2 [W3C.CSP-2] or greater.",
	Run:   runCSPFrameAncestors,
}

// runCSPFrameAncestors asks every login and consent page for a CSP
// frame-ancestors directive, whatever else it sends: X-Frame-Options alone
// meets rfc9700-4.16-no-framing, not this SHOULD.
func runCSPFrameAncestors(ctx context.Context, t *suite.T) error {
	shown, err := pages.Shown(ctx, t)
	if err != nil {
		return err
	}
	var bad []string
	for _, p := range shown {
		if !framingRestricted(p.Header["content-security-policy"]) {
			bad = append(bad, p.URL)
		}
	}
	if len(bad) > 0 {
		return &suite.Failure{Message: "pages where a person enters credentials or approves access restrict framing without Content Security Policy: " +
			"X-Frame-Options alone cannot name the origins allowed to frame a page, and RFC 9700 §4.16 asks for CSP level 2 frame-ancestors in addition",
			Want: "Content-Security-Policy: frame-ancestors 'none' (or the allowed origins)", Got: "no frame-ancestors directive on " + strings.Join(bad, ", "),
			Fix: "send Content-Security-Policy: frame-ancestors 'none' on login and consent pages, next to X-Frame-Options: DENY"}
	}
	return nil
}

var noFraming = &suite.Check{
	ID: "rfc9700-4.16-no-framing", Spec: suite.RFC9700, Section: "4.16", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileOAuth21},
	Title: "Login and consent pages forbid framing (X-Frame-Options, CSP frame-ancestors, or a frame-busting script)",
	Quote: "Authorization servers MUST prevent clickjacking attacks.",
	Run:   runNoFraming,
}

func runNoFraming(ctx context.Context, t *suite.T) error {
	shown, err := pages.Shown(ctx, t) // the login page is judged too
	if err != nil {
		return err
	}
	var bad []string
	for _, p := range shown {
		xfo := strings.ToUpper(strings.TrimSpace(p.Header["x-frame-options"]))
		if xfo == "DENY" || xfo == "SAMEORIGIN" || framingRestricted(p.Header["content-security-policy"]) {
			continue
		}
		if p.FrameScript {
			// RFC 9700 §4.16 names frame-busting JavaScript among the
			// countermeasures; whether it works is not judged here
			// (rfc9700-4.16-csp-frame-ancestors asks for CSP as well).
			t.Logf("%s sends neither X-Frame-Options nor CSP frame-ancestors, but an inline script checks whether the page is framed (frame-busting)", p.URL)
			continue
		}
		bad = append(bad, p.URL)
	}
	if len(bad) > 0 {
		return &suite.Failure{Message: "pages where a person enters credentials or approves access can be framed by any site (clickjacking): neither X-Frame-Options nor a CSP frame-ancestors that excludes other sites, " +
			"nor an inline script that checks whether the page is framed (frame-busting JavaScript, which RFC 9700 §4.16 also names; one loaded from a separate file is not seen)",
			Want: "X-Frame-Options: DENY or Content-Security-Policy: frame-ancestors 'none'", Got: "neither, on " + strings.Join(bad, ", "),
			Fix: "send Content-Security-Policy: frame-ancestors 'none' (and X-Frame-Options: DENY) on login and consent pages"}
	}
	return nil
}

// framingRestricted reports whether a Content-Security-Policy restricts
// framing: a frame-ancestors directive whose sources do not include every
// site ("*", or a bare scheme such as "https:").
func framingRestricted(csp string) bool {
	for _, policy := range strings.Split(csp, ",") {
		for _, d := range strings.Split(policy, ";") {
			f := strings.Fields(strings.ToLower(d))
			if len(f) == 0 || f[0] != "frame-ancestors" {
				continue
			}
			open := false
			for _, src := range f[1:] {
				if src == "*" || src == "https:" || src == "http:" {
					open = true
				}
			}
			if !open {
				return true
			}
		}
	}
	return false
}
