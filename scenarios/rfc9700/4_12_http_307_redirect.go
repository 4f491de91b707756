package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
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
	var permanent *fixture.PageVisit
	for i, p := range posts {
		switch p.Status {
		case http.StatusTemporaryRedirect:
			return &suite.Failure{Message: "a form submission is answered with a 307 redirect, which makes the browser send the same POST, with its body, to the next URL",
				Want: "303 See Other (or 302)", Got: fmt.Sprintf("HTTP %d for POST %s → %s", p.Status, p.URL, p.Header["location"]),
				Fix: "answer form submissions with 303 See Other"}
		case http.StatusPermanentRedirect:
			permanent = &posts[i]
		}
	}
	if permanent != nil {
		return (&suite.Failure{Message: "a form submission is answered with a 308 redirect, which, like 307, makes the browser repeat the POST with its body; RFC 9700 names only 307",
			Want: "303 See Other", Got: fmt.Sprintf("HTTP 308 for POST %s → %s", permanent.URL, permanent.Header["location"]),
			Fix: "answer form submissions with 303 See Other"}).AsObservation()
	}
	return nil
}

var status303AfterPost = &suite.Check{
	ID: "rfc9700-4.12-303-after-post", Spec: suite.RFC9700, Section: "4.12", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "Redirects answering the login and consent forms use 303 See Other",
	Quote: "If an HTTP redirection (and not, for example, JavaScript) is used for such a request, the authorization server SHOULD use HTTP status code 303 (See Other).",
	Run:   run303AfterPost,
}

func run303AfterPost(ctx context.Context, t *suite.T) error {
	posts, _, err := postRedirects(ctx, t)
	if err != nil {
		return err
	}
	var other []string
	for _, p := range posts {
		if p.Status/100 == 3 && p.Status != http.StatusSeeOther {
			other = append(other, fmt.Sprintf("HTTP %d for POST %s", p.Status, p.URL))
		}
	}
	if len(other) > 0 {
		return &suite.Failure{Message: "form submissions are redirected with another status than 303",
			Want: "303 See Other", Got: strings.Join(other, "; "),
			Fix: "answer the login and consent forms with 303 See Other, which no browser turns into a repeated POST"}
	}
	return nil
}

// postRedirects are the responses to form submissions during a login and consent.
func postRedirects(ctx context.Context, t *suite.T) ([]fixture.PageVisit, *fixture.AuthzResult, error) {
	res, err := pages.LoginAndConsent(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	var posts []fixture.PageVisit
	for _, p := range res.Pages {
		if p.Method == http.MethodPost && p.Status/100 == 3 {
			posts = append(posts, p)
		}
	}
	if len(posts) == 0 {
		return nil, res, suite.SkipErr("no form submission of the login or consent pages was answered with a redirect (scripts may navigate instead)")
	}
	return posts, res, nil
}
