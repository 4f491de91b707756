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
	req := []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "rfc9700-4.16-no-framing", Spec: suite.RFC9700, Section: "4.16", Level: suite.Must,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileOAuth21},
			Title: "Login and consent pages forbid framing (X-Frame-Options or CSP frame-ancestors)",
			Quote: "Authorization servers MUST prevent clickjacking attacks.",
			Run:   runNoFraming,
		},
	}
}

func runNoFraming(ctx context.Context, t *suite.T) error {
	shown, err := pages.Shown(ctx, t) // the login page is judged too
	if err != nil {
		return err
	}
	var bad []string
	for _, p := range shown {
		xfo := strings.ToUpper(strings.TrimSpace(p.Header["x-frame-options"]))
		csp := strings.ToLower(p.Header["content-security-policy"])
		if xfo == "DENY" || xfo == "SAMEORIGIN" || strings.Contains(csp, "frame-ancestors") {
			continue
		}
		bad = append(bad, p.URL)
	}
	if len(bad) > 0 {
		return &suite.Failure{Message: "pages where a person enters credentials or approves access can be framed (clickjacking)",
			Want: "X-Frame-Options: DENY or Content-Security-Policy: frame-ancestors 'none'", Got: "neither, on " + strings.Join(bad, ", "),
			Fix: "send Content-Security-Policy: frame-ancestors 'none' (and X-Frame-Options: DENY) on login and consent pages"}
	}
	return nil
}
