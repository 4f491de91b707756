package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/internal/pgtest"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/postgres"
	"github.com/authspec/authspec/server/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t testing.TB, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.RunDatabase(t, func(t testing.TB) func(testing.TB) store.Store {
		url := pgtest.URL(t)
		return func(t testing.TB) store.Store { return open(t, url) }
	})
}

// micro is the current time as the store returns it: UTC, whole microseconds.
func micro() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// TestOpenTwiceAtOnce: replicas starting together on an empty database
// create the schema once.
func TestOpenTwiceAtOnce(t *testing.T) {
	url := pgtest.URL(t)
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			s, err := postgres.Open(t.Context(), url)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		assert.NoError(t, <-errs)
	}
	s := open(t, url)
	require.NoError(t, s.CreateClient(t.Context(), &store.Client{ID: "c", IssuedAt: micro()}))
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	_, err := postgres.Open(ctx, "")
	assert.Error(t, err, "empty URL")
	_, err = postgres.Open(ctx, "postgres://u:hunter2@127.0.0.1:notaport/db")
	if assert.Error(t, err, "bad port") {
		assert.NotContains(t, err.Error(), "hunter2", "the password is not in errors")
	}

	// A database from a newer authspec is refused, not damaged.
	newer := pgtest.URL(t)
	s := open(t, newer)
	require.NoError(t, postgres.Exec(ctx, s, `UPDATE authspec_schema SET version = $1`, postgres.SchemaVersion+1))
	require.NoError(t, s.Close())
	_, err = postgres.Open(ctx, newer)
	require.ErrorContains(t, err, "newer authspec")

	// A database that holds other tables of the same names is not taken over.
	other := pgtest.URL(t)
	s = open(t, other)
	require.NoError(t, postgres.Exec(ctx, s, `DROP TABLE authspec_schema CASCADE`))
	require.NoError(t, s.Close())
	_, err = postgres.Open(ctx, other)
	assert.ErrorContains(t, err, "already exists")
}

func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a safety net
	defer cancel()
	_, err := postgres.Open(ctx, "postgres://authspec:pw-never-shown@127.0.0.1:1/authspec?sslmode=disable&connect_timeout=30")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "pw-never-shown")
	assert.Contains(t, err.Error(), "127.0.0.1")
}

// TestAnyBytes: strings that PostgreSQL's text cannot hold (NUL, invalid
// UTF-8) come back as they went in, and lookups of them find nothing
// rather than fail.
func TestAnyBytes(t *testing.T) {
	ctx := t.Context()
	s := open(t, pgtest.URL(t))
	for _, id := range []string{"a\x00b", "\xff\xfe", strings.Repeat("é", 100)} {
		_, err := s.GetClient(ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound, "%q", id)
		c := &store.Client{ID: id, IssuedAt: micro()}
		require.NoError(t, s.CreateClient(ctx, c), "%q", id)
		got, err := s.GetClient(ctx, id)
		require.NoError(t, err, "%q", id)
		assert.Equal(t, id, got.ID)
		tk := &store.Token{Hash: store.Hash(id), Kind: store.AccessToken, ClientID: id, Subject: id, Scope: id, GrantID: id}
		require.NoError(t, s.SaveToken(ctx, tk))
		gotTok, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		assert.Equal(t, tk, gotTok)
		require.NoError(t, s.RevokeGrant(ctx, id))
		u, err := s.Usage(ctx, id, id)
		require.NoError(t, err)
		assert.Equal(t, 1, u.ClientTokens)
		assert.Equal(t, 1, u.GrantTokens)
	}
}

func TestSweep(t *testing.T) {
	s := open(t, pgtest.URL(t))
	storetest.Sweep(t, s, storetest.Clock{
		Set:  func(now func() time.Time) { postgres.SetClock(s, now) },
		Rows: func(table string) (int, error) { return postgres.Rows(t.Context(), s, table) },
	})
}

// TestSweepBatches: a sweep deletes at most 20 batches of 500 rows of a
// kind, and the sweep after it, due at once, takes the rest.
func TestSweepBatches(t *testing.T) {
	ctx := t.Context()
	s := open(t, pgtest.URL(t))
	t0 := micro()
	clock := t0
	postgres.SetClock(s, func() time.Time { return clock })
	rows := func(table string) int {
		t.Helper()
		n, err := postgres.Rows(ctx, s, table)
		require.NoError(t, err)
		return n
	}
	require.NoError(t, s.UseOnce(ctx, "k0", clock.Add(time.Minute))) // sweeps nothing
	require.NoError(t, postgres.Exec(ctx, s, `INSERT INTO codes (hash, client_id, redirect_uri, subject, scope,
		code_challenge, code_challenge_method, grant_id, expires_at)
		SELECT sha256(int4send(i)), 'c', '', '', '', '', '', '', $1 FROM generate_series(1, 12000) AS i`, micros(t0.Add(-time.Hour))))
	u, err := s.Usage(ctx, "c", "")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Codes: 12000, ClientCodes: 12000}, u)

	clock = t0.Add(2 * time.Minute)
	require.NoError(t, s.UseOnce(ctx, "k1", clock.Add(time.Minute)))
	assert.Equal(t, 12000-10000, rows("codes"), "one sweep deletes at most 20 batches of 500")
	require.NoError(t, s.UseOnce(ctx, "k2", clock.Add(time.Minute)))
	assert.Equal(t, 0, rows("codes"), "the next sweep is due at once")
	u, err = s.Usage(ctx, "c", "")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{}, u, "the counters follow the sweep")
}

func micros(t time.Time) int64 { return t.UnixMicro() }

// BenchmarkSaveGetToken: SaveToken and GetToken, one after the other, on a
// PostgreSQL server of the test's own (internal/pgtest).
func BenchmarkSaveGetToken(b *testing.B) { storetest.BenchSaveGetToken(b, open(b, pgtest.URL(b))) }

// BenchmarkSaveGetTokenParallel is BenchmarkSaveGetToken from GOMAXPROCS
// goroutines.
func BenchmarkSaveGetTokenParallel(b *testing.B) {
	storetest.BenchSaveGetTokenParallel(b, open(b, pgtest.URL(b)))
}

// TestSweepClients: expired clients go with what was issued to them, and
// the counters follow.
func TestSweepClients(t *testing.T) {
	ctx := t.Context()
	s := open(t, pgtest.URL(t))
	t0 := micro()
	clock := t0
	postgres.SetClock(s, func() time.Time { return clock })
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "live", IssuedAt: t0}))
	for i := range 50 {
		id := fmt.Sprint("expiring ", i)
		require.NoError(t, s.CreateClient(ctx, &store.Client{ID: id, IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash(id), Kind: store.AccessToken, ClientID: id, GrantID: id, IssuedAt: t0}))
		require.NoError(t, s.SaveCode(ctx, &store.Code{Hash: store.Hash(id), ClientID: id, IssuedAt: t0, ExpiresAt: t0.Add(2 * time.Hour)}))
		require.NoError(t, s.SaveConsent(ctx, &store.Consent{Subject: "alice", ClientID: id, Scope: "read", Granted: t0}))
	}
	u, err := s.Usage(ctx, "expiring 0", "")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 51, Codes: 50, Tokens: 50, ClientCodes: 1, ClientTokens: 1}, u)

	clock = t0.Add(61 * time.Minute)
	require.NoError(t, s.UseOnce(ctx, "k", clock.Add(time.Minute)))
	u, err = s.Usage(ctx, "expiring 0", "")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 1}, u, "the expired clients, their codes and tokens are swept")
	for _, table := range []string{"clients", "codes", "tokens", "consents", "client_codes", "client_tokens"} {
		n, err := postgres.Rows(ctx, s, table)
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"clients": 1}[table], n, table)
	}
}
