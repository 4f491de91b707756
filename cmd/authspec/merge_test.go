package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/server"
)

func TestRun_BadShard(t *testing.T) {
	for flag, want := range map[string]string{
		"0/2": `--shard "0/2": the shard must be from 1 to 2, not 0`,
		"3/2": `--shard "3/2": the shard must be from 1 to 2, not 3`,
		"1/0": `--shard "1/0": the number of shards must be at least 1`,
		"2":   `--shard "2": give I/N`,
		"a/b": `--shard "a/b": give I/N with whole numbers`,
	} {
		code, _, stderr := runCLI(t, "run", "--target", "http://127.0.0.1:1", "--shard", flag)
		assert.Equal(t, 2, code, flag)
		assert.Contains(t, stderr, want, flag)
	}
}

// TestReportMerge: two shards of a run against a server with a fault,
// merged by the command: one report in every format, the exit status of
// the merged result, the baseline applied to it, and the mistakes a merge
// refuses.
func TestReportMerge(t *testing.T) {
	const broken = "rfc6749-5.2-invalid-client-401"
	issuer := refServer(t, server.FaultNoWWWAuthenticate)
	cfg := writeConfig(t, issuer)
	dir := t.TempDir()
	shard := func(i int) string { return filepath.Join(dir, fmt.Sprintf("shard-%d", i)) }
	failed := 0
	for i := 1; i <= 2; i++ {
		code, stdout, stderr := runCLI(t, "run", "--config", cfg, "--browser", "off", "--quiet", "--format", "json",
			"--only", "rfc6749-5.*", "--only", "rfc6749-2.3.1-*", "--skip", "rfc6749-5.2-unknown-client-*", "--shard", fmt.Sprintf("%d/2", i), "--out", shard(i))
		require.Contains(t, []int{0, 1}, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
		failed += code
		assert.Contains(t, stdout, fmt.Sprintf("SHARD %d/2: ", i))
		assert.Contains(t, stderr, fmt.Sprintf("shard:    %d/2", i))
	}
	assert.Equal(t, 1, failed, "the broken check is in one shard")

	out := filepath.Join(dir, "merged")
	code, stdout, stderr := runCLI(t, "report", "merge", shard(1), filepath.Join(shard(2), "report.json"), "-o", out)
	assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "merged from 2 shards")
	assert.Contains(t, stderr, "1 gating failure(s): "+broken)
	for _, f := range reports.AllFormats() {
		assert.FileExists(t, filepath.Join(out, f.FileName()))
	}
	rep, err := reports.Load(filepath.Join(out, "report.json"))
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Shards)
	assert.Nil(t, rep.Shard)
	assert.Equal(t, []string{broken}, rep.GatingFailures())
	assert.Len(t, rep.Results, rep.Summary.Pass+rep.Summary.Fail+rep.Summary.Warn+rep.Summary.Skip+rep.Summary.Error)

	baseline := filepath.Join(dir, "baseline.yaml")
	require.NoError(t, os.WriteFile(baseline, []byte("version: 1\nknown_failures:\n  - id: "+broken+"\n    reason: added by the gateway\n"), 0o600))
	code, stdout, stderr = runCLI(t, "report", "merge", "--baseline", baseline, "--format", "json", shard(1), shard(2), "--out", out)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "baseline "+baseline+": 1 accepted")

	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"missing shard": {[]string{shard(2)}, "shard 1/2 missing: a merge needs the reports of all 2 shards"},
		"twice":         {[]string{shard(1), shard(2), shard(1)}, "are both shard 1/2: give each shard once"},
		"a whole run":   {[]string{shard(1), out}, "is the report of a whole run, not of a shard"},
		"no file":       {[]string{filepath.Join(dir, "nope.json")}, "open report"},
		"nothing":       {nil, "no shard report given"},
		"bad gate":      {[]string{shard(1), shard(2), "--fail-on", "may"}, "--fail-on"},
	} {
		code, _, stderr := runCLI(t, append([]string{"report", "merge", "-o", filepath.Join(dir, "x")}, tc.args...)...)
		assert.Equal(t, 2, code, name)
		assert.Contains(t, stderr, tc.want, name)
	}
}
