package mcp

import (
	"context"
	"net/url"
	"sort"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// communicationSecurityChecks returns the checks of the MCP authorization
// specification §3.3, Communication Security.
func communicationSecurityChecks() []*suite.Check {
	return []*suite.Check{endpointsHTTPS}
}

var endpointsHTTPS = &suite.Check{
	// The issuer is rfc8414-2-issuer-https-url's; the redirect URIs
	// (the sentence after) are rfc7591-5-http-redirect-refused's.
	ID: "mcp-3.3-endpoints-https", Spec: suite.MCP, Section: "3.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: both,
	Title: "Every endpoint the authorization server metadata names is an https URL",
	Quote: "Implementations MUST follow OAuth 2.1 Section 1.5 \"Communication Security\". ... All authorization server endpoints MUST be served over HTTPS.",
	Run:   runEndpointsHTTPS,
}

// runEndpointsHTTPS judges every *_endpoint member of the metadata: an
// https URL, or http on the local machine, as test deployments are (only
// logged).
func runEndpointsHTTPS(_ context.Context, t *suite.T) error {
	var names []string
	for name := range t.Target.Metadata.Raw {
		if strings.HasSuffix(name, "_endpoint") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var bad, local []string
	for _, name := range names {
		raw, _ := t.Target.Metadata.Raw[name].(string)
		u, err := url.Parse(raw)
		switch {
		case err != nil || !u.IsAbs() || u.Host == "":
			bad = append(bad, name+": "+expect.Describe(t.Target.Metadata.Raw[name])+" (not an absolute URL)")
		case u.Scheme == "https":
		case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
			local = append(local, name)
		default:
			bad = append(bad, name+": "+raw)
		}
	}
	if len(local) > 0 {
		t.Logf("%s: http on a loopback address, as test deployments are: the scheme is not judged; run against the deployment served over https for that", strings.Join(local, ", "))
	}
	if len(names) == 0 {
		return suite.SkipErr("the %s metadata names no endpoint", t.Target.MetadataSource)
	}
	if len(bad) == 0 && len(local) == len(names) {
		return suite.SkipErr("every endpoint of the %s metadata is http on a loopback address: nothing shows the scheme the deployment serves; run against it over https", t.Target.MetadataSource)
	}
	if len(bad) > 0 {
		return expect.Fail(t.Target.MetadataResult, "https URLs for every endpoint", strings.Join(bad, "; "),
			"the metadata sends clients to endpoints that are not served over HTTPS: their credentials, codes and tokens would cross the network in the clear").
			WithFix("serve every endpoint over https and publish its https URL (behind a TLS-terminating proxy, build the URLs from the external scheme, not the plain request)")
	}
	return nil
}
