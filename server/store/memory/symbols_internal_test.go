package memory

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server/store"
)

// TestSymbolsReleased: the strings of token records live as long as the
// tokens that name them, so that a store of short-lived grants does not
// grow its symbol table without end.
func TestSymbolsReleased(t *testing.T) {
	s := New()
	ctx := t.Context()
	at := time.Now()
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "c", IssuedAt: at}))
	for i := range 50 {
		require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash(fmt.Sprint("token ", i)), Kind: store.AccessToken,
			ClientID: "c", Subject: "alice", Scope: "read", GrantID: fmt.Sprint("grant ", i), JKT: "jkt",
			Resources: []string{"https://rs.example/a", "https://rs.example/b"}, IssuedAt: at, ExpiresAt: at.Add(time.Hour)}))
	}
	assert.Len(t, s.syms.ids, 50+6, "one symbol per grant, one for each shared string")
	got, err := s.GetToken(ctx, store.Hash("token 7"))
	require.NoError(t, err)
	assert.Equal(t, []string{"https://rs.example/a", "https://rs.example/b"}, got.Resources)
	assert.Equal(t, "grant 7", got.GrantID)
	assert.True(t, got.ExpiresAt.Equal(at.Add(time.Hour)))

	require.NoError(t, s.DeleteClient(ctx, "c"))
	assert.Empty(t, s.syms.ids, "every symbol released with the client's tokens")
	assert.Len(t, s.syms.free, 56, "their slots are reused")
}
