package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/internal/testutil"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// The full plan's wall time against the reference server, as `make
// conformance` runs it: without the browser (consent approved at once, the
// browser checks SKIP), and with the login and consent pages in Chromium.
// ns/op is the wall time of one whole run.

func BenchmarkFullPlanNoBrowser(b *testing.B) { benchPlan(b, false) }

func BenchmarkFullPlanWithBrowser(b *testing.B) { benchPlan(b, true) }

func benchPlan(b *testing.B, withBrowser bool) {
	if withBrowser {
		testutil.Chromium(b)
	}
	ctx := context.Background()
	for b.Loop() {
		var h http.Handler
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
		cfg := server.Config{Issuer: ts.URL, Consent: server.ConsentAuto, CIMD: server.CIMDLoopback}
		tcfg := &target.Config{}
		mode := conformance.BrowserOff
		if withBrowser {
			cfg.Consent = server.ConsentForm
			mode = conformance.BrowserAuto
			tcfg.Browser = target.BrowserConfig{
				Login:         []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "wonderland"}, {Click: "#login"}},
				Consent:       []target.Step{{Click: "#allow"}},
				Deny:          []target.Step{{Click: "#deny"}},
				RepeatConsent: target.RepeatConsentRemembered,
			}
		}
		srv, err := server.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		h = srv.Handler()
		tcfg.Resource = srv.ResourceURL()
		tcfg.ScopedResource = srv.ScopedResourceURL()
		rep, err := conformance.Run(ctx, conformance.Options{Target: ts.URL, Config: tcfg, Browser: mode, MaxWait: noWaits,
			Chromium: os.Getenv("AUTHSPEC_CHROMIUM"), PlaywrightDriver: os.Getenv("PLAYWRIGHT_DRIVER_PATH")})
		ts.Close()
		if err != nil {
			b.Fatal(err)
		}
		if g := rep.GatingFailures(); len(g) > 0 {
			b.Fatalf("the reference server failed %v", g)
		}
		b.ReportMetric(float64(len(rep.Results)), "checks")
		skips := 0
		for _, r := range rep.Results {
			if r.Status == suite.Skip {
				skips++
			}
		}
		b.ReportMetric(float64(skips), "skips")
	}
}
