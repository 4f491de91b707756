package conformance_test

import (
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// TestResourceOnItsOwnOrigin runs the whole plan with the protected
// resource behind a reverse proxy on another origin than the authorization
// server, as most MCP servers are deployed: the resource's identifier, its
// metadata and its challenges name the proxy's origin. Nothing may FAIL,
// WARN or ERROR, and nothing that passes with one origin may SKIP (a check
// that sent a token, or an altered one, only to the issuer's origin did).
func TestResourceOnItsOwnOrigin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole plan")
	}
	var upstream *url.URL
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(upstream)
		r.Out.Host = r.In.Host // the resource is reached at the proxy's origin
	}})
	t.Cleanup(proxy.Close)
	st := variantSetup{
		Server: func(cfg *server.Config) {
			u, err := url.Parse(cfg.Issuer)
			require.NoError(t, err)
			upstream = &url.URL{Scheme: u.Scheme, Host: u.Host}
			cfg.ResourceOrigin = proxy.URL
		},
		Target: func(tcfg *target.Config, srv *server.Server, _ *string) {
			require.Equal(t, proxy.URL+"/mcp", srv.ResourceURL())
		},
	}
	run := sweepPlanWith(t, server.Config{}, false, st)
	require.Positive(t, run.Passed)
	for _, bad := range unlawful(nil, run) {
		t.Error(bad)
	}
	base := sweepPlan(t, server.Config{}, false)
	for id, status := range run.Findings {
		if status == suite.Skip && base.Findings[id] != suite.Skip {
			t.Errorf("SKIP %s, which passes when the resource shares the issuer's origin", id)
		}
	}
	t.Logf("%d passed", run.Passed)
}
