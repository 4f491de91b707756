package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// redirect307Checks returns the checks of RFC 9700 §4.12, 307 Redirect.
func redirect307Checks() []*suite.Check {
	return []*suite.Check{no307AfterPost, status303AfterPost}
}

var no307AfterPost = &suite.Check{
	ID: "rfc9700-4.12-no-307-after-post", Spec: suite.RFC9700, Section: "4.12", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "Login and consent forms are not answered with a 307 redirect, which would repeat the POST and its credentials (a 308, not named by RFC 9700, is reported as an observation)",
	Quote: "Authorization servers that redirect a request that potentially contains the user's credentials therefore MUST NOT use the HTTP 307 status code for redirection.",
	Run:   runNo307AfterPost,
}

func runNo307AfterPost(ctx context.Context, t *suite.T) error {
	posts, _, err := postRedirects(ctx, t)
	if err != nil {
		return err
	}
	var kept *formRedirect
	for i, p := range posts {
		if p.visit.Status != http.StatusTemporaryRedirect && p.visit.Status != http.StatusPermanentRedirect {
			continue
		}
		if p.visit.Status == http.StatusTemporaryRedirect && p.credentials {
			return &suite.Failure{Message: "a form that carried the user's credentials is answered with a 307 redirect, which makes the browser send the same POST, with the credentials, to the next URL",
				Want: "303 See Other (or 302)", Got: fmt.Sprintf("HTTP 307 for POST %s → %s", p.visit.URL, p.visit.Header["location"]),
				Fix: "answer form submissions with 303 See Other"}
		}
		if kept == nil || p.credentials {
			kept = &posts[i]
		}
	}
	if kept != nil {
		what := "a form submission that carried no credentials"
		if kept.credentials {
			what = "a form that carried the user's credentials"
		}
		return (&suite.Failure{Message: fmt.Sprintf("%s is answered with a %d redirect, which makes the browser repeat the POST with its body at the next URL; RFC 9700 forbids 307 for requests that may carry credentials", what, kept.visit.Status),
			Want: "303 See Other", Got: fmt.Sprintf("HTTP %d for POST %s → %s", kept.visit.Status, kept.visit.URL, kept.visit.Header["location"]),
			Fix: "answer form submissions with 303 See Other"}).AsObservation()
	}
	return nil
}

var status303AfterPost = &suite.Check{
	ID: "rfc9700-4.12-303-after-post", Spec: suite.RFC9700, Section: "4.12", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "Redirects answering a form that carried the user's credentials (the login form) use 303 See Other",
	Quote: "Authorization servers that redirect a request that potentially contains the user's credentials therefore MUST NOT use the HTTP 307 status code for redirection. " +
		"If an HTTP redirection (and not, for example, JavaScript) is used for such a request, the authorization server SHOULD use HTTP status code 303 (See Other).",
	Run: run303AfterPost,
}

// run303AfterPost judges the redirects answering forms that carried the
// user's credentials: "such a request" is one "that potentially contains
// the user's credentials". A consent form holds a decision and a CSRF
// token, so its redirect (302 is common) is logged, not judged.
func run303AfterPost(ctx context.Context, t *suite.T) error {
	posts, _, err := postRedirects(ctx, t)
	if err != nil {
		return err
	}
	var other, unjudged []string
	judged := 0
	for _, p := range posts {
		line := fmt.Sprintf("HTTP %d for POST %s", p.visit.Status, p.visit.URL)
		switch {
		case !p.credentials:
			unjudged = append(unjudged, line)
		case p.visit.Status != http.StatusSeeOther:
			other = append(other, line)
			judged++
		default:
			judged++
		}
	}
	if len(unjudged) > 0 {
		t.Logf("redirects answering forms that carried no credentials (not judged): %s", strings.Join(unjudged, "; "))
	}
	if len(other) > 0 {
		return &suite.Failure{Message: "a form that carried the user's credentials is redirected with another status than 303",
			Want: "303 See Other", Got: strings.Join(other, "; "),
			Fix: "answer the login form with 303 See Other, which no browser turns into a repeated POST"}
	}
	if judged == 0 {
		return suite.SkipErr("no form that carried the user's credentials was answered with a redirect (%s); the sentence is about those", strings.Join(unjudged, "; "))
	}
	return nil
}

// formRedirect is a redirect answering a form submission, and whether the
// form potentially carried the user's credentials.
type formRedirect struct {
	visit       fixture.PageVisit
	credentials bool
}

// postRedirects are the redirects answering form submissions during a
// login and consent, each with whether its form carried credentials.
func postRedirects(ctx context.Context, t *suite.T) ([]formRedirect, *fixture.AuthzResult, error) {
	res, err := pages.LoginAndConsent(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	secrets := passwordValues(t.Target.Config.Browser.Login)
	var posts []formRedirect
	seen := map[string]int{}
	for _, p := range res.Pages {
		if p.Method != http.MethodPost {
			continue
		}
		at := withoutQuery(p.URL)
		n := seen[at]
		seen[at]++
		if p.Status/100 != 3 {
			continue
		}
		sub, found := nthSubmission(res.Submissions, at, n)
		// A submission not recorded is judged: it may have carried them.
		posts = append(posts, formRedirect{visit: p, credentials: !found || carriesCredentials(sub.Body, secrets)})
	}
	if len(posts) == 0 {
		return nil, res, suite.SkipErr("no form submission of the login or consent pages was answered with a redirect (scripts may navigate instead)")
	}
	return posts, res, nil
}

// nthSubmission is the n-th form submission posted to at (URL without query).
func nthSubmission(subs []fixture.FormSubmission, at string, n int) (fixture.FormSubmission, bool) {
	for _, s := range subs {
		if withoutQuery(s.URL) != at {
			continue
		}
		if n == 0 {
			return s, true
		}
		n--
	}
	return fixture.FormSubmission{}, false
}

func withoutQuery(u string) string {
	u, _, _ = strings.Cut(u, "#")
	u, _, _ = strings.Cut(u, "?")
	return u
}

// passwordLike names the fields of a secret a person types: a password, a
// PIN, a one-time code.
var passwordLike = regexp.MustCompile(`(?i)pass|pwd|\bpin\b|otp|secret|credential`)

// passwordValues are the values the login recipe types into fields whose
// selector names a secret.
func passwordValues(steps []target.Step) []string {
	var out []string
	for _, s := range steps {
		if s.Fill != "" && s.Value != "" && passwordLike.MatchString(s.Fill) {
			out = append(out, s.Value)
		}
	}
	return out
}

// carriesCredentials reports whether a form body holds a secret the person
// typed: a non-empty field named like one, or a value the login recipe
// typed into one.
func carriesCredentials(body string, secrets []string) bool {
	form, err := url.ParseQuery(body)
	if err != nil {
		return true // unreadable: it may
	}
	for k, vs := range form {
		for _, v := range vs {
			if v != "" && (passwordLike.MatchString(k) || slices.Contains(secrets, v)) {
				return true
			}
		}
	}
	return false
}
