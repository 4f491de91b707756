package rfc9728

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// retrievalChecks returns the checks of RFC 9728 §3, Obtaining Protected
// Resource Metadata.
func retrievalChecks() []*suite.Check {
	return []*suite.Check{wellKnownURI}
}

var wellKnownURI = &suite.Check{
	ID: "rfc9728-3-well-known-uri", Spec: suite.RFC9728, Section: "3", Level: suite.Must,
	Requires: needResource, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The metadata is served at the well-known URL inserted between host and path of the resource identifier",
	Quote: "Protected resources supporting metadata MUST make a JSON document containing metadata as specified in Section 2 available at a URL formed by inserting a well-known URI string into the protected resource's resource identifier between the host component and the path and/or query components, if any.",
	Run:   runWellKnownURI,
}

// runWellKnownURI fetches the metadata at the inserted well-known URL. When
// nothing is there, it looks for signs that the resource supports RFC 9728
// anyway (metadata at the appended URL, a resource_metadata parameter in
// its challenge): only then is the absence a failure, since metadata is
// optional.
func runWellKnownURI(ctx context.Context, t *suite.T) error {
	wk := t.Target.ResourceMetadataURL
	doc, res, err := metadoc.Fetch(ctx, t, wk, "fetch the protected resource metadata at the inserted well-known URL")
	if err != nil {
		return err
	}
	if doc != nil {
		return nil
	}
	fix := fmt.Sprintf("serve the metadata at %s: the well-known string goes between the host and the path of %s", wk, t.Target.Resource)
	fail := func(ev *httpx.Result, where string) error {
		return expect.Fail(res, "HTTP 200 with a JSON object at "+wk, gotStatus(res),
			"the protected resource publishes metadata %s, but not at the well-known URL RFC 9728 §3.1 derives from its identifier", where).
			WithEvidence(ev.Exchange).
			WithFix(fix)
	}
	appended := strings.TrimSuffix(t.Target.Resource, "/") + "/.well-known/oauth-protected-resource"
	if appended != wk && !strings.Contains(t.Target.Resource, "?") {
		adoc, ares, err := metadoc.Fetch(ctx, t, appended, "look for the metadata at the appended URL")
		if err != nil {
			return err
		}
		if adoc != nil {
			return fail(ares, "at "+appended+" (suffix appended to the resource URL)")
		}
	}
	c, cres, ok, err := unauthenticatedChallenge(ctx, t)
	if err != nil {
		return err
	}
	if u := c.Params["resource_metadata"]; ok && u != "" {
		if u == wk {
			return fail(cres, "(its 401 challenge names "+u+")")
		}
		if cdoc, _, err := metadoc.Fetch(ctx, t, u, "fetch the metadata the 401 challenge points at"); err == nil && cdoc != nil {
			if suffix, ok := insertedWellKnown(t.Target.Resource, u); ok {
				// RFC 9728 §3: "By default, the well-known URI string
				// used is /.well-known/oauth-protected-resource";
				// applications may register their own suffixes.
				t.Logf("the metadata is served at %s, the resource identifier with the well-known string /.well-known/%s inserted (an application's own suffix, not the default)", u, suffix)
				return nil
			}
			// The metadata may be of another identifier than the URL
			// configured (the origin, a parent path), at that
			// identifier's own well-known URL: the resource is then
			// that identifier, and its metadata where §3.1 says.
			if r, _ := cdoc["resource"].(string); r != "" {
				if own, err := target.WellKnownURL(r, "oauth-protected-resource"); err == nil && own == u {
					return suite.SkipErr("the 401 challenge names %s, the well-known URL of the resource identifier %s its metadata states, not of the configured %s: "+
						"set resource: to %s to judge the resource by its own identifier", u, r, t.Target.Resource, r)
				}
			}
			return fail(cres, "at "+u+", named by its 401 challenge,")
		}
	}
	return suite.SkipErr("no protected resource metadata at %s (%s) and nothing shows that the resource supports RFC 9728", wk, gotStatus(res))
}

// insertedWellKnown reports whether u is the resource identifier resource
// with a well-known URI string inserted between its host and its path, as
// RFC 9728 §3 forms the metadata URL, with another suffix than the default
// oauth-protected-resource, and returns that suffix.
func insertedWellKnown(resource, u string) (string, bool) {
	pu, err := url.Parse(u)
	if err != nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(pu.EscapedPath(), "/.well-known/")
	if !ok {
		return "", false
	}
	suffix, _, _ := strings.Cut(rest, "/")
	if suffix == "" || suffix == "oauth-protected-resource" {
		return "", false
	}
	want, err := target.WellKnownURL(resource, suffix)
	return suffix, err == nil && want == u
}
