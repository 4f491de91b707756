// Package sqlite is the persistent implementation of store.Store on an
// embedded SQLite database (modernc.org/sqlite: pure Go, no cgo). Clients,
// codes, tokens and consents survive a restart of the server.
//
// Layout: one row per record, every field in its own column. Hashes are
// BLOBs, string lists JSON arrays in TEXT, times unix microseconds in INTEGER
// (0 for the zero time), so instants keep microsecond precision and come back
// in UTC. Client metadata, an RFC 7591 JSON document, is kept as JSON.
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
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	msqlite "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/authspec/authspec/server/store"
)

// schemaVersion is the PRAGMA user_version of the layout below. Version 1
// (authspec before this layout) kept codes and tokens as JSON documents;
// version 2 had neither client expiry, revoked grants, single-use keys nor
// counters; version 3 had no DPoP key thumbprints. Open migrates them all.
const schemaVersion = 4

// schema creates the tables of schemaVersion. clients and consents are as in
// version 1.
const schema = `
CREATE TABLE clients (
	id TEXT PRIMARY KEY,
	secret_hash BLOB,
	secret_expires_at INTEGER NOT NULL DEFAULT 0,
	registration_token_hash BLOB,
	issued_at INTEGER NOT NULL,
	metadata TEXT NOT NULL
);
CREATE TABLE consents (
	subject TEXT NOT NULL,
	client_id TEXT NOT NULL,
	scope TEXT NOT NULL,
	granted INTEGER NOT NULL,
	PRIMARY KEY (subject, client_id)
);
` + schemaV2

// schemaV2 is what version 2 added to version 1.
const schemaV2 = `
CREATE TABLE codes (
	hash BLOB NOT NULL PRIMARY KEY,
	client_id TEXT NOT NULL,
	redirect_uri TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	scope TEXT NOT NULL DEFAULT '',
	resources TEXT NOT NULL DEFAULT '[]',
	code_challenge TEXT NOT NULL DEFAULT '',
	code_challenge_method TEXT NOT NULL DEFAULT '',
	grant_id TEXT NOT NULL DEFAULT '',
	issued_at INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL DEFAULT 0,
	used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX codes_client ON codes(client_id);
CREATE INDEX codes_expires ON codes(expires_at);
CREATE TABLE tokens (
	hash BLOB NOT NULL PRIMARY KEY,
	kind TEXT NOT NULL,
	client_id TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	scope TEXT NOT NULL DEFAULT '',
	resources TEXT NOT NULL DEFAULT '[]',
	grant_id TEXT NOT NULL DEFAULT '',
	issued_at INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL DEFAULT 0,
	revoked INTEGER NOT NULL DEFAULT 0,
	rotated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_client ON tokens(client_id);
CREATE INDEX tokens_grant ON tokens(grant_id);
CREATE INDEX tokens_expires ON tokens(expires_at) WHERE expires_at != 0;
CREATE INDEX consents_client ON consents(client_id);
`

// schemaV3 is what version 3 added to version 2: client expiry, revoked
// grants, single-use keys, and counters kept by triggers so that Usage
// costs no table scan.
const schemaV3 = `
ALTER TABLE clients ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX clients_expires ON clients(expires_at) WHERE expires_at != 0;
CREATE TABLE revoked_grants (
	grant_id TEXT NOT NULL PRIMARY KEY,
	revoked_at INTEGER NOT NULL
);
CREATE TABLE used_once (
	key BLOB NOT NULL PRIMARY KEY,
	expires_at INTEGER NOT NULL
);
CREATE INDEX used_once_expires ON used_once(expires_at);
CREATE TABLE counters (
	name TEXT NOT NULL PRIMARY KEY,
	n INTEGER NOT NULL
);
INSERT INTO counters (name, n) VALUES
	('clients', (SELECT count(*) FROM clients)),
	('codes', (SELECT count(*) FROM codes)),
	('tokens', (SELECT count(*) FROM tokens));
CREATE TABLE client_usage (
	client_id TEXT NOT NULL PRIMARY KEY,
	codes INTEGER NOT NULL DEFAULT 0,
	tokens INTEGER NOT NULL DEFAULT 0
);
INSERT INTO client_usage (client_id, codes, tokens)
	SELECT client_id, sum(codes), sum(tokens) FROM (
		SELECT client_id, count(*) AS codes, 0 AS tokens FROM codes GROUP BY client_id
		UNION ALL
		SELECT client_id, 0, count(*) FROM tokens GROUP BY client_id)
	GROUP BY client_id;
CREATE TRIGGER clients_counted AFTER INSERT ON clients BEGIN
	UPDATE counters SET n = n + 1 WHERE name = 'clients';
END;
CREATE TRIGGER clients_uncounted AFTER DELETE ON clients BEGIN
	UPDATE counters SET n = n - 1 WHERE name = 'clients';
END;
CREATE TRIGGER codes_counted AFTER INSERT ON codes BEGIN
	UPDATE counters SET n = n + 1 WHERE name = 'codes';
	INSERT OR IGNORE INTO client_usage (client_id) VALUES (NEW.client_id);
	UPDATE client_usage SET codes = codes + 1 WHERE client_id = NEW.client_id;
END;
CREATE TRIGGER codes_uncounted AFTER DELETE ON codes BEGIN
	UPDATE counters SET n = n - 1 WHERE name = 'codes';
	UPDATE client_usage SET codes = codes - 1 WHERE client_id = OLD.client_id;
END;
CREATE TRIGGER tokens_counted AFTER INSERT ON tokens BEGIN
	UPDATE counters SET n = n + 1 WHERE name = 'tokens';
	INSERT OR IGNORE INTO client_usage (client_id) VALUES (NEW.client_id);
	UPDATE client_usage SET tokens = tokens + 1 WHERE client_id = NEW.client_id;
END;
CREATE TRIGGER tokens_uncounted AFTER DELETE ON tokens BEGIN
	UPDATE counters SET n = n - 1 WHERE name = 'tokens';
	UPDATE client_usage SET tokens = tokens - 1 WHERE client_id = OLD.client_id;
END;
`

// schemaV4 is what version 4 added to version 3: the DPoP key thumbprints
// of codes (RFC 9449 §10 dpop_jkt) and tokens (§6.1 cnf.jkt).
const schemaV4 = `
ALTER TABLE codes ADD COLUMN dpop_jkt TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN jkt TEXT NOT NULL DEFAULT '';
`

const (
	// readConns bounds the read-only connections.
	readConns = 4
	// busyTimeout is how long a statement waits for a lock held by another
	// connection (another process, in practice) before failing.
	busyTimeout = 10 * time.Second
	// sweepEvery, codeRetention and tokenRetention are those of the memory
	// store: used codes stay ten minutes past expiry so that a late replay
	// still reads as a replay; tokens an hour, so that a replayed expired
	// refresh token reads as expired rather than unknown.
	sweepEvery     = time.Minute
	codeRetention  = 10 * time.Minute
	tokenRetention = time.Hour
)

// liveClient is the condition on a clients row that has not expired at the
// instant bound to its one parameter.
const liveClient = `(expires_at = 0 OR expires_at > ?)`

// Store is a store.Store on one SQLite file.
type Store struct {
	w *sql.DB // one connection: every write
	r *sql.DB // read-only connections
	// now is the clock of sweeps.
	now func() time.Time
	// nextSweep is when the next sweep is due, in unix nanoseconds.
	nextSweep atomic.Int64

	// Statements of the hot paths (a token request), prepared once: SQLite
	// spends as long preparing a statement as running a simple one.
	getClientStmt, saveTokenStmt, usageStmt *sql.Stmt

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

// migrate brings the schema to schemaVersion in one IMMEDIATE transaction,
// so that two processes opening a new file do not both create it.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch v {
	case schemaVersion:
		return nil
	case 0:
		if _, err := tx.ExecContext(ctx, schema+schemaV3+schemaV4); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	case 1, 2, 3:
		if v == 1 {
			if err := migrateV1(ctx, tx); err != nil {
				return fmt.Errorf("migrate schema from version 1: %w", err)
			}
		}
		if v < 3 {
			if _, err := tx.ExecContext(ctx, schemaV3); err != nil {
				return fmt.Errorf("migrate schema to version 3: %w", err)
			}
		}
		if v > 1 {
			if _, err := tx.ExecContext(ctx, schemaV4); err != nil {
				return fmt.Errorf("migrate schema to version 4: %w", err)
			}
		}
	default:
		return fmt.Errorf("schema version %d is not one this authspec knows (%d): the database was written by a newer authspec", v, schemaVersion)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration: %w", err)
	}
	return nil
}

// migrateV1 moves codes and tokens from version 1, where a JSON encoding of
// store.Code and store.Token sat in a data column, to their own columns.
func migrateV1(ctx context.Context, tx *sql.Tx) error {
	type v1Code struct {
		code store.Code
		used bool
	}
	var codes []v1Code
	if err := eachRow(ctx, tx, `SELECT data, used FROM codes`, func(rows *sql.Rows) error {
		var data string
		var c v1Code
		if err := rows.Scan(&data, &c.used); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(data), &c.code); err != nil {
			return fmt.Errorf("decode code: %w", err)
		}
		codes = append(codes, c)
		return nil
	}); err != nil {
		return err
	}
	var tokens []store.Token
	if err := eachRow(ctx, tx, `SELECT data, revoked, rotated FROM tokens`, func(rows *sql.Rows) error {
		var data string
		var t store.Token
		var revoked, rotated bool
		if err := rows.Scan(&data, &revoked, &rotated); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(data), &t); err != nil {
			return fmt.Errorf("decode token: %w", err)
		}
		t.Revoked, t.Rotated = revoked, rotated
		tokens = append(tokens, t)
		return nil
	}); err != nil {
		return err
	}
	// The version 1 indexes carry the names of the version 2 ones.
	// The tables are created with the columns of version 4, which the
	// inserts below fill.
	if _, err := tx.ExecContext(ctx, `DROP TABLE codes; DROP TABLE tokens;`+schemaV2+schemaV4); err != nil {
		return err
	}
	for _, c := range codes {
		if err := insertCode(ctx, tx, &c.code, c.used); err != nil {
			return err
		}
	}
	for i := range tokens {
		if err := insertToken(ctx, tx, &tokens[i]); err != nil {
			return err
		}
	}
	return nil
}

func eachRow(ctx context.Context, tx *sql.Tx, query string, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

const (
	getClientSQL = `SELECT ` + clientColumns + ` FROM clients WHERE id = ? AND ` + liveClient
	saveTokenSQL = `INSERT INTO tokens (` + tokenColumns + `) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
		WHERE NOT EXISTS (SELECT 1 FROM revoked_grants WHERE grant_id = ?)`
	usageSQL = `SELECT
		(SELECT n FROM counters WHERE name = 'clients'),
		(SELECT n FROM counters WHERE name = 'codes'),
		(SELECT n FROM counters WHERE name = 'tokens'),
		coalesce((SELECT codes FROM client_usage WHERE client_id = ?1 AND ?1 != ''), 0),
		coalesce((SELECT tokens FROM client_usage WHERE client_id = ?1 AND ?1 != ''), 0),
		CASE WHEN ?2 = '' THEN 0 ELSE (SELECT count(*) FROM tokens WHERE grant_id = ?2) END`
)

// prepare prepares the statements of the hot paths.
func (s *Store) prepare(ctx context.Context) error {
	var err error
	if s.getClientStmt, err = s.r.PrepareContext(ctx, getClientSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if s.usageStmt, err = s.r.PrepareContext(ctx, usageSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if s.saveTokenStmt, err = s.w.PrepareContext(ctx, saveTokenSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	return nil
}

// Close implements store.Store. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		for _, st := range []*sql.Stmt{s.getClientStmt, s.saveTokenStmt, s.usageStmt} {
			if st != nil {
				_ = st.Close()
			}
		}
		if err := errors.Join(s.r.Close(), s.w.Close()); err != nil {
			s.closeErr = fmt.Errorf("sqlite: close: %w", err)
		}
	})
	return s.closeErr
}

// ---------------------------------------------------------------------------
// Encoding

// micros encodes a time as unix microseconds, the zero time as 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros decodes micros, in UTC.
func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// blob binds a hash: NULL when empty.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nilIfEmpty is the decoding side of blob.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// encodeList encodes a string list as a JSON array.
func encodeList(ss []string) (string, error) {
	if len(ss) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ss)
	return string(b), err
}

// decodeList decodes encodeList; an empty list comes back nil, as from the
// memory store.
func decodeList(s string) ([]string, error) {
	var ss []string
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &ss); err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, nil
	}
	return ss, nil
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

// execer is what insertCode and insertToken need of a *sql.DB or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// ---------------------------------------------------------------------------
// Clients

const clientColumns = `id, secret_hash, secret_expires_at, registration_token_hash, issued_at, expires_at, metadata`

// CreateClient implements store.Clients. A client that has expired but is
// not yet swept gives way to the new one.
func (s *Store) CreateClient(ctx context.Context, c *store.Client) error {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return fmt.Errorf("sqlite: create client %q: encode metadata: %w", c.ID, err)
	}
	insert := func(db execer) error {
		_, err := db.ExecContext(ctx, `INSERT INTO clients (`+clientColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.ID, blob(c.SecretHash), micros(c.SecretExpiresAt), blob(c.RegistrationTokenHash), micros(c.IssuedAt), micros(c.ExpiresAt), string(md))
		return err
	}
	s.maybeSweep(ctx)
	err = insert(s.w)
	if isUniqueViolation(err) {
		err = s.replaceExpiredClient(ctx, c.ID, insert)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create client %q: %w", c.ID, err)
	}
	return nil
}

// replaceExpiredClient deletes the expired client id with what was issued
// to it and runs insert, in one transaction; ErrExists if the client has
// not expired.
func (s *Store) replaceExpiredClient(ctx context.Context, id string, insert func(execer) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	var live bool
	if err := tx.QueryRowContext(ctx, `SELECT `+liveClient+` FROM clients WHERE id = ?`, micros(s.now()), id).Scan(&live); err != nil {
		return err
	}
	if live {
		return store.ErrExists
	}
	if err := deleteClientRows(ctx, tx, id); err != nil {
		return err
	}
	if err := insert(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// GetClient implements store.Clients.
func (s *Store) GetClient(ctx context.Context, id string) (*store.Client, error) {
	var c store.Client
	var secretExpires, issued, expires int64
	var md string
	err := s.getClientStmt.QueryRowContext(ctx, id, micros(s.now())).
		Scan(&c.ID, &c.SecretHash, &secretExpires, &c.RegistrationTokenHash, &issued, &expires, &md)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: get client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get client %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(md), &c.Metadata); err != nil {
		return nil, fmt.Errorf("sqlite: get client %q: decode metadata: %w", id, err)
	}
	c.SecretHash, c.RegistrationTokenHash = nilIfEmpty(c.SecretHash), nilIfEmpty(c.RegistrationTokenHash)
	c.SecretExpiresAt, c.IssuedAt, c.ExpiresAt = fromMicros(secretExpires), fromMicros(issued), fromMicros(expires)
	return &c, nil
}

// UpdateClient implements store.Clients.
func (s *Store) UpdateClient(ctx context.Context, c *store.Client) error {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return fmt.Errorf("sqlite: update client %q: encode metadata: %w", c.ID, err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE clients SET secret_hash = ?, secret_expires_at = ?,
		registration_token_hash = ?, issued_at = ?, expires_at = ?, metadata = ? WHERE id = ? AND `+liveClient,
		blob(c.SecretHash), micros(c.SecretExpiresAt), blob(c.RegistrationTokenHash), micros(c.IssuedAt), micros(c.ExpiresAt), string(md),
		c.ID, micros(s.now()))
	if err != nil {
		return fmt.Errorf("sqlite: update client %q: %w", c.ID, err)
	}
	if err := requireRow(res); err != nil {
		return fmt.Errorf("sqlite: update client %q: %w", c.ID, err)
	}
	return nil
}

// requireRow returns ErrNotFound unless the statement matched a row.
func requireRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
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
	err = tx.QueryRowContext(ctx, `SELECT `+liveClient+` FROM clients WHERE id = ?`, micros(s.now()), id).Scan(&live)
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

// ExtendClient implements store.Clients.
func (s *Store) ExtendClient(ctx context.Context, id string, expiresAt time.Time) error {
	now := micros(s.now())
	res, err := s.w.ExecContext(ctx, `UPDATE clients SET expires_at = ? WHERE id = ? AND expires_at != 0 AND expires_at < ? AND `+liveClient,
		micros(expiresAt), id, micros(expiresAt), now)
	if err != nil {
		return fmt.Errorf("sqlite: extend client %q: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	var one int
	err = s.w.QueryRowContext(ctx, `SELECT 1 FROM clients WHERE id = ? AND `+liveClient, id, now).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: extend client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("sqlite: extend client %q: %w", id, err)
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
		micros(before)).Scan(&id)
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

// maybeSweep removes codes and tokens long past expiry (see codeRetention and
// tokenRetention), at most once per sweepEvery, so that the tables stay
// bounded by what is issued per lifetime. Only one caller sweeps at a time.
func (s *Store) maybeSweep(ctx context.Context) {
	now := s.now()
	due := s.nextSweep.Load()
	if now.UnixNano() < due || !s.nextSweep.CompareAndSwap(due, now.Add(sweepEvery).UnixNano()) {
		return
	}
	// Best effort: a failed sweep is retried at the next one, and a database
	// that cannot delete will fail the caller's insert anyway.
	_ = s.sweep(ctx, now)
}

func (s *Store) sweep(ctx context.Context, now time.Time) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM codes WHERE expires_at < ?`,
		now.Add(-codeRetention).UnixMicro()); err != nil {
		return fmt.Errorf("sqlite: sweep codes: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at != 0 AND expires_at < ?`,
		now.Add(-tokenRetention).UnixMicro()); err != nil {
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
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE client_id IN (`+expired+`)`, micros(now)); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM clients WHERE expires_at != 0 AND expires_at <= ?`, micros(now)); err != nil {
		return err
	}
	return tx.Commit()
}

// ---------------------------------------------------------------------------
// Codes

const codeColumns = `hash, client_id, redirect_uri, subject, scope, resources, code_challenge,
	code_challenge_method, grant_id, issued_at, expires_at, dpop_jkt`

func insertCode(ctx context.Context, db execer, c *store.Code, used bool) error {
	resources, err := encodeList(c.Resources)
	if err != nil {
		return fmt.Errorf("encode resources: %w", err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO codes (`+codeColumns+`, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Hash, c.ClientID, c.RedirectURI, c.Subject, c.Scope, resources, c.CodeChallenge,
		c.CodeChallengeMethod, c.GrantID, micros(c.IssuedAt), micros(c.ExpiresAt), c.DPoPJKT, used)
	return err
}

// scanCode scans the codeColumns of a row, and then the extra destinations.
func scanCode(row rowScanner, extra ...any) (*store.Code, error) {
	var c store.Code
	var resources string
	var issued, expires int64
	dest := append([]any{&c.Hash, &c.ClientID, &c.RedirectURI, &c.Subject, &c.Scope, &resources, &c.CodeChallenge,
		&c.CodeChallengeMethod, &c.GrantID, &issued, &expires, &c.DPoPJKT}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if c.Resources, err = decodeList(resources); err != nil {
		return nil, fmt.Errorf("decode resources: %w", err)
	}
	c.IssuedAt, c.ExpiresAt = fromMicros(issued), fromMicros(expires)
	return &c, nil
}

// SaveCode implements store.Codes. Expired codes and tokens are swept on the
// way (see maybeSweep).
func (s *Store) SaveCode(ctx context.Context, c *store.Code) error {
	s.maybeSweep(ctx)
	err := insertCode(ctx, s.w, c, false)
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: save code: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: save code: %w", err)
	}
	return nil
}

// GetCode implements store.Codes.
func (s *Store) GetCode(ctx context.Context, hash []byte) (*store.Code, error) {
	var used bool
	c, err := scanCode(s.r.QueryRowContext(ctx, `SELECT `+codeColumns+`, used FROM codes WHERE hash = ?`, hash), &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: get code: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get code: %w", err)
	}
	if used {
		return c, fmt.Errorf("sqlite: get code: %w", store.ErrAlreadyUsed)
	}
	return c, nil
}

// ConsumeCode implements store.Codes. The redemption is one conditional
// UPDATE: of any number of concurrent callers, in this process or another,
// exactly one sees the row change.
func (s *Store) ConsumeCode(ctx context.Context, hash []byte) (*store.Code, error) {
	c, err := scanCode(s.w.QueryRowContext(ctx,
		`UPDATE codes SET used = 1 WHERE hash = ? AND used = 0 RETURNING `+codeColumns, hash))
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: consume code: %w", err)
	}
	// Absent, or used before: codes are never marked unused again.
	c, err = scanCode(s.w.QueryRowContext(ctx, `SELECT `+codeColumns+` FROM codes WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: consume code: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: consume code: %w", err)
	}
	return c, fmt.Errorf("sqlite: consume code: %w", store.ErrAlreadyUsed)
}

// ---------------------------------------------------------------------------
// Tokens

const tokenColumns = `hash, kind, client_id, subject, scope, resources, grant_id, issued_at, expires_at, revoked, rotated, jkt`

func insertToken(ctx context.Context, db execer, t *store.Token) error {
	resources, err := encodeList(t.Resources)
	if err != nil {
		return fmt.Errorf("encode resources: %w", err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Hash, string(t.Kind), t.ClientID, t.Subject, t.Scope, resources, t.GrantID,
		micros(t.IssuedAt), micros(t.ExpiresAt), t.Revoked, t.Rotated, t.JKT)
	return err
}

func scanToken(row rowScanner) (*store.Token, error) {
	var t store.Token
	var kind, resources string
	var issued, expires int64
	if err := row.Scan(&t.Hash, &kind, &t.ClientID, &t.Subject, &t.Scope, &resources, &t.GrantID,
		&issued, &expires, &t.Revoked, &t.Rotated, &t.JKT); err != nil {
		return nil, err
	}
	var err error
	if t.Resources, err = decodeList(resources); err != nil {
		return nil, fmt.Errorf("decode resources: %w", err)
	}
	t.Kind = store.TokenKind(kind)
	t.IssuedAt, t.ExpiresAt = fromMicros(issued), fromMicros(expires)
	return &t, nil
}

// SaveToken implements store.Tokens. Expired codes and tokens are swept on
// the way (see maybeSweep). The insert is one statement conditional on the
// grant not being revoked, so it is ordered with RevokeGrant by SQLite's
// write lock, in this process or another.
func (s *Store) SaveToken(ctx context.Context, t *store.Token) error {
	s.maybeSweep(ctx)
	resources, err := encodeList(t.Resources)
	if err != nil {
		return fmt.Errorf("sqlite: save token: encode resources: %w", err)
	}
	res, err := s.saveTokenStmt.ExecContext(ctx,
		t.Hash, string(t.Kind), t.ClientID, t.Subject, t.Scope, resources, t.GrantID,
		micros(t.IssuedAt), micros(t.ExpiresAt), t.Revoked, t.Rotated, t.JKT, t.GrantID)
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlite: save token: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: save token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: save token: %w", err)
	} else if n == 0 {
		return fmt.Errorf("sqlite: save token of grant %q: %w", t.GrantID, store.ErrRevoked)
	}
	return nil
}

// GetToken implements store.Tokens.
func (s *Store) GetToken(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: get token: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get token: %w", err)
	}
	return t, nil
}

// RotateToken implements store.Tokens. Like ConsumeCode, the transition is
// one conditional UPDATE.
func (s *Store) RotateToken(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := scanToken(s.w.QueryRowContext(ctx,
		`UPDATE tokens SET rotated = 1 WHERE hash = ? AND rotated = 0 RETURNING `+tokenColumns, hash))
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: rotate token: %w", err)
	}
	t, err = scanToken(s.w.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: rotate token: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: rotate token: %w", err)
	}
	return t, fmt.Errorf("sqlite: rotate token: %w", store.ErrAlreadyUsed)
}

// RevokeToken implements store.Tokens.
func (s *Store) RevokeToken(ctx context.Context, hash []byte) error {
	res, err := s.w.ExecContext(ctx, `UPDATE tokens SET revoked = 1 WHERE hash = ?`, hash)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
	}
	if err := requireRow(res); err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
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
		grantID, micros(s.now())); err != nil {
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
// Consents

// SaveConsent implements store.Consents.
func (s *Store) SaveConsent(ctx context.Context, c *store.Consent) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO consents (subject, client_id, scope, granted) VALUES (?, ?, ?, ?)
		ON CONFLICT (subject, client_id) DO UPDATE SET scope = excluded.scope, granted = excluded.granted`,
		c.Subject, c.ClientID, c.Scope, micros(c.Granted))
	if err != nil {
		return fmt.Errorf("sqlite: save consent for client %q: %w", c.ClientID, err)
	}
	return nil
}

// GetConsent implements store.Consents.
func (s *Store) GetConsent(ctx context.Context, subject, clientID string) (*store.Consent, error) {
	c := store.Consent{Subject: subject, ClientID: clientID}
	var granted int64
	err := s.r.QueryRowContext(ctx, `SELECT scope, granted FROM consents WHERE subject = ? AND client_id = ?`,
		subject, clientID).Scan(&c.Scope, &granted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: get consent for client %q: %w", clientID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get consent for client %q: %w", clientID, err)
	}
	c.Granted = fromMicros(granted)
	return &c, nil
}

// ---------------------------------------------------------------------------
// Single-use keys and usage

// UseOnce implements store.Once with one conditional upsert: an expired key
// is taken over, a live one is not.
func (s *Store) UseOnce(ctx context.Context, key string, expiresAt time.Time) error {
	s.maybeSweep(ctx)
	res, err := s.w.ExecContext(ctx, `INSERT INTO used_once (key, expires_at) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE used_once.expires_at <= ?`,
		[]byte(key), micros(expiresAt), micros(s.now()))
	if err != nil {
		return fmt.Errorf("sqlite: use once: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: use once: %w", err)
	} else if n == 0 {
		return fmt.Errorf("sqlite: use once: %w", store.ErrAlreadyUsed)
	}
	return nil
}

// Usage implements store.Usages from the counters the triggers keep, and
// the grant's tokens on their index.
func (s *Store) Usage(ctx context.Context, clientID, grantID string) (store.Usage, error) {
	var u store.Usage
	err := s.usageStmt.QueryRowContext(ctx, clientID, grantID).Scan(&u.Clients, &u.Codes, &u.Tokens, &u.ClientCodes, &u.ClientTokens, &u.GrantTokens)
	if err != nil {
		return store.Usage{}, fmt.Errorf("sqlite: usage: %w", err)
	}
	return u, nil
}
