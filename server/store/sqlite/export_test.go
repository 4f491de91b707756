package sqlite

import (
	"context"
	"fmt"
	"time"
)

// SetClock replaces the clock of sweeps and makes a sweep due. Call it before
// the store is used concurrently.
func SetClock(s *Store, now func() time.Time) {
	s.now = now
	s.sweeper.Due()
}

// Rows counts the rows of a table.
func Rows(ctx context.Context, s *Store, table string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %q", table)).Scan(&n)
	return n, err
}

// WriterPragma reads a PRAGMA on the write connection.
func WriterPragma(ctx context.Context, s *Store, name string) (string, error) {
	var v string
	err := s.w.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// SchemaVersion is the schema version Open creates and migrates to.
const SchemaVersion = schemaVersion

// SchemaV2 creates the tables of schema version 2.
const SchemaV2 = schema
