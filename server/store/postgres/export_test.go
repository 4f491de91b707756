package postgres

import (
	"context"
	"time"
)

// SchemaVersion is schemaVersion, for the tests.
const SchemaVersion = schemaVersion

// SetClock replaces the clock of client expiry and sweeps and makes a sweep
// due. Call it before the store is used concurrently.
func SetClock(s *Store, now func() time.Time) {
	s.now = now
	s.sweeper.Due()
}

// Rows counts the rows of a table.
func Rows(ctx context.Context, s *Store, table string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n)
	return n, err
}

// Exec runs a statement on the store's database.
func Exec(ctx context.Context, s *Store, sql string, args ...any) error {
	_, err := s.pool.Exec(ctx, sql, args...)
	return err
}
