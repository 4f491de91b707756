package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// asOpenRedirectorChecks returns the checks of RFC 9700 §4.11.2,
// Authorization Server as Open Redirector.
func asOpenRedirectorChecks() []*suite.Check {
	return []*suite.Check{authenticateBeforeErrorRedirect}
}

var authenticateBeforeErrorRedirect = &suite.Check{
	ID: "rfc9700-4.11.2-authenticate-before-error-redirect", Spec: suite.RFC9700, Section: "4.11.2", Level: suite.Must,
	// The browser marks a target whose people sign in on its pages; the
	// check itself sends plain requests without a session.
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "A broken authorization request is not redirected with its error to the client before the user is authenticated (error-response phishing)",
	Quote: "The authorization server MUST always authenticate the user first and, with the exception of the silent authentication use case, prompt the user for credentials when needed, before redirecting the user.",
	Run:   runAuthenticateBeforeErrorRedirect,
}

// runAuthenticateBeforeErrorRedirect sends, without a session, the run's
// usual authorization request and the same request with an unsupported
// response_type. When the usual request goes to a login page first, the
// broken one must not go to the client's redirect URI at once: whoever
// registered that URI could send people there through the server with a
// request that fails on purpose (RFC 9700 §4.11.2, attack 1). A login page
// or an error page is lawful; so is the error redirect after the sign-in.
func runAuthenticateBeforeErrorRedirect(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	// The usual request is pushed first where the client must push
	// (RFC 9126); the broken one is sent as anyone could send it.
	control, err := firstAnswer(ctx, t, c, nil, "the usual authorization request, without a session")
	if err != nil {
		return err
	}
	if toClient(control, c.RedirectURI) {
		return suite.SkipErr("the usual authorization request without a session is redirected to the client at once (HTTP %d), without a login page: "+
			"the target authenticates nobody here (approval without sign-in), so when it redirects an error says nothing", control.Status)
	}
	if control.Status >= http.StatusBadRequest {
		return suite.SkipErr("the usual authorization request is refused (HTTP %d), so the answer to a broken one says nothing", control.Status)
	}
	broken, err := firstAnswer(ctx, t, c, func(r *fixture.AuthRequest) {
		r.Plain = true
		r.Extra = url.Values{"response_type": {"authspec_unsupported"}}
	}, "the same request with an unsupported response_type, without a session")
	if err != nil {
		return err
	}
	if toClient(broken, c.RedirectURI) {
		return expect.Fail(broken, "a login page (or an error page) before any redirect to the client",
			"HTTP "+fmt.Sprint(broken.Status)+" to "+broken.Header.Get("Location"),
			"a request that fails validation is redirected to the client before anyone signs in, while the valid one goes to a login page first: "+
				"a client's owner can send people through the server to its redirect URI (a phishing site) with a request broken on purpose").
			WithEvidence(control.Exchange).
			WithFix("authenticate the user before redirecting an authorization error to the client (show the login page first), or show the error as a page")
	}
	return nil
}

// firstAnswer sends the authorization request of c changed by adjust with
// no cookies and no redirect followed, and returns the first answer.
func firstAnswer(ctx context.Context, t *suite.T, c *fixture.Client, adjust func(*fixture.AuthRequest), note string) (*httpx.Result, error) {
	ar, err := t.AuthRequestFor(ctx, c, adjust)
	if err != nil {
		return nil, err
	}
	u, err := t.AuthURL(ctx, ar)
	if err != nil {
		return nil, err
	}
	return get(ctx, t, u, note)
}

// toClient reports whether res redirects to the redirect URI (its scheme,
// host and path; the query carries the response).
func toClient(res *httpx.Result, redirectURI string) bool {
	loc := location(res)
	want, err := url.Parse(redirectURI)
	if loc == nil || err != nil {
		return false
	}
	return strings.EqualFold(loc.Scheme, want.Scheme) && strings.EqualFold(loc.Host, want.Host) && loc.Path == want.Path
}
