package rfc7009

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// revocationChecks returns the checks of RFC 7009 §2, Token Revocation.
func revocationChecks() []*suite.Check {
	return []*suite.Check{endpointURL}
}

var endpointURL = &suite.Check{
	ID: "rfc7009-2-endpoint-url", Spec: suite.RFC7009, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureRevocation}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The revocation endpoint is an absolute https URL without fragment",
	Quote: "This URL MUST conform to the rules given in [RFC6749], Section 3.1. ... " +
		"Since requests to the token revocation endpoint result in the transmission of plaintext credentials in the HTTP request, URLs for token revocation endpoints MUST be HTTPS URLs.",
	Run: runEndpointURL,
}

// runEndpointURL judges the revocation endpoint's URL: absolute and
// without fragment (RFC 6749 §3.1), https unless the server is a test
// deployment on a loopback address (whose scheme is not judged).
func runEndpointURL(_ context.Context, t *suite.T) error {
	ep := t.Target.Metadata.RevocationEndpoint
	u, err := url.Parse(ep)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return endpointFail(t, ep, "an absolute URL", "the revocation endpoint is not an absolute URL")
	case u.Fragment != "" || strings.Contains(ep, "#"):
		return endpointFail(t, ep, "a URL without fragment", "the revocation endpoint has a fragment component, which RFC 6749 §3.1 forbids for endpoint URIs")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
		t.Logf("the revocation endpoint %s is http on a loopback address, as test deployments are: its scheme is not judged; run against the deployment served over https for that", ep)
		return nil
	}
	return endpointFail(t, ep, "an https URL", "the revocation endpoint is not an https URL: clients send their credentials and tokens to it in plaintext")
}

func endpointFail(t *suite.T, ep, want, why string) error {
	return expect.Fail(t.Target.MetadataResult, want, fmt.Sprintf("revocation_endpoint %q", ep), "%s", why).
		WithFix("publish the revocation endpoint as an absolute https URL without fragment")
}
