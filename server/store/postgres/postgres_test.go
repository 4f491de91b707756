package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
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
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), pgtest.URL(t))
		require.NoError(t, err)
		return s
	})
}

// micro is the current time as the store returns it: UTC, whole microseconds.
func micro() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// TestTwoStoresOneDatabase stands in for two replicas on one database:
// single use must hold across connection pools, not only within a Store.
func TestTwoStoresOneDatabase(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	const rounds, racers = 5, 50
	for round := range rounds {
		h := store.Hash(fmt.Sprint("code ", round))
		require.NoError(t, a.SaveCode(ctx, &store.Code{Hash: h, ClientID: "c", ExpiresAt: time.Now().Add(time.Minute)}))
		rt := store.Hash(fmt.Sprint("refresh ", round))
		require.NoError(t, b.SaveToken(ctx, &store.Token{Hash: rt, Kind: store.RefreshToken, ClientID: "c", GrantID: "g"}))

		var codeWins, tokenWins atomic.Int32
		start := make(chan struct{})
		done := make(chan struct{})
		for i := range racers {
			s := []*postgres.Store{a, b}[i%2]
			go func() {
				defer func() { done <- struct{}{} }()
				<-start
				_, err := s.ConsumeCode(ctx, h)
				if err == nil {
					codeWins.Add(1)
				} else if !errors.Is(err, store.ErrAlreadyUsed) {
					t.Errorf("ConsumeCode: %v", err)
				}
				_, err = s.RotateToken(ctx, rt)
				if err == nil {
					tokenWins.Add(1)
				} else if !errors.Is(err, store.ErrAlreadyUsed) {
					t.Errorf("RotateToken: %v", err)
				}
			}()
		}
		close(start)
		for range racers {
			<-done
		}
		assert.EqualValues(t, 1, codeWins.Load(), "round %d: one redemption across both stores", round)
		assert.EqualValues(t, 1, tokenWins.Load(), "round %d: one rotation across both stores", round)
	}
}

// TestRevokeGrantAcrossStores races saves of a grant's tokens at one store
// with the grant's revocation at the other: no token is left active.
func TestRevokeGrantAcrossStores(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	for round := range 20 {
		grant := fmt.Sprint("grant ", round)
		var saved [8]atomic.Bool
		start := make(chan struct{})
		done := make(chan struct{})
		for i := range len(saved) + 1 {
			go func() {
				defer func() { done <- struct{}{} }()
				<-start
				if i == len(saved) {
					assert.NoError(t, b.RevokeGrant(ctx, grant))
					return
				}
				err := a.SaveToken(ctx, &store.Token{Hash: store.Hash(fmt.Sprint(grant, i)), Kind: store.AccessToken, ClientID: "c", GrantID: grant})
				if err == nil {
					saved[i].Store(true)
				} else {
					assert.ErrorIs(t, err, store.ErrRevoked)
				}
			}()
		}
		close(start)
		for range len(saved) + 1 {
			<-done
		}
		for i := range saved {
			if !saved[i].Load() {
				continue
			}
			got, err := b.GetToken(ctx, store.Hash(fmt.Sprint(grant, i)))
			require.NoError(t, err)
			assert.True(t, got.Revoked, "round %d: token %d saved at one store while the other revoked its grant is active", round, i)
		}
	}
}

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

func TestContextCanceled(t *testing.T) {
	s := open(t, pgtest.URL(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.GetClient(ctx, "c")
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash("t"), Kind: store.AccessToken}), context.Canceled)
	_, err = s.GetToken(t.Context(), store.Hash("t"))
	assert.ErrorIs(t, err, store.ErrNotFound, "a canceled save stores nothing")
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

// TestSweep drives the sweep clock: used codes stay recognisable as replays
// ten minutes past expiry, expired tokens an hour; then they go, in
// batches, so the tables stay bounded.
func TestSweep(t *testing.T) {
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
	usage := func() store.Usage {
		t.Helper()
		u, err := s.Usage(ctx, "c", "g")
		require.NoError(t, err)
		return u
	}
	code := func(name string, expires time.Time) *store.Code {
		return &store.Code{Hash: store.Hash(name), ClientID: "c", IssuedAt: t0, ExpiresAt: expires}
	}
	tok := func(name string, expires time.Time) *store.Token {
		return &store.Token{Hash: store.Hash(name), Kind: store.RefreshToken, ClientID: "c", GrantID: "g", IssuedAt: t0, ExpiresAt: expires}
	}

	require.NoError(t, s.SaveCode(ctx, code("a", t0.Add(time.Minute))))
	require.NoError(t, s.SaveCode(ctx, code("b", t0.Add(30*time.Minute))))
	require.NoError(t, s.SaveToken(ctx, tok("short", t0.Add(time.Minute))))
	require.NoError(t, s.SaveToken(ctx, tok("forever", time.Time{})))
	require.NoError(t, s.SaveToken(ctx, tok("long", t0.Add(2*time.Hour))))
	_, err := s.ConsumeCode(ctx, store.Hash("a"))
	require.NoError(t, err)

	clock = t0.Add(5 * time.Minute)
	_, err = s.ConsumeCode(ctx, store.Hash("a"))
	assert.ErrorIs(t, err, store.ErrAlreadyUsed, "an expired code is kept for replay detection")

	clock = t0.Add(12 * time.Minute) // a's retention is over
	require.NoError(t, s.SaveCode(ctx, code("c", t0.Add(20*time.Minute))))
	_, err = s.ConsumeCode(ctx, store.Hash("a"))
	assert.ErrorIs(t, err, store.ErrNotFound, "swept")
	assert.Equal(t, 2, rows("codes"), "b and c remain")
	assert.Equal(t, 3, rows("tokens"), "tokens are kept an hour past expiry")

	// More expired codes than one sweep deletes: the sweep after it takes
	// the rest.
	require.NoError(t, postgres.Exec(ctx, s, `INSERT INTO codes (hash, client_id, redirect_uri, subject, scope,
		code_challenge, code_challenge_method, grant_id, expires_at)
		SELECT sha256(int4send(i)), 'c', '', '', '', '', '', '', $1 FROM generate_series(1, 12000) AS i`, micros(t0.Add(-time.Hour))))
	assert.Equal(t, 12002, usage().Codes)

	clock = t0.Add(62 * time.Minute)
	require.NoError(t, s.SaveToken(ctx, tok("new", clock.Add(time.Hour))))
	assert.Equal(t, 12000-10000+2, rows("codes"), "one sweep deletes at most 20 batches of 500")
	require.NoError(t, s.UseOnce(ctx, "k", clock.Add(time.Minute)))
	assert.Equal(t, 0, rows("codes"), "every code is past its retention")
	_, err = s.GetToken(ctx, store.Hash("short"))
	assert.ErrorIs(t, err, store.ErrNotFound, "an hour past expiry")
	for _, name := range []string{"forever", "long", "new"} {
		_, err := s.GetToken(ctx, store.Hash(name))
		assert.NoError(t, err, name)
	}
	assert.Equal(t, store.Usage{Tokens: 3, ClientTokens: 3, GrantTokens: 3}, usage(), "the counters follow the sweep")
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func benchToken(i uint64) *store.Token {
	at := time.Now()
	return &store.Token{Hash: store.Hash(fmt.Sprint("bench ", i)), Kind: store.AccessToken, ClientID: "bench",
		Subject: "alice", Scope: "read", Resources: []string{"https://rs.example/"}, GrantID: fmt.Sprint("grant ", i%64),
		IssuedAt: at, ExpiresAt: at.Add(time.Hour)}
}

// BenchmarkSaveGetToken: SaveToken and GetToken, one after the other, on a
// PostgreSQL server of the test's own (internal/pgtest).
func BenchmarkSaveGetToken(b *testing.B) {
	ctx := b.Context()
	s := open(b, pgtest.URL(b))
	var i uint64
	for b.Loop() {
		i++
		tk := benchToken(i)
		if err := s.SaveToken(ctx, tk); err != nil {
			b.Fatal(err)
		}
		if _, err := s.GetToken(ctx, tk.Hash); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveGetTokenParallel is BenchmarkSaveGetToken from GOMAXPROCS
// goroutines.
func BenchmarkSaveGetTokenParallel(b *testing.B) {
	ctx := b.Context()
	s := open(b, pgtest.URL(b))
	var n atomic.Uint64
	b.ResetTimer() // creating the database is no part of it
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tk := benchToken(n.Add(1))
			if err := s.SaveToken(ctx, tk); err != nil {
				b.Error(err)
				return
			}
			if _, err := s.GetToken(ctx, tk.Hash); err != nil {
				b.Error(err)
				return
			}
		}
	})
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
