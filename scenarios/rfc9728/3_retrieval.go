package rfc9728

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// retrievalChecks are the checks of RFC 9728 §3, §3.1 and §3.2: where and
// how the metadata is served.
func retrievalChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9728-3-well-known-uri", Spec: suite.RFC9728, Section: "3", Level: suite.Must,
			Requires: needResource, Profiles: []string{"resource"},
			Title: "The metadata is served at the well-known URL inserted between host and path of the resource identifier",
			Quote: "Protected resources supporting metadata MUST make a JSON document containing metadata as specified in Section 2 available at a URL formed by inserting a well-known URI string into the protected resource's resource identifier between the host component and the path and/or query components, if any.",
			Run:   runWellKnownURI,
		},
		{
			ID: "rfc9728-3.2-json-content-type", Spec: suite.RFC9728, Section: "3.2", Level: suite.Must,
			Requires: needMetadata, Profiles: []string{"resource"},
			Title: "The protected resource metadata is served as application/json",
			Quote: "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type that contains a set of metadata parameters as its members that are a subset of the metadata parameters defined in Section 2.",
			Run: func(ctx context.Context, t *suite.T) error {
				res := t.Target.ResourceMetadataResult
				if !metadoc.IsJSON(res) {
					return expect.WithFix(expect.Fail(res, "Content-Type: application/json", fmt.Sprintf("Content-Type: %q", res.Header.Get("Content-Type")),
						"the protected resource metadata is not declared as JSON"),
						"serve the metadata with Content-Type: application/json")
				}
				return nil
			},
		},
		{
			ID: "rfc9728-3.2-no-empty-arrays", Spec: suite.RFC9728, Section: "3.2", Level: suite.Must,
			Requires: needMetadata, Profiles: []string{"resource"},
			Title: "The protected resource metadata omits parameters with zero values (bearer_methods_supported excepted)",
			Quote: "Parameters with multiple values are represented as JSON arrays. Parameters with zero values MUST be omitted from the response.",
			Run: func(ctx context.Context, t *suite.T) error {
				// §2 lets bearer_methods_supported be [] to say that no
				// bearer method is supported.
				empty := metadoc.EmptyArrays(t.Target.ResourceMetadata, "bearer_methods_supported")
				if len(empty) == 0 {
					return nil
				}
				return expect.WithFix(expect.Fail(t.Target.ResourceMetadataResult, "no parameter with an empty array",
					strings.Join(empty, ": [], ")+": []", "the protected resource metadata has parameters with zero values"),
					"omit a parameter rather than sending an empty array")
			},
		},
		{
			ID: "rfc9728-3.2-multi-valued-as-arrays", Spec: suite.RFC9728, Section: "3.2", Level: suite.Must,
			Requires: needMetadata, Profiles: []string{"resource"},
			Title: "The multi-valued parameters of RFC 9728 §2 are JSON arrays of strings",
			Quote: "Parameters with multiple values are represented as JSON arrays.",
			Run: func(ctx context.Context, t *suite.T) error {
				bad := metadoc.NotStringArrays(t.Target.ResourceMetadata, arrayParams)
				if len(bad) == 0 {
					return nil
				}
				return expect.WithFix(expect.Fail(t.Target.ResourceMetadataResult, "JSON arrays of strings", strings.Join(bad, "; "),
					"multi-valued protected resource metadata parameters are not JSON arrays of strings; clients cannot read them"),
					`send every multi-valued parameter as a JSON array, e.g. "scopes_supported": ["read", "write"]`)
			},
		},
	}
}

// arrayParams are the parameters RFC 9728 §2 defines as JSON arrays of
// strings.
var arrayParams = []string{
	"authorization_servers", "scopes_supported", "bearer_methods_supported",
	"resource_signing_alg_values_supported", "resource_encryption_alg_values_supported",
	"resource_encryption_enc_values_supported", "authorization_details_types_supported",
	"dpop_signing_alg_values_supported",
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
		return expect.WithFix(expect.Evidence(expect.Fail(res, "HTTP 200 with a JSON object at "+wk, gotStatus(res),
			"the protected resource publishes metadata %s, but not at the well-known URL RFC 9728 §3.1 derives from its identifier", where),
			ev.Exchange), fix)
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
			return fail(cres, "at "+u+", named by its 401 challenge,")
		}
	}
	return suite.SkipErr("no protected resource metadata at %s (%s) and nothing shows that the resource supports RFC 9728", wk, gotStatus(res))
}

func gotStatus(res *httpx.Result) string {
	if res == nil {
		return "no response"
	}
	if res.Status == http.StatusOK {
		return "HTTP 200 without a JSON object"
	}
	return fmt.Sprintf("HTTP %d %s", res.Status, http.StatusText(res.Status))
}
