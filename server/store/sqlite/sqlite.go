// Package sqlite is the persistent implementation of store.Store on an
// embedded SQLite database (modernc.org/sqlite: pure Go, no cgo). Clients,
// codes, tokens and consents survive a restart of the server.
//
// Layout: that of package sqlstore, which holds what this store shares with
// the PostgreSQL one: hashes are BLOBs, strings TEXT, string lists and
// client metadata JSON in TEXT, times unix microseconds in INTEGER. The
// schema and its migrations are in schema.go.
//
// Concurrency: the database runs in WAL mode. Writes go through a pool of one
// connection, so writers in this process queue in Go rather than contend for
// SQLite's lock; reads use a small pool of read-only connections that WAL lets
// run beside the writer. Every write is a single statement or an IMMEDIATE
// transaction, and single-use transitions are one conditional UPDATE, so they
// stay atomic even when another process opens the same file (busy_timeout
// covers the lock contention that brings).
//
// Durability: synchronous=NORMAL, the usual setting for WAL. A committed
// write survives a crash of the process; a power failure can lose the last
// transactions before a checkpoint.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	msqlite "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/sqlstore"
)

const (
	// readConns bounds the read-only connections.
	readConns = 4
	// busyTimeout is how long a statement waits for a lock held by another
	// connection (another process, in practice) before failing.
	busyTimeout = 10 * time.Second
)

// dialect is SQLite's, for the statements of sqlstore.
var dialect = sqlstore.Dialect{
	Name:            "sqlite",
	NoRows:          sql.ErrNoRows,
	UniqueViolation: isUniqueViolation,
	Text:            func(s string) any { return s },
}

// Store is a store.Store on one SQLite file.
type Store struct {
	sqlstore.Core
	w *sql.DB // one connection: every write
	r *sql.DB // read-only connections
	// writer and reader run statements on w and r. The statements of the
	// hot paths (a token request) are prepared once: SQLite spends as long
	// preparing a statement as running a simple one.
	writer, reader *conn
	// now is the clock of client expiry and sweeps.
	now     func() time.Time
	sweeper sqlstore.Sweeper

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens the database at path, a file system path, creating it (mode
// 0600) if it does not exist, and creates or migrates its schema. A database
// written by a newer authspec is refused.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	// SQLite would create the file 0644; secrets' hashes are not for everyone
	// to read. Its -wal and -shm files take the mode of the database.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
		}
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	uri, err := fileURI(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	timeout := fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds())

	w, err := sql.Open("sqlite", uri+"?"+url.Values{
		"_pragma": {timeout, "foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)"},
		"_txlock": {"immediate"},
	}.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, now: time.Now}
	s.sweeper.Sweep = func(ctx context.Context, now time.Time) (bool, error) { return true, s.sweep(ctx, now) }
	if err := s.migrate(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	// The readers open after the writer has switched the file to WAL.
	r, err := sql.Open("sqlite", uri+"?"+url.Values{
		"_pragma": {timeout, "foreign_keys(1)", "query_only(1)"},
	}.Encode())
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	s.r = r
	if err := s.prepare(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.Core = sqlstore.NewCore(sqlstore.Config{
		Dialect: dialect, Read: s.reader, Write: s.writer,
		Now:                  func() time.Time { return s.now() },
		BeforeInsert:         s.maybeSweep,
		ReplaceExpiredClient: s.replaceExpiredClient,
	})
	return s, nil
}

// fileURI turns a file system path into an SQLite URI, so that no character
// of the path ('?', '#', '%') is taken for URI syntax.
func fileURI(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows: file:///C:/x
	}
	return (&url.URL{Scheme: "file", Path: p}).String(), nil
}

const (
	saveTokenSQL = `INSERT INTO tokens (` + sqlstore.TokenColumns + `) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
		WHERE NOT EXISTS (SELECT 1 FROM revoked_grants WHERE grant_id = ?)`
	usageSQL = `SELECT
		(SELECT n FROM counters WHERE name = 'clients'),
		(SELECT n FROM counters WHERE name = 'codes'),
		(SELECT n FROM counters WHERE name = 'tokens'),
		coalesce((SELECT codes FROM client_usage WHERE client_id = ?1 AND ?1 != ''), 0),
		coalesce((SELECT tokens FROM client_usage WHERE client_id = ?1 AND ?1 != ''), 0),
		CASE WHEN ?2 = '' THEN 0 ELSE (SELECT count(*) FROM tokens WHERE grant_id = ?2) END`
	// liveSQL tells whether the client bound to its second placeholder
	// has not expired at the instant bound to its first.
	liveSQL = `SELECT ` + sqlstore.LiveClient + ` FROM clients WHERE id = ?`
)

// prepare prepares the statements of the hot paths.
func (s *Store) prepare(ctx context.Context) error {
	var err error
	if s.reader, err = newConn(ctx, s.r, sqlstore.GetClientSQL, usageSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if s.writer, err = newConn(ctx, s.w, saveTokenSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	return nil
}

// Close implements store.Store. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		for _, c := range []*conn{s.reader, s.writer} {
			if c != nil {
				c.close()
			}
		}
		if err := errors.Join(s.r.Close(), s.w.Close()); err != nil {
			s.closeErr = fmt.Errorf("sqlite: close: %w", err)
		}
	})
	return s.closeErr
}

// conn runs statements on a *sql.DB or a *sql.Tx, the queries it prepared
// as prepared statements.
type conn struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
	prepared map[string]*sql.Stmt // read-only once prepared
}

var _ sqlstore.DB = (*conn)(nil)

// newConn returns a conn on db with queries prepared.
func newConn(ctx context.Context, db *sql.DB, queries ...string) (*conn, error) {
	c := &conn{q: db, prepared: make(map[string]*sql.Stmt, len(queries))}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, err
		}
		c.prepared[q] = st
	}
	return c, nil
}

func (c *conn) close() {
	for _, st := range c.prepared {
		_ = st.Close()
	}
}

// Exec implements sqlstore.DB.
func (c *conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st := c.prepared[query]; st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = c.q.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueryRow implements sqlstore.DB.
func (c *conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	if st := c.prepared[query]; st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.q.QueryRowContext(ctx, query, args...)
}

// isUniqueViolation reports whether err is a primary key or unique
// constraint failure.
func isUniqueViolation(err error) bool {
	var e *msqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return true
	}
	return false
}

// ---------------------------------------------------------------------------
// Clients

// replaceExpiredClient deletes the expired client c.ID with what was issued
// to it and inserts c, in one transaction; ErrExists if the client has not
// expired.
func (s *Store) replaceExpiredClient(ctx context.Context, c *store.Client) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	var live bool
	if err := tx.QueryRowContext(ctx, liveSQL, sqlstore.Micros(s.now()), c.ID).Scan(&live); err != nil {
		return err
	}
	if live {
		return store.ErrExists
	}
	if err := deleteClientRows(ctx, tx, c.ID); err != nil {
		return err
	}
	if err := dialect.InsertClient(ctx, &conn{q: tx}, c); err != nil {
		return err
	}
	return tx.Commit()
}

// deleteClientRows deletes the client id, its codes, tokens and consents.
func deleteClientRows(ctx context.Context, tx *sql.Tx, id string) error {
	for _, table := range []string{"codes", "tokens", "consents"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE client_id = ?`, id); err != nil {
			return fmt.Errorf("delete its %s: %w", table, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM clients WHERE id = ?`, id); err != nil {
		return err
	}
	return nil
}

// DeleteClient implements store.Clients. An expired client is deleted too,
// but reported as not found.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: delete client %q: %w", id, err)
	}
	defer func() { _ = tx.Rollback() }()
	var live bool
	err = tx.QueryRowContext(ctx, liveSQL, sqlstore.Micros(s.now()), id).Scan(&live)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: delete client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete client %q: %w", id, err)
	}
	if err := deleteClientRows(ctx, tx, id); err != nil {
		return fmt.Errorf("sqlite: delete client %q: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: delete client %q: commit: %w", id, err)
	}
	if !live {
		return fmt.Errorf("sqlite: delete client %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// EvictClient implements store.Clients, on the index of expiry times.
func (s *Store) EvictClient(ctx context.Context, before time.Time) (string, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("sqlite: evict client: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var id string
	err = tx.QueryRowContext(ctx, `SELECT id FROM clients WHERE expires_at != 0 AND expires_at < ? ORDER BY expires_at LIMIT 1`,
		sqlstore.Micros(before)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sqlite: evict client: %w", store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: evict client: %w", err)
	}
	if err := deleteClientRows(ctx, tx, id); err != nil {
		return "", fmt.Errorf("sqlite: evict client %q: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("sqlite: evict client %q: commit: %w", id, err)
	}
	return id, nil
}

// ---------------------------------------------------------------------------
// Sweeping

// maybeSweep removes codes and tokens long past expiry (see
// sqlstore.CodeRetention and sqlstore.TokenRetention), expired clients,
// revocation marks and single-use keys, when a sweep is due.
func (s *Store) maybeSweep(ctx context.Context) { s.sweeper.Maybe(ctx, s.now()) }

func (s *Store) sweep(ctx context.Context, now time.Time) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM codes WHERE expires_at < ?`,
		now.Add(-sqlstore.CodeRetention).UnixMicro()); err != nil {
		return fmt.Errorf("sqlite: sweep codes: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at != 0 AND expires_at < ?`,
		now.Add(-sqlstore.TokenRetention).UnixMicro()); err != nil {
		return fmt.Errorf("sqlite: sweep tokens: %w", err)
	}
	if err := s.sweepClients(ctx, now); err != nil {
		return fmt.Errorf("sqlite: sweep clients: %w", err)
	}
	for what, stmt := range map[string]string{
		"revoked grants":  `DELETE FROM revoked_grants WHERE revoked_at < ? AND NOT EXISTS (SELECT 1 FROM tokens WHERE tokens.grant_id = revoked_grants.grant_id)`,
		"single-use keys": `DELETE FROM used_once WHERE expires_at <= ?`,
	} {
		at := now
		if what == "revoked grants" {
			at = now.Add(-store.RevocationRetention)
		}
		if _, err := s.w.ExecContext(ctx, stmt, at.UnixMicro()); err != nil {
			return fmt.Errorf("sqlite: sweep %s: %w", what, err)
		}
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM client_usage WHERE codes = 0 AND tokens = 0`); err != nil {
		return fmt.Errorf("sqlite: sweep client usage: %w", err)
	}
	return nil
}

// sweepClients deletes expired clients with what was issued to them.
func (s *Store) sweepClients(ctx context.Context, now time.Time) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	const expired = `SELECT id FROM clients WHERE expires_at != 0 AND expires_at <= ?`
	for _, table := range []string{"codes", "tokens", "consents"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE client_id IN (`+expired+`)`, sqlstore.Micros(now)); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM clients WHERE expires_at != 0 AND expires_at <= ?`, sqlstore.Micros(now)); err != nil {
		return err
	}
	return tx.Commit()
}

// ---------------------------------------------------------------------------
// Tokens

// SaveToken implements store.Tokens. Expired codes and tokens are swept on
// the way (see maybeSweep). The insert is one statement conditional on the
// grant not being revoked, so it is ordered with RevokeGrant by SQLite's
// write lock, in this process or another.
func (s *Store) SaveToken(ctx context.Context, t *store.Token) error {
	s.maybeSweep(ctx)
	args, err := dialect.TokenArgs(t)
	if err != nil {
		return fmt.Errorf("sqlite: save token: %w", err)
	}
	n, err := s.writer.Exec(ctx, saveTokenSQL, append(args, t.GrantID)...)
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: save token: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: save token: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: save token of grant %q: %w", t.GrantID, store.ErrRevoked)
	}
	return nil
}

// RevokeGrant implements store.Tokens: it marks the grant revoked and
// revokes its tokens in one transaction, on the index of grant IDs. The
// empty grant ID names no grant and revokes nothing.
func (s *Store) RevokeGrant(ctx context.Context, grantID string) error {
	if grantID == "" {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: revoke grant %q: %w", grantID, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `INSERT INTO revoked_grants (grant_id, revoked_at) VALUES (?, ?) ON CONFLICT (grant_id) DO NOTHING`,
		grantID, sqlstore.Micros(s.now())); err != nil {
		return fmt.Errorf("sqlite: revoke grant %q: %w", grantID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked = 1 WHERE grant_id = ?`, grantID); err != nil {
		return fmt.Errorf("sqlite: revoke grant %q: %w", grantID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: revoke grant %q: commit: %w", grantID, err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Usage

// Usage implements store.Usages from the counters the triggers keep, and
// the grant's tokens on their index.
func (s *Store) Usage(ctx context.Context, clientID, grantID string) (store.Usage, error) {
	var u store.Usage
	err := s.reader.QueryRow(ctx, usageSQL, clientID, grantID).Scan(&u.Clients, &u.Codes, &u.Tokens, &u.ClientCodes, &u.ClientTokens, &u.GrantTokens)
	if err != nil {
		return store.Usage{}, fmt.Errorf("sqlite: usage: %w", err)
	}
	return u, nil
}
