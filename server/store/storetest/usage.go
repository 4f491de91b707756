package storetest

import (
	"fmt"
	"testing"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testUsage(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	u, err := s.Usage(ctx, "a", "ga")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{}, u, "an empty store")

	for _, id := range []string{"a", "b"} {
		require.NoError(t, s.CreateClient(ctx, &store.Client{ID: id, IssuedAt: at}))
	}
	for i := range 3 {
		require.NoError(t, s.SaveCode(ctx, fullCode(fmt.Sprint("a", i), "a", at)))
		require.NoError(t, s.SaveToken(ctx, token(fmt.Sprint("a", i), store.AccessToken, "a", "ga", at)))
	}
	require.NoError(t, s.SaveCode(ctx, fullCode("b", "b", at)))
	require.NoError(t, s.SaveToken(ctx, token("b", store.AccessToken, "b", "gb", at)))
	require.NoError(t, s.SaveToken(ctx, token("a other", store.AccessToken, "a", "ga2", at)))

	u, err = s.Usage(ctx, "a", "ga")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 2, Codes: 4, Tokens: 5, ClientCodes: 3, ClientTokens: 4, GrantTokens: 3}, u)
	u, err = s.Usage(ctx, "", "")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 2, Codes: 4, Tokens: 5}, u, "nothing is counted for the empty client or grant")

	require.NoError(t, s.DeleteClient(ctx, "a"))
	u, err = s.Usage(ctx, "a", "ga")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 1, Codes: 1, Tokens: 1}, u, "after DeleteClient")
	u, err = s.Usage(ctx, "b", "gb")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 1, Codes: 1, Tokens: 1, ClientCodes: 1, ClientTokens: 1, GrantTokens: 1}, u)
}
