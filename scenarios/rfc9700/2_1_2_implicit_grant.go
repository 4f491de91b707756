package rfc9700

import (
	"context"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// implicitGrantChecks returns the checks of RFC 9700 §2.1.2, Implicit
// Grant.
func implicitGrantChecks() []*suite.Check {
	return []*suite.Check{noImplicitGrant}
}

var noImplicitGrant = &suite.Check{
	ID: "rfc9700-2.1.2-no-implicit-grant", Spec: suite.RFC9700, Section: "2.1.2", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "response_type=token is refused: no access token travels in the authorization response (implicit grant)",
	Quote: "In order to avoid these issues, clients SHOULD NOT use the implicit grant (response type \"token\") or other response types issuing access tokens in the authorization response, unless access token injection in the authorization response is prevented and the aforementioned token leakage vectors are mitigated.",
	Keywordless: "The SHOULD NOT binds clients; a server that issues access tokens in the authorization response offers what clients should not use, " +
		"so doing so is reported as an observation (WARN), never a FAIL.",
	Run: runNoImplicitGrant,
}

func runNoImplicitGrant(ctx context.Context, t *suite.T) error {
	c, _, res, err := t.TryImplicit(ctx)
	if err != nil {
		return err
	}
	var leaked string
	if res.Callback != nil {
		frag, _ := url.ParseQuery(res.Callback.Fragment)
		if frag.Get("access_token") != "" || res.Callback.Query().Get("access_token") != "" {
			leaked = res.Callback.Redacted()
		}
	}
	for _, p := range res.Pages { // a browser does not see fragments in requests
		if loc := p.Header["location"]; strings.Contains(loc, "access_token=") {
			leaked = "Location of " + p.URL
		}
	}
	if leaked != "" {
		return expect.Fail(res.LastResponse(), "error=unsupported_response_type", "an access token in the redirect ("+leaked+")",
			"the server runs the implicit grant: access tokens end up in browser history, referrers and logs, and can be injected").
			WithFix("remove response_type=token; clients use the authorization code grant with PKCE").AsObservation()
	}
	if res.Callback == nil && res.Interactive {
		return pagesPassable(ctx, t, c)
	}
	return nil
}
