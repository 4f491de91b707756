// Package browserflows holds the checks that need a person at the target's
// login and consent pages: a real browser plays the config's recipe.
package browserflows

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// Checks returns the browser-backed checks.
func Checks() []*suite.Check {
	req := []suite.Feature{suite.FeatureBrowser, suite.FeatureConfidential, suite.FeatureAuthCode}
	return append(append(append(csrfChecks(), consentChecks()...), bcpChecks()...), []*suite.Check{
		{
			ID: "rfc6749-4.1.2.1-deny-access-denied", Spec: suite.RFC6749, Section: "4.1.2.1", Level: suite.Must,
			Requires: req, Profiles: []string{"core"},
			Title: "A denied consent redirects to the client with error=access_denied and the state",
			Quote: "If the resource owner denies the access request or if the request fails for reasons other than a missing or invalid redirection URI, the authorization server informs the client by adding the following parameters to the query component of the redirection URI",
			Run:   runDeny,
		},
		{
			ID: "rfc6749-4.1.2-state-after-login", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Must,
			Requires: req, Profiles: []string{"core"},
			Title: "state and the PKCE challenge survive the login and consent pages",
			Quote: "state REQUIRED if the \"state\" parameter was present in the client authorization request. The exact value received from the client.",
			Run:   runStateAfterLogin,
		},
		{
			ID: "rfc9700-4.16-no-framing", Spec: suite.RFC9700, Section: "4.16", Level: suite.Must,
			Requires: req, Profiles: []string{"oauth2.1"},
			Title: "Login and consent pages forbid framing (X-Frame-Options or CSP frame-ancestors)",
			Quote: "Authorization servers MUST prevent clickjacking attacks.",
			Run:   runNoFraming,
		},
	}...)
}

func runDeny(ctx context.Context, t *suite.T) error {
	_, ar, err := pages.Request(ctx, t)
	if err != nil {
		return err
	}
	ar.Flow = fixture.FlowDeny
	res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
	if err != nil {
		if fixture.IsUnavailable(err) {
			return err
		}
		return &suite.Failure{Message: "after the deny steps the browser never came back to the client: " + err.Error(),
			Want: "a redirect to the client with error=access_denied", Got: "no redirect",
			Fix: "redirect a denied request to the client's redirect URI with error=access_denied and state"}
	}
	if !res.Interactive {
		return suite.SkipErr("the target approved the request without showing a page, so there was nothing to deny")
	}
	q := res.Callback.Query()
	if q.Get("error") != "access_denied" || q.Get("state") != ar.State {
		return &suite.Failure{Message: "the denial did not reach the client as RFC 6749 §4.1.2.1 says",
			Want: fmt.Sprintf("error=access_denied&state=%q", ar.State), Got: fmt.Sprintf("error=%q state=%q", q.Get("error"), q.Get("state"))}
	}
	return nil
}

func runStateAfterLogin(ctx context.Context, t *suite.T) error {
	_, ar, err := pages.Request(ctx, t)
	if err != nil {
		return err
	}
	ar.Flow = fixture.FlowLogin // through the login page, not an earlier session
	res, err := t.Fixtures.Authorize(ctx, t.HTTP, ar)
	if err != nil {
		return err
	}
	q := res.Callback.Query()
	if got := q.Get("state"); got != ar.State {
		return &suite.Failure{Message: "the state sent with the authorization request did not come back after login and consent",
			Want: fmt.Sprintf("state=%q", ar.State), Got: fmt.Sprintf("state=%q", got),
			Fix: "carry the authorization request (state, PKCE challenge, resource) through the login and consent pages"}
	}
	code := q.Get("code")
	if code == "" {
		return &suite.Failure{Message: "the redirect after consent carries no code", Want: "code=…", Got: res.Callback.Redacted()}
	}
	tok, err := t.Fixtures.Exchange(ctx, t.HTTP, ar, code, nil)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(tok, http.StatusOK), "bind the PKCE challenge of the original request to the code issued after login")
}

func runNoFraming(ctx context.Context, t *suite.T) error {
	res, err := pages.LoginAndConsent(ctx, t) // the login page is judged too
	if err != nil {
		return err
	}
	var bad []string
	seen := 0
	for _, p := range res.Pages {
		if p.Status != http.StatusOK {
			continue
		}
		seen++
		xfo := strings.ToUpper(strings.TrimSpace(p.Header["x-frame-options"]))
		csp := strings.ToLower(p.Header["content-security-policy"])
		if xfo == "DENY" || xfo == "SAMEORIGIN" || strings.Contains(csp, "frame-ancestors") {
			continue
		}
		bad = append(bad, p.URL)
	}
	if seen == 0 {
		return suite.SkipErr("the browser saw no login or consent page")
	}
	if len(bad) > 0 {
		return &suite.Failure{Message: "pages where a person enters credentials or approves access can be framed (clickjacking)",
			Want: "X-Frame-Options: DENY or Content-Security-Policy: frame-ancestors 'none'", Got: "neither, on " + strings.Join(bad, ", "),
			Fix: "send Content-Security-Policy: frame-ancestors 'none' (and X-Frame-Options: DENY) on login and consent pages"}
	}
	return nil
}
