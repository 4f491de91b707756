// Package sqlite is the persistent implementation of store.Store on an
// embedded SQLite database (modernc.org/sqlite: pure Go, no cgo). Clients,
// codes, tokens and consents survive a restart of the server.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/authspec/authspec/server/store"
)

const schemaVersion = 1

const schema = `
CREATE TABLE IF NOT EXISTS clients (
	id TEXT PRIMARY KEY,
	secret_hash BLOB,
	secret_expires_at INTEGER NOT NULL DEFAULT 0,
	registration_token_hash BLOB,
	issued_at INTEGER NOT NULL,
	metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS codes (
	hash BLOB PRIMARY KEY,
	client_id TEXT NOT NULL,
	data TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS codes_client ON codes(client_id);
CREATE INDEX IF NOT EXISTS codes_expires ON codes(expires_at);
CREATE TABLE IF NOT EXISTS tokens (
	hash BLOB PRIMARY KEY,
	kind TEXT NOT NULL,
	client_id TEXT NOT NULL,
	grant_id TEXT NOT NULL,
	data TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0,
	rotated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_grant ON tokens(grant_id);
CREATE INDEX IF NOT EXISTS tokens_client ON tokens(client_id);
CREATE TABLE IF NOT EXISTS consents (
	subject TEXT NOT NULL,
	client_id TEXT NOT NULL,
	scope TEXT NOT NULL,
	granted INTEGER NOT NULL,
	PRIMARY KEY (subject, client_id)
);`

// Store is a store.Store on one SQLite file. Writes are serialised by a
// mutex (SQLite has one writer anyway); reads use the pool.
type Store struct {
	db        *sql.DB
	wmu       sync.Mutex
	now       func() time.Time
	lastSweep time.Time
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed, with mode 0600) the database at path and
// migrates its schema.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path")
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
		}
		_ = f.Close()
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("sqlite: read schema version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("sqlite: database schema version %d is newer than this authspec (%d)", v, schemaVersion)
	}
	if _, err := s.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("sqlite: create schema: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("sqlite: set schema version: %w", err)
	}
	return nil
}

// Close implements store.Store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CreateClient implements store.Clients.
func (s *Store) CreateClient(ctx context.Context, c *store.Client) error {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return fmt.Errorf("sqlite: encode client metadata: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err = s.db.ExecContext(ctx, `INSERT INTO clients (id, secret_hash, secret_expires_at, registration_token_hash, issued_at, metadata)
		VALUES (?, ?, ?, ?, ?, ?)`, c.ID, nilIfEmpty(c.SecretHash), micros(c.SecretExpiresAt), nilIfEmpty(c.RegistrationTokenHash), micros(c.IssuedAt), string(md))
	if isUnique(err) {
		return fmt.Errorf("sqlite: create client %q: %w", c.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create client %q: %w", c.ID, err)
	}
	return nil
}

// GetClient implements store.Clients.
func (s *Store) GetClient(ctx context.Context, id string) (*store.Client, error) {
	var c store.Client
	var exp, issued int64
	var md string
	err := s.db.QueryRowContext(ctx, `SELECT id, secret_hash, secret_expires_at, registration_token_hash, issued_at, metadata
		FROM clients WHERE id = ?`, id).Scan(&c.ID, &c.SecretHash, &exp, &c.RegistrationTokenHash, &issued, &md)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: get client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get client %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(md), &c.Metadata); err != nil {
		return nil, fmt.Errorf("sqlite: decode client %q metadata: %w", id, err)
	}
	c.SecretHash, c.RegistrationTokenHash = nilIfEmpty(c.SecretHash), nilIfEmpty(c.RegistrationTokenHash)
	c.SecretExpiresAt, c.IssuedAt = fromMicros(exp), fromMicros(issued)
	return &c, nil
}

// UpdateClient implements store.Clients.
func (s *Store) UpdateClient(ctx context.Context, c *store.Client) error {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return fmt.Errorf("sqlite: encode client metadata: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `UPDATE clients SET secret_hash = ?, secret_expires_at = ?, registration_token_hash = ?,
		issued_at = ?, metadata = ? WHERE id = ?`, nilIfEmpty(c.SecretHash), micros(c.SecretExpiresAt), nilIfEmpty(c.RegistrationTokenHash),
		micros(c.IssuedAt), string(md), c.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update client %q: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: update client %q: %w", c.ID, store.ErrNotFound)
	}
	return nil
}

// DeleteClient implements store.Clients.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: delete client %q: %w", id, err)
	}
	defer func() { _ = tx.Rollback() }()
	res, err := tx.ExecContext(ctx, `DELETE FROM clients WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete client %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: delete client %q: %w", id, store.ErrNotFound)
	}
	for _, q := range []string{`DELETE FROM codes WHERE client_id = ?`, `DELETE FROM tokens WHERE client_id = ?`, `DELETE FROM consents WHERE client_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("sqlite: delete client %q dependents: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: delete client %q: %w", id, err)
	}
	return nil
}

// sweepLocked removes records long past expiry, at most once a minute
// (same retention as the memory store). Callers hold wmu.
func (s *Store) sweepLocked(ctx context.Context) {
	now := s.now()
	if now.Sub(s.lastSweep) < time.Minute {
		return
	}
	s.lastSweep = now
	_, _ = s.db.ExecContext(ctx, `DELETE FROM codes WHERE expires_at < ?`, now.Add(-10*time.Minute).UnixMicro())
	_, _ = s.db.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at != 0 AND expires_at < ?`, now.Add(-time.Hour).UnixMicro())
}

// SaveCode implements store.Codes.
func (s *Store) SaveCode(ctx context.Context, c *store.Code) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("sqlite: encode code: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.sweepLocked(ctx)
	_, err = s.db.ExecContext(ctx, `INSERT INTO codes (hash, client_id, data, expires_at) VALUES (?, ?, ?, ?)`,
		c.Hash, c.ClientID, string(data), micros(c.ExpiresAt))
	if isUnique(err) {
		return fmt.Errorf("sqlite: save code: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: save code: %w", err)
	}
	return nil
}

// ConsumeCode implements store.Codes.
func (s *Store) ConsumeCode(ctx context.Context, hash []byte) (*store.Code, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var data string
	var used int
	err := s.db.QueryRowContext(ctx, `SELECT data, used FROM codes WHERE hash = ?`, hash).Scan(&data, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: consume code: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: consume code: %w", err)
	}
	var c store.Code
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return nil, fmt.Errorf("sqlite: decode code: %w", err)
	}
	if used != 0 {
		return &c, fmt.Errorf("sqlite: consume code: %w", store.ErrAlreadyUsed)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE codes SET used = 1 WHERE hash = ?`, hash); err != nil {
		return nil, fmt.Errorf("sqlite: consume code: %w", err)
	}
	return &c, nil
}

// SaveToken implements store.Tokens.
func (s *Store) SaveToken(ctx context.Context, t *store.Token) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("sqlite: encode token: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.sweepLocked(ctx)
	_, err = s.db.ExecContext(ctx, `INSERT INTO tokens (hash, kind, client_id, grant_id, data, expires_at, revoked, rotated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.Hash, string(t.Kind), t.ClientID, t.GrantID, string(data), micros(t.ExpiresAt), b2i(t.Revoked), b2i(t.Rotated))
	if isUnique(err) {
		return fmt.Errorf("sqlite: save token: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: save token: %w", err)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Store) getToken(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, hash []byte) (*store.Token, error) {
	var data string
	var revoked, rotated int
	err := q.QueryRowContext(ctx, `SELECT data, revoked, rotated FROM tokens WHERE hash = ?`, hash).Scan(&data, &revoked, &rotated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var t store.Token
	if err := json.Unmarshal([]byte(data), &t); err != nil {
		return nil, fmt.Errorf("decode token: %w", err)
	}
	t.Revoked, t.Rotated = revoked != 0, rotated != 0
	return &t, nil
}

// GetToken implements store.Tokens.
func (s *Store) GetToken(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := s.getToken(ctx, s.db, hash)
	if err != nil {
		return nil, fmt.Errorf("sqlite: get token: %w", err)
	}
	return t, nil
}

// RotateToken implements store.Tokens.
func (s *Store) RotateToken(ctx context.Context, hash []byte) (*store.Token, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	t, err := s.getToken(ctx, s.db, hash)
	if err != nil {
		return nil, fmt.Errorf("sqlite: rotate token: %w", err)
	}
	if t.Rotated {
		return t, fmt.Errorf("sqlite: rotate token: %w", store.ErrAlreadyUsed)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE tokens SET rotated = 1 WHERE hash = ?`, hash); err != nil {
		return nil, fmt.Errorf("sqlite: rotate token: %w", err)
	}
	t.Rotated = true
	return t, nil
}

// RevokeToken implements store.Tokens.
func (s *Store) RevokeToken(ctx context.Context, hash []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked = 1 WHERE hash = ?`, hash)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: revoke token: %w", store.ErrNotFound)
	}
	return nil
}

// RevokeGrant implements store.Tokens.
func (s *Store) RevokeGrant(ctx context.Context, grantID string) error {
	if grantID == "" {
		return nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked = 1 WHERE grant_id = ?`, grantID); err != nil {
		return fmt.Errorf("sqlite: revoke grant: %w", err)
	}
	return nil
}

// SaveConsent implements store.Consents.
func (s *Store) SaveConsent(ctx context.Context, c *store.Consent) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO consents (subject, client_id, scope, granted) VALUES (?, ?, ?, ?)
		ON CONFLICT(subject, client_id) DO UPDATE SET scope = excluded.scope, granted = excluded.granted`,
		c.Subject, c.ClientID, c.Scope, micros(c.Granted))
	if err != nil {
		return fmt.Errorf("sqlite: save consent: %w", err)
	}
	return nil
}

// GetConsent implements store.Consents.
func (s *Store) GetConsent(ctx context.Context, subject, clientID string) (*store.Consent, error) {
	c := store.Consent{Subject: subject, ClientID: clientID}
	var granted int64
	err := s.db.QueryRowContext(ctx, `SELECT scope, granted FROM consents WHERE subject = ? AND client_id = ?`, subject, clientID).Scan(&c.Scope, &granted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: get consent: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get consent: %w", err)
	}
	c.Granted = fromMicros(granted)
	return &c, nil
}
