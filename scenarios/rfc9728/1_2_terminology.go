package rfc9728

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// terminologyChecks returns the checks of RFC 9728 §1.2, Terminology,
// which defines the resource identifier.
func terminologyChecks() []*suite.Check {
	return []*suite.Check{resourceNoQuery}
}

var resourceNoQuery = &suite.Check{
	ID: "rfc9728-1.2-resource-no-query", Spec: suite.RFC9728, Section: "1.2", Level: suite.ShouldNot,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The resource identifier has no query component",
	Quote: "As specified in Section 2 of [RFC8707], it also SHOULD NOT include a query component, but it is recognized that there are cases that make a query component " +
		"a useful and necessary part of a resource identifier.",
	Run: runResourceNoQuery,
}

func runResourceNoQuery(_ context.Context, t *suite.T) error {
	v := t.Target.ResourceMetadata["resource"]
	s, _ := v.(string)
	if s == "" {
		return suite.SkipErr("the metadata has no resource identifier (rfc9728-2-resource-required reports it)")
	}
	u, err := url.Parse(s)
	if err != nil {
		return suite.SkipErr("the resource identifier %q is not a URL (rfc9728-2-resource-https-url reports it)", s)
	}
	if u.RawQuery == "" && !u.ForceQuery {
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "a resource identifier without query", "resource: "+expect.Describe(v),
		"the resource identifier carries a query component, which RFC 8707 §2 and RFC 9728 §1.2 advise against unless it is what tells resources apart").
		WithFix("identify the resource by a path rather than a query, unless the query is what tells resources apart")
}
