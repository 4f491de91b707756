package storetest

import (
	"testing"
	"time"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testTokenRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()

	full := fullToken("full", "c", at)
	requireComplete(t, full)
	require.NoError(t, s.SaveToken(ctx, full))
	got, err := s.GetToken(ctx, full.Hash)
	require.NoError(t, err, "GetToken returns revoked tokens too")
	assertSame(t, full, got)
	assert.False(t, got.Active(at), "a revoked token is inactive")

	// A client-credentials access token: no subject, no resources, no expiry.
	cc := &store.Token{Hash: store.Hash("token cc"), Kind: store.AccessToken, ClientID: "c", Scope: "read", GrantID: "g-cc", IssuedAt: at}
	require.NoError(t, s.SaveToken(ctx, cc))
	got, err = s.GetToken(ctx, cc.Hash)
	require.NoError(t, err)
	assertSame(t, cc, got)
	assert.Equal(t, store.AccessToken, got.Kind)
	assert.True(t, got.ExpiresAt.IsZero(), "zero ExpiresAt (does not expire) stays zero")
	assert.True(t, got.Active(at.Add(100*365*24*time.Hour)), "a token without expiry stays active")

	// Expiry is kept to the microsecond, so Active agrees with the caller's.
	exp := &store.Token{Hash: store.Hash("token exp"), Kind: store.AccessToken, ClientID: "c", GrantID: "g-exp",
		IssuedAt: at, ExpiresAt: at.Truncate(Precision).Add(time.Hour)}
	require.NoError(t, s.SaveToken(ctx, exp))
	got, err = s.GetToken(ctx, exp.Hash)
	require.NoError(t, err)
	assert.True(t, got.Active(exp.ExpiresAt.Add(-Precision)))
	assert.False(t, got.Active(exp.ExpiresAt))
}

func testTokenNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	present := token("present", store.RefreshToken, "c", "g", now())
	require.NoError(t, s.SaveToken(ctx, present))
	for name, h := range map[string][]byte{
		"unknown": store.Hash("token absent"),
		"nil":     nil,
		"empty":   {},
		"prefix":  present.Hash[:16],
	} {
		got, err := s.GetToken(ctx, h)
		assert.ErrorIs(t, err, store.ErrNotFound, "GetToken, %s hash", name)
		assert.Nil(t, got, "GetToken, %s hash", name)
		got, err = s.RotateToken(ctx, h)
		assert.ErrorIs(t, err, store.ErrNotFound, "RotateToken, %s hash", name)
		assert.Nil(t, got, "RotateToken, %s hash", name)
		assert.ErrorIs(t, s.RevokeToken(ctx, h), store.ErrNotFound, "RevokeToken, %s hash", name)
	}
	got, err := s.GetToken(ctx, present.Hash)
	require.NoError(t, err)
	assertSame(t, present, got, "failed lookups leave other tokens alone")
}

func testSaveTokenExists(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	tk := token("dup", store.RefreshToken, "c", "g", at)
	require.NoError(t, s.SaveToken(ctx, tk))
	_, err := s.RotateToken(ctx, tk.Hash)
	require.NoError(t, err)
	require.NoError(t, s.RevokeToken(ctx, tk.Hash))

	again := token("dup", store.RefreshToken, "attacker", "g2", at.Add(time.Hour))
	require.ErrorIs(t, s.SaveToken(ctx, again), store.ErrExists)

	got, err := s.GetToken(ctx, tk.Hash)
	require.NoError(t, err)
	want := *tk
	want.Rotated, want.Revoked = true, true
	assertSame(t, &want, got, "a failed save neither overwrites the token nor resets its state")
}

func testRotateToken(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	rt := token("rt", store.RefreshToken, "c", "g", at)
	sibling := token("sibling", store.RefreshToken, "c", "g", at)
	at1 := token("at", store.AccessToken, "c", "g", at)
	for _, tk := range []*store.Token{rt, sibling, at1} {
		require.NoError(t, s.SaveToken(ctx, tk))
	}

	want := *rt
	want.Rotated = true
	got, err := s.RotateToken(ctx, rt.Hash)
	require.NoError(t, err, "first rotation")
	assertSame(t, &want, got, "RotateToken returns the token, now rotated")

	for i := range 3 {
		got, err := s.RotateToken(ctx, rt.Hash)
		require.ErrorIs(t, err, store.ErrAlreadyUsed, "rotation %d", i+2)
		require.NotNil(t, got, "a replayed token is returned so that the caller can revoke its family")
		assertSame(t, &want, got)
	}

	got, err = s.GetToken(ctx, rt.Hash)
	require.NoError(t, err)
	assertSame(t, &want, got, "the rotation is stored; it revokes nothing")
	assert.True(t, got.Active(at), "a rotated token is not revoked by the store")

	for _, tk := range []*store.Token{sibling, at1} {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		assertSame(t, tk, got, "rotating one token leaves its family alone")
	}

	// A token saved as rotated has been rotated.
	pre := token("pre-rotated", store.RefreshToken, "c", "g", at)
	pre.Rotated = true
	require.NoError(t, s.SaveToken(ctx, pre))
	got, err = s.RotateToken(ctx, pre.Hash)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
	assertSame(t, pre, got)
}

func testRevokeToken(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	a := token("a", store.RefreshToken, "c", "g", at)
	a.Rotated = true
	b := token("b", store.AccessToken, "c", "g", at)
	require.NoError(t, s.SaveToken(ctx, a))
	require.NoError(t, s.SaveToken(ctx, b))

	require.NoError(t, s.RevokeToken(ctx, a.Hash))
	want := *a
	want.Revoked = true
	got, err := s.GetToken(ctx, a.Hash)
	require.NoError(t, err, "a revoked token can still be read")
	assertSame(t, &want, got, "RevokeToken sets Revoked and nothing else")
	assert.False(t, got.Active(at))

	got, err = s.GetToken(ctx, b.Hash)
	require.NoError(t, err)
	assertSame(t, b, got, "RevokeToken revokes one token, not its grant")

	assert.NoError(t, s.RevokeToken(ctx, a.Hash), "revoking twice is not an error")
	got, err = s.GetToken(ctx, a.Hash)
	require.NoError(t, err)
	assertSame(t, &want, got)
}

func testRevokeGrant(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	rotated := token("family rotated", store.RefreshToken, "c1", "family", at)
	rotated.Rotated = true
	family := []*store.Token{
		token("family access", store.AccessToken, "c1", "family", at),
		token("family refresh", store.RefreshToken, "c1", "family", at),
		rotated,
		token("family expired", store.AccessToken, "c1", "family", at.Add(-90*time.Minute)),
		// "every token carrying grantID", whichever client holds it
		token("family elsewhere", store.AccessToken, "c2", "family", at),
	}
	others := []*store.Token{
		token("other grant", store.RefreshToken, "c1", "other", at),
		token("prefix grant", store.RefreshToken, "c1", "famil", at),
		token("longer grant", store.RefreshToken, "c1", "family2", at),
		token("no grant", store.AccessToken, "c1", "", at),
	}
	for _, tk := range append(append([]*store.Token(nil), family...), others...) {
		require.NoError(t, s.SaveToken(ctx, tk))
	}

	require.NoError(t, s.RevokeGrant(ctx, "family"))
	for i, tk := range family {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		want := *tk
		want.Revoked = true
		assertSame(t, &want, got, "family member %d", i)
	}
	for _, tk := range others {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		assertSame(t, tk, got, "token of grant %q", tk.GrantID)
	}

	assert.NoError(t, s.RevokeGrant(ctx, "family"), "revoking a grant twice")
	assert.NoError(t, s.RevokeGrant(ctx, "no such grant"), "revoking a grant without tokens")
}

func testRevokeGrantEmptyID(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	a := token("a", store.AccessToken, "c", "", at)
	b := token("b", store.RefreshToken, "c2", "", at)
	require.NoError(t, s.SaveToken(ctx, a))
	require.NoError(t, s.SaveToken(ctx, b))
	require.NoError(t, s.RevokeGrant(ctx, ""))
	for _, tk := range []*store.Token{a, b} {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		assert.False(t, got.Revoked, "RevokeGrant(\"\") must not revoke the tokens without a grant")
	}
}

func testRevokeGrantSticks(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.SaveToken(ctx, token("before", store.AccessToken, "c", "g", at)))
	require.NoError(t, s.RevokeGrant(ctx, "g"))

	late := token("after", store.RefreshToken, "c", "g", at)
	require.ErrorIs(t, s.SaveToken(ctx, late), store.ErrRevoked, "a token of a revoked grant")
	_, err := s.GetToken(ctx, late.Hash)
	assert.ErrorIs(t, err, store.ErrNotFound, "a refused token is not stored")

	// Revoking a grant that has no tokens yet (a replay detected before the
	// first redemption saved anything) marks it all the same.
	require.NoError(t, s.RevokeGrant(ctx, "empty"))
	assert.ErrorIs(t, s.SaveToken(ctx, token("first", store.AccessToken, "c", "empty", at)), store.ErrRevoked)

	// Other grants, similar names, and tokens without a grant are not affected.
	require.NoError(t, s.RevokeGrant(ctx, ""))
	for _, tk := range []*store.Token{
		token("other", store.AccessToken, "c", "other", at),
		token("prefix", store.AccessToken, "c", "e", at),
		token("longer", store.AccessToken, "c", "gg", at),
		token("none", store.AccessToken, "c", "", at),
	} {
		assert.NoError(t, s.SaveToken(ctx, tk), "grant %q", tk.GrantID)
	}
}
