package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertOneWins checks the errors of the racers of a round of a single-use
// operation (what the winner does): exactly one racer succeeds and every
// other sees a replay. check checks the record each of them got.
func assertOneWins(t *testing.T, round int, what string, errs []error, check func(i int)) {
	t.Helper()
	wins, replays := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, store.ErrAlreadyUsed):
			replays++
		default:
			t.Errorf("round %d, racer %d: %v", round, i, err)
			continue
		}
		check(i)
	}
	assert.Equal(t, 1, wins, "round %d: exactly one racer %s", round, what)
	assert.Equal(t, racers-1, replays, "round %d: every other racer sees a replay", round)
}

// race runs fn(0..n-1) in n goroutines released at once and waits for them.
func race(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

func testConcurrentConsumeCode(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	for round := range 3 {
		code := fullCode(fmt.Sprint("race ", round), "c", at)
		require.NoError(t, s.SaveCode(ctx, code))
		codes := make([]*store.Code, racers)
		errs := make([]error, racers)
		race(racers, func(i int) { codes[i], errs[i] = s.ConsumeCode(ctx, code.Hash) })
		assertOneWins(t, round, "redeems the code", errs, func(i int) {
			assertSame(t, code, codes[i], "round %d, racer %d", round, i)
		})
	}
}

func testConcurrentRotateToken(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	for round := range 3 {
		tk := token(fmt.Sprint("race ", round), store.RefreshToken, "c", "g", at)
		require.NoError(t, s.SaveToken(ctx, tk))
		want := *tk
		want.Rotated = true
		toks := make([]*store.Token, racers)
		errs := make([]error, racers)
		race(racers, func(i int) { toks[i], errs[i] = s.RotateToken(ctx, tk.Hash) })
		assertOneWins(t, round, "rotates the token", errs, func(i int) {
			assertSame(t, &want, toks[i], "round %d, racer %d", round, i)
		})
	}
}

func testConcurrentCreateClient(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	clients := make([]*store.Client, racers)
	for i := range clients {
		clients[i] = fullClient(t, "contended", at)
		clients[i].Metadata.ClientName = fmt.Sprint("racer ", i)
	}
	errs := make([]error, racers)
	race(racers, func(i int) { errs[i] = s.CreateClient(ctx, clients[i]) })

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("racers %d and %d both created the client", winner, i)
			}
			winner = i
		case !errors.Is(err, store.ErrExists):
			t.Errorf("racer %d: %v", i, err)
		}
	}
	require.GreaterOrEqual(t, winner, 0, "one racer creates the client")
	got, err := s.GetClient(ctx, "contended")
	require.NoError(t, err)
	assertSame(t, clients[winner], got, "the stored client is the winner's")
}

// testConcurrentRevokeAndRotate races rotations with revocations of the same
// tokens: both must stick, whatever the order (no lost updates).
func testConcurrentRevokeAndRotate(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	const n = 20
	toks := make([]*store.Token, n)
	for i := range toks {
		toks[i] = token(fmt.Sprint("family ", i), store.RefreshToken, "c", "family", at)
		require.NoError(t, s.SaveToken(ctx, toks[i]))
	}
	race(3*n, func(i int) {
		tk := toks[i%n]
		switch i / n {
		case 0:
			_, err := s.RotateToken(ctx, tk.Hash)
			assert.NoError(t, err, "RotateToken %d", i%n)
		case 1:
			assert.NoError(t, s.RevokeToken(ctx, tk.Hash), "RevokeToken %d", i%n)
		default:
			assert.NoError(t, s.RevokeGrant(ctx, "family"), "RevokeGrant")
		}
	})
	for i, tk := range toks {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		want := *tk
		want.Revoked, want.Rotated = true, true
		assertSame(t, &want, got, "token %d", i)
	}
}

// testConcurrentMixed runs whole client lifecycles side by side; every call
// must succeed (a store must not report contention as an error).
func testConcurrentMixed(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	race(racers, func(i int) {
		id := fmt.Sprint("client-", i)
		grant := "grant of " + id
		ok := func(err error, what string) bool { return assert.NoError(t, err, "%s: %s", id, what) }

		c := &store.Client{ID: id, SecretHash: store.Hash(id), IssuedAt: at,
			Metadata: store.ClientMetadata{RedirectURIs: []string{"https://" + id + ".example/cb"}}}
		if !ok(s.CreateClient(ctx, c), "CreateClient") {
			return
		}
		_, err := s.GetClient(ctx, id)
		ok(err, "GetClient")
		c.Metadata.ClientName = "updated"
		ok(s.UpdateClient(ctx, c), "UpdateClient")
		ok(s.SaveConsent(ctx, consent("alice", id, "read", at)), "SaveConsent")
		_, err = s.GetConsent(ctx, "alice", id)
		ok(err, "GetConsent")

		code := fullCode(id, id, at)
		ok(s.SaveCode(ctx, code), "SaveCode")
		_, err = s.ConsumeCode(ctx, code.Hash)
		ok(err, "ConsumeCode")
		access := token(id+" access", store.AccessToken, id, grant, at)
		refresh := token(id+" refresh", store.RefreshToken, id, grant, at)
		ok(s.SaveToken(ctx, access), "SaveToken access")
		ok(s.SaveToken(ctx, refresh), "SaveToken refresh")
		_, err = s.GetToken(ctx, access.Hash)
		ok(err, "GetToken")
		_, err = s.RotateToken(ctx, refresh.Hash)
		ok(err, "RotateToken")
		next := token(id+" next", store.RefreshToken, id, grant, at)
		ok(s.SaveToken(ctx, next), "SaveToken next")

		switch i % 3 {
		case 0:
			ok(s.DeleteClient(ctx, id), "DeleteClient")
		case 1:
			ok(s.RevokeGrant(ctx, grant), "RevokeGrant")
		default:
			_, err = s.ConsumeCode(ctx, code.Hash)
			assert.ErrorIs(t, err, store.ErrAlreadyUsed, "%s: replayed code", id)
		}
	})

	for i := range racers {
		id := fmt.Sprint("client-", i)
		grant := "grant of " + id
		next, err := s.GetToken(ctx, store.Hash("token "+id+" next"))
		switch i % 3 {
		case 0:
			_, err := s.GetClient(ctx, id)
			assert.ErrorIs(t, err, store.ErrNotFound, "%s deleted", id)
		case 1:
			if assert.NoError(t, err, id) {
				assert.True(t, next.Revoked, "%s: grant revoked", id)
				assert.Equal(t, grant, next.GrantID)
			}
		default:
			if assert.NoError(t, err, id) {
				assert.False(t, next.Revoked, "%s: untouched", id)
			}
			got, err := s.GetClient(ctx, id)
			if assert.NoError(t, err, id) {
				assert.Equal(t, "updated", got.Metadata.ClientName)
			}
		}
	}
}

// testConcurrentRevokeGrantAndSave races issuance with revocation of one
// grant: whatever the interleaving, no token of the grant is left active.
func testConcurrentRevokeGrantAndSave(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	const rounds, savers = 20, 8
	for round := range rounds {
		grant := fmt.Sprint("grant ", round)
		var mu sync.Mutex
		var saved []*store.Token
		race(savers+1, func(i int) {
			if i == savers {
				assert.NoError(t, s.RevokeGrant(ctx, grant))
				return
			}
			tk := token(fmt.Sprint(grant, " token ", i), store.AccessToken, "c", grant, at)
			err := s.SaveToken(ctx, tk)
			if err == nil {
				mu.Lock()
				saved = append(saved, tk)
				mu.Unlock()
				return
			}
			assert.ErrorIs(t, err, store.ErrRevoked, "SaveToken %d", i)
		})
		for _, tk := range saved {
			got, err := s.GetToken(ctx, tk.Hash)
			require.NoError(t, err)
			assert.True(t, got.Revoked, "round %d: a token saved while its grant was being revoked is active", round)
		}
		assert.ErrorIs(t, s.SaveToken(ctx, token(grant+" late", store.AccessToken, "c", grant, at)), store.ErrRevoked)
	}
}
