package memory

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server/store"
)

// TestClientTokenListCompacted: a client's list of token keys keeps keys
// of removed tokens only until they make half of it, and deleting a client
// removes its own tokens, never a token whose key came back for another.
func TestClientTokenListCompacted(t *testing.T) {
	clock := time.Now()
	s := NewWithClock(func() time.Time { return clock })
	ctx := t.Context()
	for _, id := range []string{"a", "b"} {
		require.NoError(t, s.CreateClient(ctx, &store.Client{ID: id, IssuedAt: clock}))
	}
	save := func(client, name string, ttl time.Duration) {
		t.Helper()
		require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash(name), Kind: store.AccessToken,
			ClientID: client, IssuedAt: clock, ExpiresAt: clock.Add(ttl)}))
	}
	for i := range 100 {
		save("a", fmt.Sprint("short ", i), time.Second)
	}
	save("a", "long", 24*time.Hour)
	// The short-lived tokens are swept, sweepBatch keys an insert; their
	// keys stay in a's list.
	clock = clock.Add(2 * time.Hour)
	save("a", "after sweep", 24*time.Hour)
	for i := range 40 {
		save("a", fmt.Sprint("more ", i), 24*time.Hour)
	}
	u, err := s.Usage(ctx, "a", "")
	require.NoError(t, err)
	assert.Equal(t, 42, u.ClientTokens)
	assert.LessOrEqual(t, s.byClient["a"].tokens.n, 2*42+32, "removed keys compacted away")

	// A removed token's key saved again for b stays b's when a goes.
	s.mu.Lock()
	s.removeTokenLocked(keyOf(store.Hash("more 0")))
	s.mu.Unlock()
	save("b", "more 0", 24*time.Hour)
	require.NoError(t, s.DeleteClient(ctx, "a"))
	_, err = s.GetToken(ctx, store.Hash("long"))
	require.ErrorIs(t, err, store.ErrNotFound)
	got, err := s.GetToken(ctx, store.Hash("more 0"))
	require.NoError(t, err)
	assert.Equal(t, "b", got.ClientID)
	u, err = s.Usage(ctx, "b", "")
	require.NoError(t, err)
	assert.Equal(t, 1, u.ClientTokens)
	assert.Equal(t, 1, u.Tokens)
}

// TestTokenSweepInSteps: tokens that fall due together are removed a batch
// an insert, never all under one lock, and each due key is visited once;
// a token not yet due stays listed.
func TestTokenSweepInSteps(t *testing.T) {
	clock := time.Now()
	s := NewWithClock(func() time.Time { return clock })
	ctx := t.Context()
	save := func(name string, ttl time.Duration) {
		t.Helper()
		require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash(name), Kind: store.AccessToken,
			ClientID: "c", IssuedAt: clock, ExpiresAt: clock.Add(ttl)}))
	}
	const n = 10 * sweepBatch
	for i := range n {
		save(fmt.Sprint("due ", i), time.Minute)
	}
	save("later", 3*time.Hour)
	clock = clock.Add(time.Minute + tokenRetention + 2*time.Minute)
	save("trigger", time.Hour)
	assert.Equal(t, n+2-sweepBatch, len(s.tokens), "one insert removes sweepBatch tokens")
	for i := 1; i < 10; i++ {
		save(fmt.Sprint("next ", i), time.Hour)
	}
	assert.Equal(t, 2+9, len(s.tokens), "later, trigger and the nine inserts remain")
	assert.Empty(t, s.sweeping, "the due lists are visited")
	_, err := s.GetToken(ctx, store.Hash("later"))
	assert.NoError(t, err)
}
