package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testCodeRoundTripSingleUse(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "c", IssuedAt: at}))

	full := fullCode("full", "c", at)
	requireComplete(t, full)
	other := fullCode("other", "c", at)
	require.NoError(t, s.SaveCode(ctx, full))
	require.NoError(t, s.SaveCode(ctx, other))

	got, err := s.ConsumeCode(ctx, full.Hash)
	require.NoError(t, err, "first redemption")
	assertSame(t, full, got)

	for i := range 3 {
		got, err := s.ConsumeCode(ctx, full.Hash)
		require.ErrorIs(t, err, store.ErrAlreadyUsed, "redemption %d", i+2)
		require.NotNil(t, got, "a replayed code is returned so that the caller can revoke its grant")
		assertSame(t, full, got)
	}

	got, err = s.ConsumeCode(ctx, other.Hash)
	require.NoError(t, err, "consuming one code leaves the others unused")
	assertSame(t, other, got)

	// A minimal code (a public client that sent no redirect_uri, no PKCE, no
	// resource) round-trips with its empty fields empty.
	minimal := &store.Code{Hash: store.Hash("code minimal"), ClientID: "c", GrantID: "g-min", IssuedAt: at, ExpiresAt: at.Add(time.Minute)}
	require.NoError(t, s.SaveCode(ctx, minimal))
	got, err = s.ConsumeCode(ctx, minimal.Hash)
	require.NoError(t, err)
	assertSame(t, minimal, got)
	assert.Empty(t, got.Resources)
	assert.Empty(t, got.RedirectURI)

	// Empty (not nil) resources are as good as none.
	empty := &store.Code{Hash: store.Hash("code empty"), ClientID: "c", Resources: []string{}, IssuedAt: at, ExpiresAt: at.Add(time.Minute)}
	require.NoError(t, s.SaveCode(ctx, empty))
	got, err = s.ConsumeCode(ctx, empty.Hash)
	require.NoError(t, err)
	assert.Empty(t, got.Resources)
}

func testCodeNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.SaveCode(ctx, fullCode("present", "c", at)))
	for name, h := range map[string][]byte{
		"unknown": store.Hash("code absent"),
		"nil":     nil,
		"empty":   {},
		"prefix":  store.Hash("code present")[:16],
	} {
		got, err := s.ConsumeCode(ctx, h)
		assert.ErrorIs(t, err, store.ErrNotFound, "%s hash", name)
		assert.Nil(t, got, "%s hash", name)
	}
	_, err := s.ConsumeCode(ctx, store.Hash("code present"))
	assert.NoError(t, err, "failed lookups do not consume other codes")
}

func testSaveCodeExists(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := fullCode("dup", "c", at)
	require.NoError(t, s.SaveCode(ctx, c))

	other := fullCode("dup", "attacker", at.Add(time.Minute))
	other.Scope = "admin"
	require.ErrorIs(t, s.SaveCode(ctx, other), store.ErrExists)

	got, err := s.ConsumeCode(ctx, c.Hash)
	require.NoError(t, err)
	assertSame(t, c, got, "a failed save leaves the stored code alone")

	// Saving a used code again must not make it redeemable again.
	require.ErrorIs(t, s.SaveCode(ctx, fullCode("dup", "c", at)), store.ErrExists)
	_, err = s.ConsumeCode(ctx, c.Hash)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
}

// testBinaryHashKeys checks that hashes are keys as raw bytes: NUL and
// non-UTF-8 bytes, prefixes and near misses are all distinct.
func testBinaryHashKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	base := make([]byte, 32)
	for i := range base {
		base[i] = byte(i * 37) // 0x00 first, non-UTF-8 bytes later
	}
	lastFlipped := append([]byte(nil), base...)
	lastFlipped[31] ^= 0xff
	hashes := map[string][]byte{
		"base":         base,
		"last flipped": lastFlipped,
		"prefix":       append([]byte(nil), base[:31]...),
		"all zero":     make([]byte, 32),
		"all ones":     []byte(strings.Repeat("\xff", 32)),
	}
	for name, h := range hashes {
		c := &store.Code{Hash: h, ClientID: name, IssuedAt: at, ExpiresAt: at.Add(time.Minute)}
		require.NoError(t, s.SaveCode(ctx, c), "code %s", name)
		tk := &store.Token{Hash: h, Kind: store.AccessToken, ClientID: name, GrantID: name, IssuedAt: at}
		require.NoError(t, s.SaveToken(ctx, tk), "token %s", name)
	}
	for name, h := range hashes {
		c, err := s.ConsumeCode(ctx, h)
		if assert.NoError(t, err, "code %s", name) {
			assert.Equal(t, name, c.ClientID, "code %s", name)
			assert.Equal(t, h, c.Hash, "code %s", name)
		}
		tk, err := s.GetToken(ctx, h)
		if assert.NoError(t, err, "token %s", name) {
			assert.Equal(t, name, tk.ClientID, "token %s", name)
			assert.Equal(t, h, tk.Hash, "token %s", name)
		}
	}
	require.NoError(t, s.RevokeToken(ctx, base))
	tk, err := s.GetToken(ctx, lastFlipped)
	require.NoError(t, err)
	assert.False(t, tk.Revoked, "revoking one hash does not revoke a near miss")
}

func testGetCode(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := fullCode("read", "c", at)
	require.NoError(t, s.SaveCode(ctx, c))
	for range 2 {
		got, err := s.GetCode(ctx, c.Hash)
		require.NoError(t, err, "GetCode does not redeem")
		assertSame(t, c, got)
	}
	_, err := s.ConsumeCode(ctx, c.Hash)
	require.NoError(t, err, "the code is still unused after GetCode")
	got, err := s.GetCode(ctx, c.Hash)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
	require.NotNil(t, got, "a redeemed code is returned so that the caller can revoke its grant")
	assertSame(t, c, got)
	_, err = s.GetCode(ctx, store.Hash("code absent"))
	assert.ErrorIs(t, err, store.ErrNotFound)
}
