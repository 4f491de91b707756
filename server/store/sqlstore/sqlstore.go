// Package sqlstore is what the SQL implementations of store.Store (the
// sqlite and postgres packages) share: the layout of a row of each record,
// its encoding, and the statements that are the same in both dialects but
// for their placeholders.
//
// Layout: one row per record, every field in its own column. Hashes are
// binary (BLOB, bytea; NULL for a client's absent secret or registration
// token), string lists and client metadata JSON in text, times unix
// microseconds in a 64-bit integer (0 for the zero time), so instants keep
// microsecond precision and come back in UTC.
// Strings that can come from a request are whatever column type the dialect
// gives them ([Dialect.Text]: TEXT in SQLite, bytea in PostgreSQL).
//
// Statements are written with ? placeholders; a driver whose database
// numbers them rewrites them with [Numbered]. A driver gives [Core] a
// [Dialect] and a [DB] to run statements on, embeds it, and adds what is
// its own: connections, schema and migrations, transactions and locks, the
// sweep of expired records, and the methods made of them (SaveToken,
// RevokeGrant, DeleteClient, EvictClient, Usage, Close).
package sqlstore

import (
	"context"
	"time"

	"github.com/authspec/authspec/server/store"
)

const (
	// SweepEvery, CodeRetention and TokenRetention are those of the memory
	// store: used codes stay ten minutes past expiry so that a late replay
	// still reads as a replay; tokens an hour, so that a replayed expired
	// refresh token reads as expired rather than unknown.
	SweepEvery     = time.Minute
	CodeRetention  = 10 * time.Minute
	TokenRetention = time.Hour
)

// Row is one row of a query: a *sql.Row, a pgx.Row.
type Row interface {
	// Scan copies the columns of the row into dest; it reports the
	// dialect's NoRows error when the query found no row.
	Scan(dest ...any) error
}

// DB runs statements written with ? placeholders: a connection pool or a
// transaction of the driver.
type DB interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// QueryRow runs a query that returns at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Dialect is what tells the databases apart in the shared statements.
type Dialect struct {
	// Name begins every error of the store ("sqlite", "postgres").
	Name string
	// NoRows is the error Row.Scan reports when there is no row.
	NoRows error
	// UniqueViolation reports whether err is the failure of a primary key
	// or unique constraint.
	UniqueViolation func(err error) bool
	// Text binds a string that can come from a request.
	Text func(s string) any
}

// Config configures a Core.
type Config struct {
	Dialect Dialect
	// Read runs lookups. Write runs changes, and the reads that must see
	// them (the second statement of ConsumeCode, say). They may be one DB.
	Read, Write DB
	// Now is the clock of client expiry and single-use keys.
	Now func() time.Time
	// BeforeInsert runs before a client, a code or a single-use key is
	// inserted: the sweep of expired records, when one is due.
	BeforeInsert func(ctx context.Context)
	// ReplaceExpiredClient is what CreateClient does when the ID is taken:
	// in one transaction, delete the client if it has expired, with what
	// was issued to it, and insert c ([Dialect.InsertClient]); report
	// store.ErrExists if it has not.
	ReplaceExpiredClient func(ctx context.Context, c *store.Client) error
}

// Core implements the methods of store.Store that are the same statements
// in every dialect. The zero Core is not usable; see [NewCore].
type Core struct {
	d            Dialect
	r, w         DB
	now          func() time.Time
	beforeInsert func(context.Context)
	replace      func(context.Context, *store.Client) error
}

// NewCore returns a Core for a driver to embed.
func NewCore(c Config) Core {
	return Core{d: c.Dialect, r: c.Read, w: c.Write, now: c.Now, beforeInsert: c.BeforeInsert, replace: c.ReplaceExpiredClient}
}
