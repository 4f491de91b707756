package rfc9207

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// quoteIss is RFC 9207 §2's requirement.
const quoteIss = "In authorization responses to the client, including error responses, an authorization server supporting this specification MUST indicate its identity by including the iss parameter in the response. " +
	"The iss parameter value is the issuer identifier of the authorization server that created the authorization response, as defined in [RFC8414]."

// issChecks returns the checks of RFC 9207 §2, Response Parameter iss.
func issChecks() []*suite.Check {
	return []*suite.Check{issParameter, issOnErrorResponse, issHTTPSURL}
}

var issParameter = &suite.Check{
	ID: "rfc9207-2-iss-parameter", Spec: suite.RFC9207, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureIssParameter}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "Authorization responses carry iss equal to the issuer when metadata advertises it",
	Quote: quoteIss,
	Run:   runIssParameter,
}

func runIssParameter(ctx context.Context, t *suite.T) error {
	res, err := t.AuthorizedBack(ctx, nil)
	if err != nil {
		return err
	}
	return issIsIssuer(t, res, "the authorization response")
}

var issOnErrorResponse = &suite.Check{
	ID: "rfc9207-2-iss-on-error-response", Spec: suite.RFC9207, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureIssParameter}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "Error responses redirected to the client carry iss equal to the issuer too",
	Quote: quoteIss,
	Run:   runIssOnErrorResponse,
}

// runIssOnErrorResponse provokes an error response to the client (an
// unknown response_type, RFC 6749 §4.1.2.1 unsupported_response_type) and
// requires iss in it. The request is sent as it is (Plain) even to a
// server that requires pushed authorization requests: a refused push is
// answered to the client directly, not in an authorization response,
// while the authorization endpoint refuses the plain request with an
// error response (RFC 9126 §4, invalid_request), which carries iss as any.
func runIssOnErrorResponse(ctx context.Context, t *suite.T) error {
	res, err := pages.ErrorRedirect(ctx, t)
	if err != nil {
		return err
	}
	return issIsIssuer(t, res, "the error response (error="+res.Param("error")+")")
}

var issHTTPSURL = &suite.Check{
	ID: "rfc9207-2-iss-https-url", Spec: suite.RFC9207, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureIssParameter}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The iss value is an https URL without query or fragment",
	Quote: "Its value MUST be a URL that uses the \"https\" scheme without any query or fragment components.",
	Run:   runIssHTTPSURL,
}

// runIssHTTPSURL judges the form of iss: no query or fragment, and https
// unless the server is a test deployment on a loopback address (whose
// scheme is not judged).
func runIssHTTPSURL(ctx context.Context, t *suite.T) error {
	res, err := responseWithIss(ctx, t, "rfc9207-2-iss-parameter judges that")
	if err != nil {
		return err
	}
	iss := res.Callback.Query().Get("iss")
	u, err := url.Parse(iss)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return expect.Fail(res.Last, "an absolute https URL", fmt.Sprintf("iss=%q", iss), "iss is not an absolute URL").
			WithFix("send the issuer identifier of the metadata as iss")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(iss, "#"):
		return expect.Fail(res.Last, "an https URL without query or fragment", fmt.Sprintf("iss=%q", iss), "iss has a query or fragment component").
			WithFix("use an issuer identifier without query or fragment (RFC 8414 §2) and send it unchanged as iss")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
		t.Logf("iss is an http URL on a loopback address (%s), as test deployments are: its scheme is not judged; run against the deployment served over https for that", iss)
		return nil
	}
	return expect.Fail(res.Last, "an https URL", fmt.Sprintf("iss=%q", iss), "iss does not use the https scheme").
		WithFix("serve the authorization server over TLS and use its https issuer identifier")
}

// issIsIssuer requires the response that came back to the client to carry
// iss equal to the issuer of the metadata.
func issIsIssuer(t *suite.T, res *fixture.AuthzResult, what string) error {
	q := res.Callback.Query()
	if got := q.Get("iss"); !q.Has("iss") || got != t.Target.Metadata.Issuer {
		shown := "no iss"
		if q.Has("iss") {
			shown = fmt.Sprintf("iss=%q", got)
		}
		return expect.Fail(res.Last, "iss="+t.Target.Metadata.Issuer, shown,
			"%s does not carry the issuer identifier: clients that check iss (mix-up defence) reject it", what).
			WithFix("add iss=<issuer, exactly as in the metadata> to every authorization response, success and error")
	}
	return nil
}

// responseWithIss approves the run's usual authorization request and
// returns the response that came back to the client with iss; SKIP, saying
// what judges its absence (why), when there is none.
func responseWithIss(ctx context.Context, t *suite.T, why string) (*fixture.AuthzResult, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	res, err := t.Authorize(ctx, t.NewAuthRequest(c))
	if err != nil {
		return nil, err
	}
	if res.Callback == nil || !res.Callback.Query().Has("iss") {
		return nil, suite.SkipErr("the authorization response carries no iss (%s)", why)
	}
	return res, nil
}
