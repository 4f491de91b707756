package mcp

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// resourceParameterChecks returns the checks of the MCP authorization
// specification §2.5.1, Resource Parameter Implementation.
func resourceParameterChecks() []*suite.Check {
	code := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	return []*suite.Check{
		{
			ID: "mcp-2.5.1-resource-in-both-requests", Spec: suite.MCP, Section: "2.5.1", Level: suite.Must,
			Requires: code, Profiles: both,
			Title: "The authorization server takes the MCP server's URI as resource in both the authorization and the token request",
			Quote: "MCP clients MUST implement Resource Indicators for OAuth 2.0 as defined in RFC 8707 to explicitly specify the target resource for which the token is being requested. The resource parameter: MUST be included in both authorization requests and token requests.",
			Run:   runResourceInBothRequests,
		},
		{
			ID: "mcp-2.5.1-uppercase-resource-accepted", Spec: suite.MCP, Section: "2.5.1", Level: suite.Should,
			Requires: code, Profiles: both,
			Title: "A resource with an upper-case scheme and host is accepted as the MCP server's canonical URI",
			Quote: "While the canonical form uses lowercase scheme and host components, implementations SHOULD accept uppercase scheme and host components for robustness and interoperability.",
			Run:   runUppercaseResourceAccepted,
		},
	}
}

func runResourceInBothRequests(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = []string{t.Target.Resource} })
	if err != nil {
		if g != nil && fixture.IsUnavailable(err) && g.Authz.Param("error") != "" {
			return expect.Fail(g.Authz.Last, "an authorization code", "error="+g.Authz.Param("error"),
				"the authorization request naming the MCP server as resource was refused").
				WithFix("accept resource=<MCP server URI> in authorization requests")
		}
		return err
	}
	res, err := g.Redeem(ctx, func(form url.Values) { form.Set("resource", t.Target.Resource) })
	if err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return expect.WithFix(err, "accept the resource parameter in the token request too (RFC 8707 §2.2): MCP clients send it in both")
	}
	return nil
}

func runUppercaseResourceAccepted(ctx context.Context, t *suite.T) error {
	u, err := url.Parse(t.Target.Resource)
	if err != nil || u.Host == "" {
		return suite.SkipErr("the resource %q is not an absolute URL", t.Target.Resource)
	}
	upper := strings.ToUpper(u.Scheme) + "://" + strings.ToUpper(u.Host) + u.EscapedPath()
	if u.RawQuery != "" {
		upper += "?" + u.RawQuery
	}
	if upper == t.Target.Resource {
		return suite.SkipErr("the resource has no lower-case scheme or host letters to change")
	}
	ar, err := t.AuthRequestFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = []string{upper} })
	if err != nil {
		return err
	}
	az, err := t.Authorize(ctx, ar)
	if err != nil {
		return err
	}
	if az.Callback == nil {
		return suite.SkipErr("the authorization request did not come back to the client")
	}
	if e := az.Callback.Query().Get("error"); e != "" {
		return expect.Fail(az.Last, "an authorization code for resource="+upper, "error="+e,
			"the MCP server's URI with an upper-case scheme and host was refused").
			WithFix("compare resource indicators with the scheme and host lower-cased (RFC 3986 §6.2.2.1)")
	}
	return nil
}
