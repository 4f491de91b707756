package rfc8252

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// clientImpersonationChecks returns the checks of RFC 8252 §8.6, Client
// Impersonation (OAuth 2.1 §7.3.1 repeats it).
func clientImpersonationChecks() []*suite.Check {
	return []*suite.Check{publicConsentAskedAgain}
}

var publicConsentAskedAgain = &suite.Check{
	ID: "rfc8252-8.6-public-consent-asked-again", Spec: suite.RFC8252, Section: "8.6", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeaturePublicClient, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title:    "A public client's second authorization request in the session shows the consent page again",
	Quote:    "This includes the case where the user has previously approved an authorization request for a given client id -- unless the identity of the client can be proven, the request SHOULD be processed as if no previous request had been approved.",
	Run:      runPublicConsentAskedAgain,
}

// runPublicConsentAskedAgain has the person approve a public client, a
// native app with a loopback or private-use redirect URI, whose identity
// nothing proves (any app can listen on the loopback interface and send
// the same client_id and PKCE; a claimed https redirect URI is SKIP), then
// sends its request again in the same session: the consent page must come
// back. A target that approves the first
// request without a consent page establishes approval otherwise (RFC 6749
// §4.1.1: "by asking the resource owner or by establishing approval via
// other means"), which leaves nothing to compare: SKIP.
func runPublicConsentAskedAgain(ctx context.Context, t *suite.T) error {
	c, err := nativeClient(ctx, t) // registered for the check alone: no earlier approval is remembered for it
	if err != nil {
		return err
	}
	if u, err := url.Parse(c.RedirectURI); err == nil && strings.EqualFold(u.Scheme, "https") {
		return suite.SkipErr("the public client's redirect URI %s is an https URI, which the operating system may assure belongs to the app (RFC 8252 §7.2, claimed https URIs): "+
			"its identity may be proven, and a remembered approval lawful; configure a public client with a loopback redirect URI (clients.public.redirect_uri)", c.RedirectURI)
	}
	_, first, err := t.Code(ctx, t.NewAuthRequest(c))
	if err != nil {
		return fmt.Errorf("first authorization: %w", err)
	}
	if first == nil || !slices.ContainsFunc(first.Pages, func(p fixture.PageVisit) bool { return p.Stage == "consent" }) {
		return suite.SkipErr("the target approved the public client's first request without a consent page: it establishes approval otherwise, so a second approval without one says nothing")
	}
	again := t.NewAuthRequest(c)
	again.Flow = fixture.FlowInspect
	res, err := t.Authorize(ctx, again)
	if err != nil {
		return err
	}
	if res.Consent != nil {
		return nil // asked again
	}
	if res.Callback == nil || res.Param("code") == "" {
		return suite.SkipErr("the second request ended on neither the consent page nor a code (%s): whether the person would be asked again is not seen", res.Ending())
	}
	return expect.Fail(res.Last, "the consent page again", "a code at once",
		"the person approved this public client once, and its next request in the session was approved without asking: another app on the device can send the same client_id and PKCE, and get the grant without the person knowing").
		WithFix("remember approvals of confidential clients only (or of public clients whose identity is proven, e.g. a claimed https redirect URI); show the consent page for every request of a public client")
}
