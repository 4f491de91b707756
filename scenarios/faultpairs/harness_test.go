// Package faultpairs_test proves that every check can fail: each check ID is
// paired with a fault of the reference server that breaks exactly that
// requirement. The check must FAIL (WARN for SHOULD-level checks) against the
// server with the fault, and PASS against the server without it.
package faultpairs_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
)

// pair ties a check to the server configuration that breaks it.
type pair struct {
	faults []server.Fault
	// cfg adjusts the server beyond the faults (optional).
	cfg func(*server.Config)
}

var (
	pairsMu sync.Mutex
	pairs   = map[string]pair{}
)

// add registers pairs from one spec's test file; a duplicate is a bug.
func add(m map[string]pair) bool {
	pairsMu.Lock()
	defer pairsMu.Unlock()
	for id, p := range m {
		if _, dup := pairs[id]; dup {
			panic(fmt.Sprintf("faultpairs: %s paired twice", id))
		}
		pairs[id] = p
	}
	return true
}

func faults(f ...server.Fault) pair { return pair{faults: f} }

// refServer starts a reference server with cfg and returns its issuer.
func refServer(t testing.TB, cfg server.Config) (*server.Server, string) {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	cfg.Issuer = ts.URL
	if cfg.Consent == "" {
		cfg.Consent = server.ConsentAuto
	}
	srv, err := server.New(cfg)
	require.NoError(t, err)
	h = srv.Handler()
	return srv, ts.URL
}

// runChecks prepares a run against a reference server and runs the checks.
func runChecks(t testing.TB, cfg server.Config, checks []*suite.Check) []suite.Result {
	t.Helper()
	srv, issuer := refServer(t, cfg)
	ctx := context.Background()
	env, err := suite.Prepare(ctx, issuer, &target.Config{Resource: srv.ResourceURL()}, suite.PrepareOptions{Timeout: 5 * time.Second})
	require.NoError(t, err)
	return runner.Run(ctx, env, checks, runner.Options{Parallel: 4, CheckTimeout: 30 * time.Second})
}

func registry(t testing.TB) *suite.Registry {
	reg, err := scenarios.Registry()
	require.NoError(t, err)
	return reg
}

func describe(r suite.Result) string {
	return fmt.Sprintf("%s %s: %s (want %s, got %s)", r.Status, r.ID, r.Message, r.Want, r.Got)
}

func TestEveryCheckHasAFailingCounterpart(t *testing.T) {
	var missing []string
	reg := registry(t)
	for _, c := range reg.Checks() {
		if _, ok := pairs[c.ID]; !ok {
			missing = append(missing, c.ID)
		}
	}
	assert.Empty(t, missing, "checks without a fault pair in scenarios/faultpairs")
	var stale []string
	for id := range pairs {
		if _, ok := reg.Get(id); !ok {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	assert.Empty(t, stale, "fault pairs for checks that do not exist")
}

func TestAllChecksPassAgainstReferenceServer(t *testing.T) {
	reg := registry(t)
	for _, r := range runChecks(t, server.Config{}, reg.Checks()) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}

func TestEachCheckFailsWithItsFault(t *testing.T) {
	reg := registry(t)
	ids := make([]string, 0, len(pairs))
	for id := range pairs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c, ok := reg.Get(id)
		if !ok {
			continue
		}
		p := pairs[id]
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			cfg := server.Config{Faults: p.faults}
			if p.cfg != nil {
				p.cfg(&cfg)
			}
			res := runChecks(t, cfg, []*suite.Check{c})[0]
			want := suite.Fail
			if !c.Level.Mandatory() {
				want = suite.Warn
			}
			assert.Equal(t, want, res.Status, "with faults %v: %s", p.faults, describe(res))
			if res.Status == want {
				assert.NotEmpty(t, res.Exchanges, "a failing result must carry the exchange that shows it")
			}
		})
	}
}
