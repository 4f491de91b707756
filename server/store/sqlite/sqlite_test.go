package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/sqlite"
	"github.com/authspec/authspec/server/store/storetest"
)

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.RunDatabase(t, func(t testing.TB) func(testing.TB) store.Store {
		path := filepath.Join(t.TempDir(), "authspec.db")
		return func(t testing.TB) store.Store { return open(t, path) }
	})
}

// micro is the current time as the store returns it: UTC, whole microseconds.
func micro() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func TestSettings(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "authspec.db"))
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "10000",
		"user_version": fmt.Sprint(sqlite.SchemaVersion),
	} {
		got, err := sqlite.WriterPragma(ctx, s, pragma)
		require.NoError(t, err)
		assert.Equal(t, want, got, "PRAGMA %s", pragma)
	}
}

func TestFileMode(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "authspec.db")
	s := open(t, path)
	require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash("t"), Kind: store.AccessToken, ClientID: "c"}))
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "%s", filepath.Base(p))
	}
}

// TestPathIsAPath checks that a path is not read as a URI: '?', '#', '%' and
// spaces are part of the file name.
func TestPathIsAPath(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "a b?mode=ro#x%20y.db")
	s, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.SaveConsent(ctx, &store.Consent{Subject: "alice", ClientID: "c", Scope: "read", Granted: micro()}))
	require.NoError(t, s.Close())
	_, err = os.Stat(path)
	require.NoError(t, err, "the database is at the exact path")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "and nowhere else")

	// A relative path is relative to the working directory.
	t.Chdir(dir)
	s = open(t, "a b?mode=ro#x%20y.db")
	_, err = s.GetConsent(ctx, "alice", "c")
	require.NoError(t, err)
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()

	_, err := sqlite.Open(ctx, "")
	assert.Error(t, err, "empty path")

	_, err = sqlite.Open(ctx, filepath.Join(dir, "missing", "authspec.db"))
	assert.Error(t, err, "missing directory")

	garbage := filepath.Join(dir, "garbage.db")
	require.NoError(t, os.WriteFile(garbage, []byte(fmt.Sprintf("%08192d", 42)), 0o600))
	_, err = sqlite.Open(ctx, garbage)
	assert.Error(t, err, "not a database")

	// A database from a newer authspec is refused, not damaged.
	newer := filepath.Join(dir, "newer.db")
	s := open(t, newer)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", newer)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", sqlite.SchemaVersion+1))
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = sqlite.Open(ctx, newer)
	require.ErrorContains(t, err, "newer authspec")
}

func TestSweep(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "authspec.db"))
	storetest.Sweep(t, s, storetest.Clock{
		Set:  func(now func() time.Time) { sqlite.SetClock(s, now) },
		Rows: func(table string) (int, error) { return sqlite.Rows(t.Context(), s, table) },
	})
}

// openMigrated opens the database at path, of an older schema, and checks
// that it is migrated to the current one.
func openMigrated(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s := open(t, path)
	v, err := sqlite.WriterPragma(t.Context(), s, "user_version")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(sqlite.SchemaVersion), v)
	return s
}

// TestMigratesV1 opens a database in the layout of schema version 1, where
// codes and tokens were JSON documents.
func TestMigratesV1(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v1.db")
	at := micro()

	client := &store.Client{ID: "c1", SecretHash: store.Hash("secret"), IssuedAt: at,
		Metadata: store.ClientMetadata{RedirectURIs: []string{"https://a.example/cb"}, ClientName: "App"}}
	used := &store.Code{Hash: store.Hash("used"), ClientID: "c1", Subject: "alice", Scope: "read",
		Resources: []string{"https://rs.example/"}, GrantID: "g1", IssuedAt: at, ExpiresAt: at.Add(5 * time.Minute)}
	unused := &store.Code{Hash: store.Hash("unused"), ClientID: "c1", GrantID: "g2", IssuedAt: at, ExpiresAt: at.Add(5 * time.Minute)}
	rotated := &store.Token{Hash: store.Hash("rt"), Kind: store.RefreshToken, ClientID: "c1", Subject: "alice",
		Scope: "read", Resources: []string{"https://rs.example/"}, GrantID: "g1", IssuedAt: at, ExpiresAt: at.Add(time.Hour), Rotated: true}
	revoked := &store.Token{Hash: store.Hash("at"), Kind: store.AccessToken, ClientID: "c1", GrantID: "g1", IssuedAt: at, Revoked: true}
	consent := &store.Consent{Subject: "alice", ClientID: "c1", Scope: "read", Granted: at}

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `
CREATE TABLE IF NOT EXISTS clients (id TEXT PRIMARY KEY, secret_hash BLOB, secret_expires_at INTEGER NOT NULL DEFAULT 0,
	registration_token_hash BLOB, issued_at INTEGER NOT NULL, metadata TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS codes (hash BLOB PRIMARY KEY, client_id TEXT NOT NULL, data TEXT NOT NULL,
	expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS codes_client ON codes(client_id);
CREATE INDEX IF NOT EXISTS codes_expires ON codes(expires_at);
CREATE TABLE IF NOT EXISTS tokens (hash BLOB PRIMARY KEY, kind TEXT NOT NULL, client_id TEXT NOT NULL, grant_id TEXT NOT NULL,
	data TEXT NOT NULL, expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, rotated INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_grant ON tokens(grant_id);
CREATE INDEX IF NOT EXISTS tokens_client ON tokens(client_id);
CREATE TABLE IF NOT EXISTS consents (subject TEXT NOT NULL, client_id TEXT NOT NULL, scope TEXT NOT NULL,
	granted INTEGER NOT NULL, PRIMARY KEY (subject, client_id));
PRAGMA user_version = 1;`)
	require.NoError(t, err)
	md, _ := json.Marshal(client.Metadata)
	_, err = db.ExecContext(ctx, `INSERT INTO clients VALUES (?, ?, 0, NULL, ?, ?)`, client.ID, client.SecretHash, at.UnixMicro(), string(md))
	require.NoError(t, err)
	for _, c := range []struct {
		code *store.Code
		used int
	}{{used, 1}, {unused, 0}} {
		data, _ := json.Marshal(c.code)
		_, err = db.ExecContext(ctx, `INSERT INTO codes VALUES (?, ?, ?, ?, ?)`, c.code.Hash, c.code.ClientID, string(data), c.code.ExpiresAt.UnixMicro(), c.used)
		require.NoError(t, err)
	}
	for _, tk := range []*store.Token{rotated, revoked} {
		data, _ := json.Marshal(tk)
		_, err = db.ExecContext(ctx, `INSERT INTO tokens VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
			tk.Hash, string(tk.Kind), tk.ClientID, tk.GrantID, string(data), tk.Revoked, tk.Rotated)
		require.NoError(t, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO consents VALUES (?, ?, ?, ?)`, consent.Subject, consent.ClientID, consent.Scope, at.UnixMicro())
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s := openMigrated(t, path)

	gotClient, err := s.GetClient(ctx, "c1")
	require.NoError(t, err)
	assert.Equal(t, client, gotClient)
	code, err := s.ConsumeCode(ctx, used.Hash)
	assert.ErrorIs(t, err, store.ErrAlreadyUsed)
	assert.Equal(t, used, code)
	code, err = s.ConsumeCode(ctx, unused.Hash)
	assert.NoError(t, err)
	assert.Equal(t, unused, code)
	for _, want := range []*store.Token{rotated, revoked} {
		got, err := s.GetToken(ctx, want.Hash)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err = s.RotateToken(ctx, rotated.Hash)
	assert.ErrorIs(t, err, store.ErrAlreadyUsed)
	require.NoError(t, s.RevokeGrant(ctx, "g1"), "the grant index works")
	gotConsent, err := s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assert.Equal(t, consent, gotConsent)

	// Reopening a migrated database changes nothing.
	require.NoError(t, s.Close())
	s = open(t, path)
	_, err = s.ConsumeCode(ctx, unused.Hash)
	assert.ErrorIs(t, err, store.ErrAlreadyUsed)
}

// BenchmarkSaveGetToken measures issuing a token and introspecting it.
func BenchmarkSaveGetToken(b *testing.B) {
	storetest.BenchSaveGetToken(b, open(b, filepath.Join(b.TempDir(), "authspec.db")))
}

// BenchmarkSaveGetTokenParallel is BenchmarkSaveGetToken from GOMAXPROCS
// goroutines.
func BenchmarkSaveGetTokenParallel(b *testing.B) {
	storetest.BenchSaveGetTokenParallel(b, open(b, filepath.Join(b.TempDir(), "authspec.db")))
}

// TestMigratesV2 opens a database of schema version 2: clients get no
// expiry, and the counters start from the rows already there.
func TestMigratesV2(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v2.db")
	at := micro()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, sqlite.SchemaV2+"PRAGMA user_version = 2;")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO clients (id, issued_at, metadata) VALUES ('c1', ?, '{}'), ('c2', ?, '{}')`, at.UnixMicro(), at.UnixMicro())
	require.NoError(t, err)
	for i, c := range []string{"c1", "c1", "c2"} {
		_, err = db.ExecContext(ctx, `INSERT INTO tokens (hash, kind, client_id, grant_id, expires_at) VALUES (?, 'access_token', ?, 'g', ?)`,
			store.Hash(fmt.Sprint(i)), c, at.Add(time.Hour).UnixMicro())
		require.NoError(t, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO codes (hash, client_id, expires_at) VALUES (?, 'c1', ?)`, store.Hash("code"), at.Add(time.Minute).UnixMicro())
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s := openMigrated(t, path)
	c, err := s.GetClient(ctx, "c1")
	require.NoError(t, err)
	assert.True(t, c.ExpiresAt.IsZero(), "clients of version 2 never expire")
	u, err := s.Usage(ctx, "c1", "g")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 2, Codes: 1, Tokens: 3, ClientCodes: 1, ClientTokens: 2, GrantTokens: 3}, u)
	require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash("new"), Kind: store.AccessToken, ClientID: "c2", GrantID: "g2"}))
	u, err = s.Usage(ctx, "c2", "g2")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 2, Codes: 1, Tokens: 4, ClientCodes: 0, ClientTokens: 2, GrantTokens: 1}, u, "the triggers count on")
}

// TestSweepClientsMarksAndKeys: the sweep deletes expired clients with what
// was issued to them, revocation marks past their retention once the
// grant has no tokens, expired single-use keys, and empty usage rows.
func TestSweepClientsMarksAndKeys(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "authspec.db"))
	t0 := micro()
	clock := t0
	sqlite.SetClock(s, func() time.Time { return clock })
	rows := func(table string) int {
		t.Helper()
		n, err := sqlite.Rows(ctx, s, table)
		require.NoError(t, err)
		return n
	}
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "short", IssuedAt: t0, ExpiresAt: t0.Add(time.Minute)}))
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "static", IssuedAt: t0}))
	require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash("t short"), Kind: store.AccessToken, ClientID: "short", GrantID: "gs", ExpiresAt: t0.Add(time.Hour)}))
	require.NoError(t, s.SaveConsent(ctx, &store.Consent{Subject: "alice", ClientID: "short", Scope: "read", Granted: t0}))
	require.NoError(t, s.RevokeGrant(ctx, "nothing issued"))
	require.NoError(t, s.UseOnce(ctx, "k", t0.Add(10*time.Minute)))

	clock = t0.Add(2 * time.Minute)
	sqlite.SetClock(s, func() time.Time { return clock })
	require.NoError(t, s.UseOnce(ctx, "other", clock.Add(2*time.Hour))) // sweeps
	assert.Equal(t, 1, rows("clients"), "the expired client")
	assert.Equal(t, 0, rows("tokens"), "its token")
	assert.Equal(t, 0, rows("consents"), "its consent")
	assert.Equal(t, 1, rows("revoked_grants"), "a revocation mark within its retention")
	assert.Equal(t, 0, rows("client_usage"), "no usage left")

	clock = t0.Add(store.RevocationRetention + 2*time.Minute)
	sqlite.SetClock(s, func() time.Time { return clock })
	require.NoError(t, s.UseOnce(ctx, "third", clock.Add(time.Hour)))
	assert.Equal(t, 0, rows("revoked_grants"), "a mark past its retention, without tokens")
	assert.Equal(t, 2, rows("used_once"), "k expired; other and third remain")
	u, err := s.Usage(ctx, "short", "")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 1}, u)
}
