package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
)

// dyingServer is the reference server until it has answered n requests;
// then it stops answering, as a killed process would: its listener closes
// (new connections are refused) and requests on open connections are cut.
func dyingServer(t *testing.T, n int64) string {
	t.Helper()
	var h http.Handler
	var served atomic.Int64
	var stop sync.Once
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) <= n {
			h.ServeHTTP(w, r)
			return
		}
		stop.Do(func() { _ = ts.Listener.Close() })
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
			}
		}
	}))
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentAuto})
	require.NoError(t, err)
	h = srv.Handler()
	return ts.URL
}

// TestRun_TargetStopsAnswering: a target that dies during the run aborts
// it with exit 2 and the reason; no check FAILs for it, and the checks the
// run could not finish are ERROR.
func TestRun_TargetStopsAnswering(t *testing.T) {
	// Discovery and the first checks get answers; the rest do not. The
	// target dies at several points of the plan.
	for _, n := range []int64{30, 90, 180, 270} {
		t.Run(fmt.Sprintf("after %d requests", n), func(t *testing.T) { dieAfter(t, n) })
	}
}

func dieAfter(t *testing.T, n int64) {
	issuer := dyingServer(t, n)
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "run", "--config", writeConfig(t, issuer), "--out", out, "--quiet", "--browser", "off", "--parallel", "8")
	assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stderr, "target stopped answering")
	assert.Contains(t, stdout, "ABORTED: the target stopped answering")

	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	require.NoError(t, err, "the report of an aborted run is written")
	var rep reports.Report
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Contains(t, rep.Aborted, "target stopped answering")
	notRun := 0
	for _, r := range rep.Results {
		assert.NotEqual(t, suite.Fail, r.Status, "%s FAILs because the target died: %s", r.ID, r.Message)
		if r.Status == suite.Error && strings.HasPrefix(r.Message, "not run: the target stopped answering") {
			notRun++
		}
	}
	assert.Positive(t, rep.Summary.Pass, "checks ran before the target died")
	assert.Positive(t, notRun, "the checks after the target died were not run")
	t.Logf("%+v, %d not run", rep.Summary, notRun)
}
