// Package rfc9728 holds the checks of RFC 9728, OAuth 2.0 Protected
// Resource Metadata.
package rfc9728

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// Checks returns the RFC 9728 checks.
func Checks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9728-3.3-resource-identical", Spec: suite.RFC9728, Section: "3.3", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureResourceMetadata}, Profiles: []string{"resource"},
			Title: "The resource member of the metadata is identical to the resource identifier",
			Quote: "The \"resource\" value returned MUST be identical to the protected resource's resource identifier value into which the well-known URI path suffix was inserted to create the URL used to retrieve the metadata.",
			Run: func(ctx context.Context, t *suite.T) error {
				res := t.Target.ResourceMetadataResult
				got, _ := t.Target.ResourceMetadata["resource"].(string)
				if got != t.Target.Resource {
					return expect.Fail(res, "resource: "+t.Target.Resource, "resource: "+got,
						"the protected resource metadata names another resource; clients must discard it")
				}
				return nil
			},
		},
		{
			ID: "rfc9728-2-authorization-servers-lists-issuer", Spec: suite.RFC9728, Section: "2", Level: suite.Should,
			Requires: []suite.Feature{suite.FeatureResourceMetadata}, Profiles: []string{"resource"},
			Title: "The resource's metadata lists the authorization server under test",
			Quote: "authorization_servers: OPTIONAL. JSON array containing a list of OAuth authorization server issuer identifiers ... for authorization servers that can be used with this protected resource.",
			Run: func(ctx context.Context, t *suite.T) error {
				res := t.Target.ResourceMetadataResult
				list, present, err := expect.StringList(t.Target.ResourceMetadata, "authorization_servers")
				if err != nil {
					return expect.Fail(res, "authorization_servers as an array of strings", err.Error(), "malformed authorization_servers")
				}
				if !present || !slices.Contains(list, t.Target.Issuer) {
					return expect.WithFix(expect.Fail(res, "authorization_servers containing "+t.Target.Issuer, "["+strings.Join(list, ", ")+"]",
						"clients that discover the authorization server from the resource cannot find this issuer"),
						"list the issuer identifier exactly as in its RFC 8414 metadata")
				}
				return nil
			},
		},
		{
			ID: "rfc9728-5.1-challenge-resource-metadata", Spec: suite.RFC9728, Section: "5.1", Level: suite.May,
			Requires: []suite.Feature{suite.FeatureResource}, Profiles: []string{"resource"},
			Title: "The resource's 401 challenge points at its metadata with resource_metadata",
			Quote: "The protected resource MAY include the resource_metadata parameter in the WWW-Authenticate response header field.",
			Run: func(ctx context.Context, t *suite.T) error {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Target.Resource, nil)
				if err != nil {
					return err
				}
				res, err := t.HTTP.Do(ctx, req, "call the protected resource without a token")
				if err != nil {
					return err
				}
				c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
				if !ok {
					return suite.SkipErr("no Bearer challenge to judge (see rfc6750-3-challenge-on-401)")
				}
				got := c.Params["resource_metadata"]
				if got == "" {
					return expect.WithFix(expect.Fail(res, "resource_metadata=\""+t.Target.ResourceMetadataURL+"\"", "no resource_metadata parameter",
						"clients (MCP clients in particular) cannot discover the authorization server from the 401"),
						"add resource_metadata=\"<metadata URL>\" to the Bearer challenge")
				}
				if got != t.Target.ResourceMetadataURL {
					return expect.Fail(res, t.Target.ResourceMetadataURL, got, "resource_metadata points elsewhere than the well-known URL of the resource")
				}
				return nil
			},
		},
	}
}
