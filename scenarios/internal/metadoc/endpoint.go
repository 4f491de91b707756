package metadoc

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// JudgeHTTPSEndpoint judges the URL of an endpoint the authorization server
// metadata publishes as member: an absolute URL without fragment, and an
// https one, unless it is http on a loopback address, as test deployments
// are (only logged, since the scheme of such a deployment says nothing of
// the real one). An absent member is SKIP.
func JudgeHTTPSEndpoint(t *suite.T, member, why, fix string) error {
	raw, present := t.Target.Metadata.Raw[member]
	ep, _ := raw.(string)
	if !present || raw == nil {
		return suite.SkipErr("the %s metadata has no %s", t.Target.MetadataSource, member)
	}
	fail := func(want, what string) error {
		return expect.Fail(t.Target.MetadataResult, want, fmt.Sprintf("%s: %s", member, expect.Describe(raw)), "%s", what).WithFix(fix)
	}
	u, err := url.Parse(ep)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fail("an absolute https URL", "the "+member+" is not an absolute URL")
	case u.Fragment != "" || strings.Contains(ep, "#"):
		return fail("an https URL without fragment", "the "+member+" has a fragment component, which RFC 6749 §3.1 forbids for endpoint URIs")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
		t.Logf("the %s %s is http on a loopback address, as test deployments are: its scheme is not judged; run against the deployment served over https for that", member, ep)
		return nil
	}
	return fail("an https URL", "the "+member+" is not an https URL: "+why)
}
