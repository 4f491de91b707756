package pgtest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/authspec/authspec/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestURL: each URL is a database of its own, empty, that takes writes.
func TestURL(t *testing.T) {
	ctx := t.Context()
	a, b := pgtest.URL(t), pgtest.URL(t)
	if a == b {
		t.Fatalf("two calls gave one database: %s", a)
	}
	for _, u := range []string{a, b} {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `CREATE TABLE t (v text); INSERT INTO t VALUES ('x')`); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
}

// TestMissing: without PostgreSQL, a test that needs it is skipped with the
// way to install it, or fails under AUTHSPEC_REQUIRE_POSTGRES; it never
// passes.
func TestMissing(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") != "" {
		t.Skip("run by TestMissing")
	}
	for _, require := range []bool{false, true} {
		env := []string{"PGTEST_CHILD=1", pgtest.BinEnv + "=" + t.TempDir(), pgtest.URLEnv + "="}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, pgtest.RequireEnv+"=") {
				env = append(env, kv)
			}
		}
		if require {
			env = append(env, pgtest.RequireEnv+"=1")
		}
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestURL$", "-test.v", "-test.count=1")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if require {
			if err == nil || !strings.Contains(string(out), "--- FAIL: TestURL") {
				t.Errorf("with %s, a missing PostgreSQL did not fail the test (%v):\n%s", pgtest.RequireEnv, err, out)
			}
		} else if err != nil || !strings.Contains(string(out), "--- SKIP: TestURL") {
			t.Errorf("a missing PostgreSQL did not skip the test (%v):\n%s", err, out)
		}
		if !strings.Contains(string(out), "apt-get install -y postgresql") {
			t.Errorf("the message does not say how to install PostgreSQL:\n%s", out)
		}
	}
}
