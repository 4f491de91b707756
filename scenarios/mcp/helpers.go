package mcp

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

var (
	both     = []vocab.Profile{vocab.ProfileMCP0618, vocab.ProfileMCP1125}
	only0618 = []vocab.Profile{vocab.ProfileMCP0618}
)

// mcpServer are the features of the checks that judge the resource as an
// MCP server: MCP's rules for MCP servers apply only to a resource that is
// one (mcp_server, decided by the config, an MCP profile, or probe.RequireMCP).
var mcpServer = []vocab.Feature{vocab.FeatureResource, vocab.FeatureMCPServer}

// mcpServerCode adds a confidential client and the code flow for tokens.
var mcpServerCode = []vocab.Feature{vocab.FeatureResource, vocab.FeatureMCPServer, vocab.FeatureConfidential, vocab.FeatureAuthCode}

// onMCPServer runs check only when the resource is an MCP server.
func onMCPServer(check func(ctx context.Context, t *suite.T) error) func(ctx context.Context, t *suite.T) error {
	return func(ctx context.Context, t *suite.T) error {
		if err := probe.RequireMCP(ctx, t); err != nil {
			return err
		}
		return check(ctx, t)
	}
}

// cimdConsentPage is the consent page of a client identified by a metadata
// document, made once per run for the checks of what it shows.
type cimdConsentPage struct {
	clientID, redirect, text string
}

// cimdConsent authorizes a document's client up to its consent page (with
// prompt=consent); no consent page is SKIP.
func cimdConsent(ctx context.Context, t *suite.T) (*cimdConsentPage, error) {
	if err := cimdUsable(ctx, t); err != nil {
		return nil, err
	}
	v, err := t.Shared(ctx, "mcp.cimd-consent", func(ctx context.Context, t *suite.T) (any, error) {
		d, err := startDocServer()
		if err != nil {
			return nil, err
		}
		defer d.close()
		redirect := cimdRedirect(t)
		id := d.host("/clients/authspec-consent.json", redirect, nil)
		ar := cimdRequest(t, id, redirect)
		ar.Extra = url.Values{"prompt": {"consent"}}
		ar.Flow = fixture.FlowInspect
		res, err := t.Authorize(ctx, ar)
		if err != nil {
			return nil, err
		}
		out := &cimdConsentPage{clientID: id, redirect: redirect}
		for _, p := range res.Pages {
			if p.Stage == "consent" {
				out.text = p.Text
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	cc := v.(*cimdConsentPage)
	if strings.TrimSpace(cc.text) == "" {
		return nil, suite.SkipErr("the target showed no consent page for the document's client (even with prompt=consent), so there is nothing to read")
	}
	return cc, nil
}

// hostShown judges whether text shows the host of the URL raw: its host
// name followed by its port (or by no port, when it has none). A host name
// followed by another port is another URL's (the resource, the other
// party of the page: in a test run every host is the loopback address);
// one followed by no port, while raw has a port, may be either, and makes
// the answer unknown.
func hostShown(text, raw string) (shown, unknown bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return false, true
	}
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(u.Hostname()) + `(?::(\d+))?`)
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		switch {
		case m[1] == u.Port():
			return true, false
		case m[1] == "":
			unknown = true
		}
	}
	return false, unknown
}

// judgeHostShown fails a consent page that does not show the host of the
// URL raw (what the URL is, for messages), and SKIPs when the page shows
// only a host name that other URLs of a loopback run share.
func judgeHostShown(cc *cimdConsentPage, raw, what, fix string) error {
	shown, unknown := hostShown(cc.text, raw)
	switch {
	case shown:
		return nil
	case unknown:
		return suite.SkipErr("the consent page shows the host name of %s without its port, and in this run other URLs on the page have that host too: run against a deployment whose hosts differ to tell", what)
	}
	u, _ := url.Parse(raw)
	return &suite.Failure{
		Message: "the consent page for a client identified by a metadata document URL does not show the host of " + what,
		Want:    "the host " + u.Host + " (of " + what + " " + raw + ") on the consent page",
		Got:     "page text: " + excerpt(cc.text),
		Fix:     fix,
	}
}

// excerpt is the start of a page's text, on one line.
func excerpt(text string) string {
	got := strings.Join(strings.Fields(text), " ")
	if len(got) > 300 {
		got = got[:300] + "…"
	}
	return got
}
