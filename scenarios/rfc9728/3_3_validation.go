package rfc9728

import (
	"context"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// validationChecks returns the checks of RFC 9728 §3.3, Protected Resource
// Metadata Validation.
func validationChecks() []*suite.Check {
	return []*suite.Check{resourceIdentical, challengeMetadataResource}
}

// sameResource reports whether the resource identifiers a and b are the
// same: identical, or differing only where the client cannot tell them
// apart, in the case of the scheme and host (RFC 3986 §3.1, §3.2.2) and in
// an empty path against "/" (both send the request line "/", and give the
// same well-known URL, RFC 9728 §3.1 removing a terminating slash after
// the host).
func sameResource(a, b string) bool {
	if a == b {
		return true
	}
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil || ua.Opaque != "" || ub.Opaque != "" {
		return false
	}
	path := func(u *url.URL) string {
		if u.EscapedPath() == "" {
			return "/"
		}
		return u.EscapedPath()
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host) && path(ua) == path(ub) &&
		ua.User.String() == ub.User.String() && ua.RawQuery == ub.RawQuery && ua.ForceQuery == ub.ForceQuery &&
		ua.Fragment == ub.Fragment
}

var resourceIdentical = &suite.Check{
	ID: "rfc9728-3.3-resource-identical", Spec: suite.RFC9728, Section: "3.3", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The resource member of the metadata is identical to the resource identifier",
	Quote: "The resource value returned MUST be identical to the protected resource's resource identifier value into which the well-known URI path suffix was inserted to create the URL used to retrieve the metadata.",
	Run:   runResourceIdentical,
}

func runResourceIdentical(ctx context.Context, t *suite.T) error {
	res := t.Target.ResourceMetadataResult
	got, _ := t.Target.ResourceMetadata["resource"].(string)
	if !sameResource(got, t.Target.Resource) {
		return expect.Fail(res, "resource: "+t.Target.Resource, "resource: "+got,
			"the protected resource metadata names another resource; clients must discard it")
	}
	return nil
}

var challengeMetadataResource = &suite.Check{
	ID: "rfc9728-3.3-challenge-metadata-resource", Spec: suite.RFC9728, Section: "3.3", Level: suite.Must,
	Requires: needResource, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The metadata named by the 401 challenge has the resource the client called as its resource",
	Quote: "If the protected resource metadata was retrieved from a URL returned by the protected resource via the WWW-Authenticate resource_metadata parameter, then the resource value returned MUST be identical to the URL that the client used to make the request to the resource server.",
	Run:   runChallengeMetadataResource,
}

func runChallengeMetadataResource(ctx context.Context, t *suite.T) error {
	c, cres, ok, err := unauthenticatedChallenge(ctx, t)
	if err != nil {
		return err
	}
	u := c.Params["resource_metadata"]
	if !ok || u == "" {
		return suite.SkipErr("the 401 challenge has no resource_metadata parameter (RFC 9728 §5.1: MAY), so there is no metadata it names")
	}
	fix := "point resource_metadata at the metadata of this resource, whose resource is " + t.Target.Resource
	doc, res, err := metadoc.Fetch(ctx, t, u, "fetch the metadata named by resource_metadata")
	if err != nil {
		return err
	}
	if doc == nil {
		return expect.Fail(res, "HTTP 200 with a JSON object", gotStatus(res),
			"the resource_metadata URL of the challenge serves no metadata").
			WithEvidence(cres.Exchange).
			WithFix(fix)
	}
	if got, _ := doc["resource"].(string); !sameResource(got, t.Target.Resource) {
		desc := "resource: " + expect.Describe(doc["resource"])
		if _, present := doc["resource"]; !present {
			desc = "no resource member; members: " + expect.Keys(doc)
		}
		return expect.Fail(res, "resource: "+t.Target.Resource, desc,
			"the metadata the challenge points at describes another resource; clients must not use it").
			WithEvidence(cres.Exchange).
			WithFix(fix)
	}
	return nil
}
