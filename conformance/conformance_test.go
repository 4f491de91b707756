package conformance_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

func refServer(t *testing.T, faults ...server.Fault) (string, *target.Config) {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentAuto, Faults: faults})
	require.NoError(t, err)
	h = srv.Handler()
	return ts.URL, &target.Config{Resource: srv.ResourceURL()}
}

// TestTest is the documented use: the reference server conforms, check by
// check, as subtests.
func TestTest(t *testing.T) {
	issuer, cfg := refServer(t)
	rep := conformance.Test(t, conformance.Options{Target: issuer, Config: cfg, Profiles: []vocab.Profile{vocab.ProfileCore}, Browser: conformance.BrowserOff})
	require.NotNil(t, rep)
	assert.Positive(t, rep.Summary.Pass)
	assert.Empty(t, rep.GatingFailures())
}

func TestRun_Baseline(t *testing.T) {
	ctx := context.Background()
	const broken = "rfc6749-5.2-invalid-client-401"
	issuer, cfg := refServer(t, server.FaultNoWWWAuthenticate)
	// The fault breaks an unknown client_id's answer too: one broken check
	// is enough here.
	opts := conformance.Options{Target: issuer, Config: cfg, Only: []string{"rfc6749-5.*", "rfc6749-2.3.1-*"},
		Skip: []string{"rfc6749-5.2-unknown-client-invalid-client"}, Browser: conformance.BrowserOff}

	rep, err := conformance.Run(ctx, opts)
	require.NoError(t, err)
	assert.Equal(t, []string{broken}, rep.GatingFailures())

	// The failure is accepted; a listed check that passes is stale; a
	// listed check outside the selection is "not run".
	b, err := conformance.ParseBaseline([]byte(`version: 1
known_failures:
  - id: ` + broken + `
    reason: our Basic challenge is added by the gateway in production
  - id: rfc6749-2.3.1-basic-auth-accepted
    reason: fixed last week
  - id: rfc7009-2.2-invalid-token-200
    reason: revocation is off in this test
`))
	require.NoError(t, err)
	opts.Baseline = b
	rep, err = conformance.Run(ctx, opts)
	require.NoError(t, err)
	require.NotNil(t, rep.Baseline)
	assert.Equal(t, []string{broken}, rep.Baseline.Accepted)
	assert.Equal(t, []string{"rfc6749-2.3.1-basic-auth-accepted"}, rep.Baseline.Stale)
	assert.Equal(t, []string{"rfc7009-2.2-invalid-token-200"}, rep.Baseline.NotRun)
	assert.Equal(t, []string{"rfc6749-2.3.1-basic-auth-accepted (stale baseline entry: it passes now)"}, rep.GatingFailures())
	for _, r := range rep.Results {
		if r.ID == broken {
			assert.True(t, r.Baselined)
			assert.Equal(t, suite.Fail, r.Status, "the failure is still reported as it is")
		}
	}

	// A baseline written from the report accepts exactly its failures.
	rep, err = conformance.Run(ctx, conformance.Options{Target: issuer, Config: cfg, Only: opts.Only, Skip: opts.Skip, Browser: conformance.BrowserOff})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, conformance.BaselineFromReport(rep, "").Write(&buf))
	b, err = conformance.ParseBaseline(buf.Bytes())
	require.NoError(t, err, buf.String())
	require.Len(t, b.Known, 1)
	assert.Equal(t, broken, b.Known[0].ID)
	assert.Contains(t, b.Known[0].Reason, "replace with the real reason")
	opts.Baseline = b
	rep, err = conformance.Run(ctx, opts)
	require.NoError(t, err)
	assert.Empty(t, rep.GatingFailures())
}

func TestParseBaseline_Errors(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":         ``,
		"wrong version": "version: 2\nknown_failures: []\n",
		"unknown key":   "version: 1\nknown_failure: []\n",
		"no reason":     "version: 1\nknown_failures: [{id: rfc6749-5.1-token-type}]\n",
		"duplicate":     "version: 1\nknown_failures: [{id: a-b, reason: x}, {id: a-b, reason: y}]\n",
		"no id":         "version: 1\nknown_failures: [{reason: x}]\n",
		"not yaml":      "{{{",
	} {
		_, err := conformance.ParseBaseline([]byte(doc))
		assert.Error(t, err, name)
	}
	b, err := conformance.ParseBaseline([]byte("version: 1\nknown_failures: [{id: rfc9999-1-nope, reason: typo}]\n"))
	require.NoError(t, err)
	reg, err := scenarios.Registry()
	require.NoError(t, err)
	err = b.Validate(reg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rfc9999-1-nope")
}

func TestRun_UsageErrors(t *testing.T) {
	ctx := context.Background()
	for name, o := range map[string]conformance.Options{
		"no target":       {},
		"bad fail-on":     {Target: "http://127.0.0.1:1", FailOn: "may"},
		"bad browser":     {Target: "http://127.0.0.1:1", Browser: "maybe"},
		"unknown profile": {Target: "http://127.0.0.1:1", Profiles: []vocab.Profile{"nope"}},
		"unknown claim":   {Target: "http://127.0.0.1:1", Claims: []vocab.Profile{"oauth21"}},
		"no checks":       {Target: "http://127.0.0.1:1", Only: []string{"nothing-matches-*"}},
	} {
		_, err := conformance.Run(ctx, o)
		var ue *conformance.UsageError
		assert.ErrorAs(t, err, &ue, name)
	}
	_, err := conformance.Run(ctx, conformance.Options{Target: "http://127.0.0.1:1", Browser: conformance.BrowserOff})
	require.Error(t, err, "an unreachable target is not a usage error but the run cannot happen")
}

// TestRun_ShardsMergeToTheWholeRun: the whole plan cut into three shards, run at
// once as a CI matrix would, merges into the report of one whole run:
// the same checks, in the same order, with the same statuses, the same
// gate and the same baseline verdicts, the contract checks (which run in
// every shard) included.
func TestRun_ShardsMergeToTheWholeRun(t *testing.T) {
	ctx := context.Background()
	const broken = "rfc6749-5.2-invalid-client-401"
	issuer, cfg := refServer(t, server.FaultNoWWWAuthenticate)
	b, err := conformance.ParseBaseline([]byte("version: 1\nknown_failures:\n  - id: " + broken + "\n    reason: the gateway adds it\n" +
		"  - id: rfc6749-5.1-token-type\n    reason: fixed\n"))
	require.NoError(t, err)
	opts := conformance.Options{Target: issuer, Config: cfg, Browser: conformance.BrowserOff, Version: "test", MaxWait: noWaits}

	whole := opts
	whole.Baseline = b
	want, err := conformance.Run(ctx, whole)
	require.NoError(t, err)
	require.Empty(t, want.Aborted)

	const n = 3
	parts := make([]reports.Part, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			o := opts
			o.Shard = runner.Shard{Index: i + 1, Count: n}
			rep, err := conformance.Run(ctx, o)
			parts[i], errs[i] = reports.Part{Name: fmt.Sprintf("shard-%d.json", i+1), Report: rep}, err
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	ran := 0
	for _, p := range parts {
		require.NotNil(t, p.Report.Shard)
		assert.Len(t, p.Report.Shard.Selection, len(want.Results))
		assert.NotEmpty(t, p.Report.Shard.EveryShard, "the contract checks")
		ran += len(p.Report.Results) - len(p.Report.Shard.EveryShard)
		assert.Less(t, len(p.Report.Results), len(want.Results), "%s runs a slice", p.Name)
	}
	assert.Equal(t, len(want.Results), ran+len(parts[0].Report.Shard.EveryShard))

	got, err := conformance.Merge(parts, conformance.MergeOptions{Baseline: b})
	require.NoError(t, err)
	statuses := func(rep *reports.Report) []string {
		var out []string
		for _, r := range rep.Results {
			out = append(out, fmt.Sprintf("%s %s baselined=%v", r.ID, r.Status, r.Baselined))
		}
		return out
	}
	assert.Equal(t, statuses(want), statuses(got))
	assert.Equal(t, want.Summary, got.Summary)
	assert.Equal(t, want.GatingFailures(), got.GatingFailures())
	// The 401 without a challenge also fails the unknown client_id sent
	// with Basic, and breaks the contract of the token and revocation
	// endpoints, which the contract checks see in the shards that sent
	// such requests.
	assert.Equal(t, []string{"openapi-revocation-responses", "openapi-token-responses", "rfc6749-5.2-unknown-client-invalid-client",
		"rfc6749-5.1-token-type (stale baseline entry: it passes now)"}, got.GatingFailures())
	assert.Equal(t, want.Baseline.Accepted, got.Baseline.Accepted)
	assert.Equal(t, want.FailOn, got.FailOn)
	assert.Equal(t, n, got.Shards)

	typo, err := conformance.ParseBaseline([]byte("version: 1\nknown_failures: [{id: rfc9999-1-nope, reason: typo}]\n"))
	require.NoError(t, err)
	_, err = conformance.Merge(parts, conformance.MergeOptions{Baseline: typo})
	var ue *conformance.UsageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "rfc9999-1-nope")
	_, err = conformance.Merge(parts[1:], conformance.MergeOptions{})
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "shard 1/3 missing")
}
