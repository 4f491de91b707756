package mcp

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// resourceParameterChecks returns the checks of the MCP authorization
// specification §2.5.1, Resource Parameter Implementation.
func resourceParameterChecks() []*suite.Check {
	return []*suite.Check{resourceInBothRequests, uppercaseResourceAccepted, resourceNoTrailingSlash}
}

var resourceNoTrailingSlash = &suite.Check{
	ID: "mcp-2.5.1-resource-no-trailing-slash", Spec: suite.MCP, Section: "2.5.1", Level: suite.Should,
	Requires: mcpServerCode, Profiles: both,
	Title: "The MCP server's resource identifier has no trailing slash that carries no meaning",
	Quote: "While both https://mcp.example.com/ (with trailing slash) and https://mcp.example.com (without trailing slash) are technically valid absolute URIs according to RFC 3986, " +
		"implementations SHOULD consistently use the form without the trailing slash for better interoperability unless the trailing slash is semantically significant for the specific resource.",
	Run: onMCPServer(runResourceNoTrailingSlash),
}

// runResourceNoTrailingSlash judges the resource of the MCP server's
// metadata, the canonical URI clients send as resource: a final slash is
// significant only when the URL without it is not the MCP server (a bare
// origin with "/" never is).
func runResourceNoTrailingSlash(ctx context.Context, t *suite.T) error {
	m, res, err := prm(ctx, t)
	if err != nil {
		return err
	}
	r, _ := m["resource"].(string)
	if r == "" {
		return suite.SkipErr("no protected resource metadata with a resource (mcp-2.3.1-prm-published and rfc9728-2-resource-required report it)")
	}
	if !strings.HasSuffix(r, "/") {
		t.Logf("resource: %s", r)
		return nil
	}
	u, err := url.Parse(r)
	if err != nil || u.Host == "" || u.RawQuery != "" {
		return suite.SkipErr("the resource %q is not an absolute URL without query (rfc9728-2-resource-https-url judges it)", r)
	}
	without := strings.TrimSuffix(r, "/")
	if u.Path != "/" {
		// The same MCP server answers initialize there with a token it
		// accepts; a challenge alone proves nothing (an authorization
		// layer in front challenges every path).
		ts, _, err := probe.AcceptedToken(ctx, t)
		if err != nil {
			return err
		}
		res2, err := probe.Send(ctx, t, http.MethodPost, without, "Bearer "+ts.AccessToken, probe.Initialize, nil,
			"call the MCP server at its resource identifier without the final slash, with a token it accepts")
		if err != nil {
			return err
		}
		if !probe.JSONRPCAnswer(res2) {
			t.Logf("%s answers HTTP %d, not as the MCP server: the final slash of %s is significant", without, res2.Status, r)
			return nil
		}
		res = res2
	}
	return expect.Fail(res, "resource: "+without, "resource: "+r,
		"the MCP server's canonical URI ends with a slash that carries no meaning (%s is the same MCP server): clients that send the form without it may be refused", without).
		WithFix("publish the resource identifier without the trailing slash, and issue and accept tokens for that form")
}

var resourceInBothRequests = &suite.Check{
	ID: "mcp-2.5.1-resource-in-both-requests", Spec: suite.MCP, Section: "2.5.1", Level: suite.Should,
	Requires: mcpServerCode, Profiles: both,
	Title: "The authorization server takes the MCP server's URI as resource in both the authorization and the token request (an observation)",
	Quote: "MCP clients MUST send this parameter regardless of whether authorization servers support it. ... " +
		"The authorization server MUST ignore unrecognized request parameters. (RFC 6749 §3.2)",
	Keywordless: "an observation, reported as WARN and never FAIL: the MCP sentences bind clients, who send the MCP server's URI as resource in both requests; " +
		"an authorization server without resource indicators must ignore the parameter (RFC 6749 §3.2), and one with them accepts resources at its discretion " +
		"(RFC 8707 §2.2), so refusing the MCP server's own URI breaks every MCP client without breaking a requirement",
	Run: onMCPServer(runResourceInBothRequests),
}

// runResourceInBothRequests sends the MCP server's URI as resource in
// the authorization and the token request, as MCP clients do. A refusal
// counts only where the same request without resource goes through: the
// resource is then the reason.
func runResourceInBothRequests(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = []string{t.Target.Resource} })
	if err != nil {
		if g != nil && fixture.IsUnavailable(err) && g.Authz.ErrorCode() != "" {
			if _, cerr := t.CodeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = nil }); cerr != nil {
				return suite.SkipErr("the authorization request is refused without resource too (%v): nothing shows that the resource is the reason", cerr)
			}
			return expect.Fail(g.Authz.LastResponse(), "an authorization code", "error="+g.Authz.ErrorCode(),
				"the authorization request naming the MCP server as resource was refused: MCP clients always send it").
				WithFix("accept resource=<MCP server URI> in authorization requests, or ignore it (RFC 6749 §3.1)").
				AsObservation()
		}
		return err
	}
	res, err := g.Redeem(ctx, func(form url.Values) { form.Set("resource", t.Target.Resource) })
	if err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		g2, gerr := t.CodeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Resources = []string{t.Target.Resource} })
		if gerr != nil {
			return gerr
		}
		control, cerr := g2.Redeem(ctx, func(form url.Values) { form.Del("resource") })
		if cerr != nil {
			return cerr
		}
		if control.Status != http.StatusOK {
			return suite.SkipErr("the code exchange is refused without resource too (HTTP %d): nothing shows that the resource is the reason", control.Status)
		}
		_, _ = t.ParseTokens(control) // redact the tokens
		return expect.Observation(expect.WithFix(expect.Evidence(err, control.Exchange),
			"accept the resource parameter of the authorization request in the token request too (RFC 8707 §2.2): MCP clients send it in both"))
	}
	return nil
}

var uppercaseResourceAccepted = &suite.Check{
	ID: "mcp-2.5.1-uppercase-resource-accepted", Spec: suite.MCP, Section: "2.5.1", Level: suite.Should,
	Requires: mcpServerCode, Profiles: both,
	Title: "A resource with an upper-case scheme and host is accepted as the MCP server's canonical URI",
	Quote: "While the canonical form uses lowercase scheme and host components, implementations SHOULD accept uppercase scheme and host components for robustness and interoperability.",
	Run:   onMCPServer(runUppercaseResourceAccepted),
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
	if err != nil && !fixture.IsUnavailable(err) {
		return err
	}
	if az != nil && az.Callback != nil && az.Callback.Query().Get("code") != "" {
		return nil
	}
	// Refused: it counts only if the canonical URI is accepted.
	base, err := t.CodeFor(ctx, ar.Client, nil)
	if err != nil {
		return suite.SkipErr("the authorization request with the canonical resource %s does not give a code either (%v): nothing shows that the case is the reason", t.Target.Resource, err)
	}
	got := "no authorization code"
	last := base.Authz.Last
	if az != nil {
		last = az.LastResponse()
		if e := az.ErrorCode(); e != "" {
			got = "error=" + e
		}
	}
	return expect.Fail(last, "an authorization code for resource="+upper, got,
		"the MCP server's URI with an upper-case scheme and host was refused, while the canonical form is accepted").
		WithFix("compare resource indicators with the scheme and host lower-cased (RFC 3986 §6.2.2.1)").
		WithEvidence(base.Authz.Last.Exchange)
}
