package pgtest_test

import (
	"os"
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
