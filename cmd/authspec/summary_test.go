package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// TestRun_ConsoleProblemsFirstAndWhatItCouldNotSee: the console summary
// opens on the failures (before the counts per spec), and the run says what
// it could not see, at the start and at the end, grouped by what would
// enable it, with the config key.
func TestRun_ConsoleProblemsFirstAndWhatItCouldNotSee(t *testing.T) {
	issuer := refServer(t, server.FaultNoWWWAuthenticate)
	code, stdout, stderr := runCLI(t, "run", "--target", issuer, "--out", t.TempDir(), "--quiet")
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)

	failures, table := strings.Index(stdout, "FAILURES, ERRORS AND WARNINGS"), strings.Index(stdout, "\nSPEC ")
	require.GreaterOrEqual(t, failures, 0, stdout)
	assert.Less(t, failures, table, "the failures come first")
	assert.Less(t, strings.Index(stdout, "FAIL  rfc6749-5.2-invalid-client-401"), table)

	// At the start: what the features tell before any check runs.
	assert.Regexp(t, `will skip: \d+ checks need a protected resource: no resource configured \(set resource: in the config\)`, stderr)
	// At the end: every SKIP accounted for by what would enable it.
	unseen := stdout[strings.Index(stdout, "NOT SEEN"):]
	assert.Regexp(t, `\n  \d+ checks need a protected resource: no resource configured \(set resource: in the config\)\n`, unseen)
	assert.NotContains(t, stdout, "Most of the catalog was skipped", "most checks ran")

	// A run that sees almost nothing says so in its last line.
	code, stdout, stderr = runCLI(t, "run", "--target", issuer, "--out", t.TempDir(), "--quiet", "--only", "rfc9728-*", "--only", "rfc6749-5.1-*")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var last string
	for _, l := range lines {
		if !strings.HasPrefix(l, "report: ") {
			last = l
		}
	}
	assert.Regexp(t, `^Most of the catalog was skipped: \d+ of \d+ checks`, last)
}
