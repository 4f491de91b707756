package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server/store"
)

// NewDatabase creates a new, empty database for the test t and returns a
// function that opens a Store on it; each Store it opens is closed when the
// test that opened it ends (closing it before is allowed).
type NewDatabase func(t testing.TB) (open func(t testing.TB) store.Store)

// RunDatabase runs the contract suite (see [Run]) on a store whose database
// several Stores open at once, as the processes or replicas of a server do
// (SQLite, PostgreSQL), and then the tests of such a store: what one Store
// writes, another reads; single use and revocation hold across them; a
// Store survives a restart. Each subtest gets a database from newDB.
func RunDatabase(t *testing.T, newDB NewDatabase) {
	t.Helper()
	Run(t, func(t *testing.T) store.Store { return newDB(t)(t) })
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, open func(t testing.TB) store.Store)
	}{
		{"PersistsAcrossRestart", testPersistsAcrossRestart},
		{"SingleUseAcrossStores", testSingleUseAcrossStores},
		{"RevokeGrantAcrossStores", testRevokeGrantAcrossStores},
		{"ContextCanceled", testContextCanceled},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newDB(t)) })
	}
}

// micro is the current time as a store returns it: UTC, whole microseconds.
func micro() time.Time { return time.Now().UTC().Truncate(Precision) }

func testPersistsAcrossRestart(t *testing.T, open func(t testing.TB) store.Store) {
	ctx := t.Context()
	at := micro()

	client := &store.Client{
		ID: "c1", SecretHash: store.Hash("secret"), SecretExpiresAt: at.Add(24 * time.Hour),
		RegistrationTokenHash: store.Hash("rat"), IssuedAt: at,
		Metadata: store.ClientMetadata{
			RedirectURIs: []string{"https://a.example/cb", "http://127.0.0.1/cb"}, TokenEndpointAuthMethod: "client_secret_basic",
			GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"},
			ClientName: "App", Scope: "read write", Contacts: []string{"ops@a.example"}, SoftwareID: "sw", SoftwareVersion: "1",
		},
	}
	public := &store.Client{ID: "pub", IssuedAt: at, Metadata: store.ClientMetadata{TokenEndpointAuthMethod: "none"}}
	used := &store.Code{Hash: store.Hash("used"), ClientID: "c1", RedirectURI: "https://a.example/cb", Subject: "alice",
		Scope: "read", Resources: []string{"https://rs.example/"}, CodeChallenge: "ch", CodeChallengeMethod: "S256",
		GrantID: "g1", IssuedAt: at, ExpiresAt: at.Add(5 * time.Minute)}
	unused := &store.Code{Hash: store.Hash("unused"), ClientID: "pub", Subject: "bob", GrantID: "g2", IssuedAt: at, ExpiresAt: at.Add(5 * time.Minute)}
	access := &store.Token{Hash: store.Hash("at"), Kind: store.AccessToken, ClientID: "c1", Subject: "alice", Scope: "read",
		Resources: []string{"https://rs.example/"}, GrantID: "g1", IssuedAt: at, ExpiresAt: at.Add(time.Hour)}
	refresh := &store.Token{Hash: store.Hash("rt"), Kind: store.RefreshToken, ClientID: "c1", Subject: "alice", Scope: "read",
		GrantID: "g1", IssuedAt: at, ExpiresAt: at.Add(24 * time.Hour)}
	revoked := &store.Token{Hash: store.Hash("revoked"), Kind: store.AccessToken, ClientID: "pub", GrantID: "g3", IssuedAt: at}
	consent := &store.Consent{Subject: "alice", ClientID: "c1", Scope: "read", Granted: at}

	s := open(t)
	require.NoError(t, s.CreateClient(ctx, client))
	require.NoError(t, s.CreateClient(ctx, public))
	require.NoError(t, s.SaveCode(ctx, used))
	require.NoError(t, s.SaveCode(ctx, unused))
	_, err := s.ConsumeCode(ctx, used.Hash)
	require.NoError(t, err)
	for _, tk := range []*store.Token{access, refresh, revoked} {
		require.NoError(t, s.SaveToken(ctx, tk))
	}
	_, err = s.RotateToken(ctx, refresh.Hash)
	require.NoError(t, err)
	require.NoError(t, s.RevokeToken(ctx, revoked.Hash))
	require.NoError(t, s.SaveConsent(ctx, consent))
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")

	s = open(t)
	for _, want := range []*store.Client{client, public} {
		got, err := s.GetClient(ctx, want.ID)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	got, err := s.GetClient(ctx, "pub")
	require.NoError(t, err)
	assert.True(t, got.Public())
	got, err = s.GetClient(ctx, "c1")
	require.NoError(t, err)
	assert.True(t, store.EqualHash(got.SecretHash, "secret"))

	code, err := s.ConsumeCode(ctx, used.Hash)
	assert.ErrorIs(t, err, store.ErrAlreadyUsed, "a code used before the restart stays used")
	assert.Equal(t, used, code)
	code, err = s.ConsumeCode(ctx, unused.Hash)
	assert.NoError(t, err, "a code unused before the restart can be redeemed after it")
	assert.Equal(t, unused, code)

	gotTok, err := s.GetToken(ctx, access.Hash)
	require.NoError(t, err)
	assert.Equal(t, access, gotTok)
	assert.True(t, gotTok.Active(at))

	wantRefresh := *refresh
	wantRefresh.Rotated = true
	gotTok, err = s.GetToken(ctx, refresh.Hash)
	require.NoError(t, err)
	assert.Equal(t, &wantRefresh, gotTok)
	_, err = s.RotateToken(ctx, refresh.Hash)
	assert.ErrorIs(t, err, store.ErrAlreadyUsed, "a token rotated before the restart stays rotated")

	wantRevoked := *revoked
	wantRevoked.Revoked = true
	gotTok, err = s.GetToken(ctx, revoked.Hash)
	require.NoError(t, err)
	assert.Equal(t, &wantRevoked, gotTok)

	gotConsent, err := s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assert.Equal(t, consent, gotConsent)
}

// testSingleUseAcrossStores stands in for two processes or replicas on one
// database: single use must hold across their connections, not only within
// a Store.
func testSingleUseAcrossStores(t *testing.T, open func(t testing.TB) store.Store) {
	ctx := t.Context()
	stores := []store.Store{open(t), open(t)}
	for round := range 5 {
		h := store.Hash(fmt.Sprint("code ", round))
		require.NoError(t, stores[0].SaveCode(ctx, &store.Code{Hash: h, ClientID: "c", ExpiresAt: time.Now().Add(time.Minute)}))
		rt := store.Hash(fmt.Sprint("refresh ", round))
		require.NoError(t, stores[1].SaveToken(ctx, &store.Token{Hash: rt, Kind: store.RefreshToken, ClientID: "c", GrantID: "g"}))

		var codeWins, tokenWins atomic.Int32
		race(racers, func(i int) {
			s := stores[i%2]
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
		})
		assert.EqualValues(t, 1, codeWins.Load(), "round %d: one redemption across both stores", round)
		assert.EqualValues(t, 1, tokenWins.Load(), "round %d: one rotation across both stores", round)
	}
}

// testRevokeGrantAcrossStores races saves of a grant's tokens at one store
// with the grant's revocation at the other: no token is left active.
func testRevokeGrantAcrossStores(t *testing.T, open func(t testing.TB) store.Store) {
	ctx := t.Context()
	a, b := open(t), open(t)
	for round := range 20 {
		grant := fmt.Sprint("grant ", round)
		var saved [8]atomic.Bool
		race(len(saved)+1, func(i int) {
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
		})
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

// testContextCanceled: a canceled context fails the call, and a save that
// fails stores nothing.
func testContextCanceled(t *testing.T, open func(t testing.TB) store.Store) {
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.GetClient(ctx, "c")
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash("t"), Kind: store.AccessToken}), context.Canceled)
	_, err = s.GetToken(t.Context(), store.Hash("t"))
	assert.ErrorIs(t, err, store.ErrNotFound, "a canceled save stores nothing")
}

// Clock gives a test the clock of a store, and a look at its tables.
type Clock struct {
	// Set replaces the store's clock, and makes a sweep due.
	Set func(now func() time.Time)
	// Rows counts the rows of a table.
	Rows func(table string) (int, error)
}

// Sweep drives the clock of s, a store that sweeps expired records at most
// once a minute, as the SQL stores do: used codes stay recognisable as
// replays ten minutes past expiry, expired tokens an hour; then they go, so
// the tables stay bounded, and the usage counters follow.
func Sweep(t *testing.T, s store.Store, c Clock) {
	ctx := t.Context()
	t0 := micro()
	clock := t0
	c.Set(func() time.Time { return clock })
	rows := func(table string) int {
		t.Helper()
		n, err := c.Rows(table)
		require.NoError(t, err)
		return n
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

	for i := range 100 { // sweeps run at most once a minute
		clock = t0.Add(12*time.Minute + time.Duration(i)*100*time.Millisecond)
		require.NoError(t, s.SaveCode(ctx, code(fmt.Sprint("expired ", i), t0.Add(-time.Hour))))
	}
	assert.Equal(t, 102, rows("codes"))

	clock = t0.Add(62 * time.Minute)
	require.NoError(t, s.SaveToken(ctx, tok("new", clock.Add(time.Hour))))
	assert.Equal(t, 0, rows("codes"), "every code is past its retention")
	_, err = s.GetToken(ctx, store.Hash("short"))
	assert.ErrorIs(t, err, store.ErrNotFound, "an hour past expiry")
	for _, name := range []string{"forever", "long", "new"} {
		_, err := s.GetToken(ctx, store.Hash(name))
		assert.NoError(t, err, name)
	}
	u, err := s.Usage(ctx, "c", "g")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Tokens: 3, ClientTokens: 3, GrantTokens: 3}, u, "the counters follow the sweep")
}

// benchToken is the i-th token of the benchmarks, of one of 64 grants.
func benchToken(i uint64) *store.Token {
	at := time.Now()
	return &store.Token{Hash: store.Hash(fmt.Sprint("bench ", i)), Kind: store.AccessToken, ClientID: "bench",
		Subject: "alice", Scope: "read", Resources: []string{"https://rs.example/"}, GrantID: fmt.Sprint("grant ", i%64),
		IssuedAt: at, ExpiresAt: at.Add(time.Hour)}
}

// BenchSaveGetToken measures SaveToken and GetToken, one after the other:
// issuing a token and introspecting it.
func BenchSaveGetToken(b *testing.B, s store.Store) {
	ctx := b.Context()
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

// BenchSaveGetTokenParallel is BenchSaveGetToken from GOMAXPROCS
// goroutines.
func BenchSaveGetTokenParallel(b *testing.B, s store.Store) {
	ctx := b.Context()
	var n atomic.Uint64
	b.ResetTimer() // opening the store is no part of it
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
