package rfc9700

import (
	"context"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// redirectBasedFlowChecks returns the checks of RFC 9700 §2.1, Protecting
// Redirect-Based Flows.
func redirectBasedFlowChecks() []*suite.Check {
	return []*suite.Check{noOpenRedirector}
}

// openRedirectTarget is the URL offered to every endpoint; the .invalid
// name is never resolved, so a redirect to it is followed nowhere.
const openRedirectTarget = "https://open-redirect.authspec.invalid/landing"

// redirectParams are the names under which endpoints commonly take the URL
// to send the browser to next (after a login, a logout, an error). The
// authorization endpoint's redirect_uri is the RFC 6749 §4.1.2.1 checks'.
var redirectParams = []string{
	"post_logout_redirect_uri", "return_to", "returnTo", "return_url", "returnUrl", "next", "redirect",
	"redirect_to", "redirect_url", "continue", "url", "target", "goto", "destination",
}

var noOpenRedirector = &suite.Check{
	ID: "rfc9700-2.1-no-open-redirector", Spec: suite.RFC9700, Section: "2.1", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "No endpoint of the server forwards the browser to a URL taken from a query parameter (the authorization endpoint, the pages it leads to, end_session_endpoint)",
	Quote: "Clients and authorization servers MUST NOT expose URLs that forward the user's browser to arbitrary URIs obtained from a query parameter (open redirectors) as described in Section 4.11.",
	Run:   runNoOpenRedirector,
}

// runNoOpenRedirector offers openRedirectTarget under every name of
// redirectParams to each endpoint of the server a browser meets: the
// authorization endpoint, the pages its answer leads to without a session
// (login, consent, error pages), and the end_session_endpoint the metadata
// names. None may redirect there.
func runNoOpenRedirector(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar, err := t.AuthRequestFor(ctx, c, func(r *fixture.AuthRequest) { r.Plain = true })
	if err != nil {
		return err
	}
	start, err := t.AuthURL(ctx, ar)
	if err != nil {
		return err
	}
	endpoints, err := serverHops(ctx, t, start, c.RedirectURI)
	if err != nil {
		return err
	}
	if es, _ := t.Target.Metadata.Raw["end_session_endpoint"].(string); sameOrigin(es, start) {
		endpoints = append(endpoints, withParams(es, url.Values{"client_id": {c.ID}}))
	}
	for _, e := range endpoints {
		res, err := followOnServer(ctx, t, withRedirectParams(e), start, "offer "+openRedirectTarget+" to "+strings.SplitN(e, "?", 2)[0])
		if err != nil {
			return err
		}
		if res != nil {
			return expect.Fail(res, "no redirect to a URL taken from the query", "Location: "+res.Header.Get("Location"),
				"an endpoint of the server forwards the browser to a URL it was given in a query parameter (an open redirector): "+
					"a link that looks like the server's can send people to a phishing site, or carry codes and tokens there").
				WithFix("redirect only to URLs registered for the client (or to the server's own pages), and ignore or refuse any other target")
		}
	}
	return nil
}

// serverHops returns start and the URLs on its origin that its answer
// redirects to without a session, up to the client's redirect URI.
func serverHops(ctx context.Context, t *suite.T, start, redirectURI string) ([]string, error) {
	hops := []string{start}
	u := start
	for range 4 {
		res, err := get(ctx, t, u, "follow the authorization request without a session")
		if err != nil {
			return nil, err
		}
		next := location(res)
		if next == nil || !sameOrigin(next.String(), start) || strings.HasPrefix(next.String(), redirectURI) {
			break
		}
		u = next.String()
		hops = append(hops, u)
	}
	return hops, nil
}

// followOnServer sends u and follows its redirects while they stay on
// home's origin; it returns the answer that redirects to
// openRedirectTarget, or nil.
func followOnServer(ctx context.Context, t *suite.T, u, home, note string) (*httpx.Result, error) {
	for range 3 {
		res, err := get(ctx, t, u, note)
		if err != nil {
			return nil, err
		}
		next := location(res)
		switch {
		case next == nil:
			return nil, nil
		case strings.EqualFold(next.Hostname(), "open-redirect.authspec.invalid"):
			return res, nil
		case !sameOrigin(next.String(), home):
			return nil, nil
		}
		u = next.String()
	}
	return nil, nil
}

// sameOrigin reports whether a and b are absolute URLs of one origin.
func sameOrigin(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Host != "" && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host)
}

// withRedirectParams adds openRedirectTarget to u under each name of
// redirectParams that u does not carry already.
func withRedirectParams(u string) string {
	add := url.Values{}
	for _, p := range redirectParams {
		add.Set(p, openRedirectTarget)
	}
	return withParams(u, add)
}

// withParams adds the parameters of add that u does not carry already.
func withParams(u string, add url.Values) string {
	pu, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := pu.Query()
	for k, vs := range add {
		if !q.Has(k) {
			q[k] = vs
		}
	}
	pu.RawQuery = q.Encode()
	return pu.String()
}
