package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testConsent(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := consent("alice", "c1", "read", at)
	requireComplete(t, c)
	require.NoError(t, s.SaveConsent(ctx, c))
	got, err := s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, c, got)

	for _, k := range [][2]string{{"bob", "c1"}, {"alice", "c2"}, {"c1", "alice"}, {"", ""}} {
		_, err := s.GetConsent(ctx, k[0], k[1])
		assert.ErrorIs(t, err, store.ErrNotFound, "GetConsent(%q, %q)", k[0], k[1])
	}

	// SaveConsent replaces.
	replaced := consent("alice", "c1", "read write", at.Add(time.Hour))
	require.NoError(t, s.SaveConsent(ctx, replaced))
	got, err = s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, replaced, got)

	// A narrower consent replaces a wider one, too.
	narrower := consent("alice", "c1", "", at.Add(2*time.Hour))
	require.NoError(t, s.SaveConsent(ctx, narrower))
	got, err = s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, narrower, got)

	bob := consent("bob", "c1", "write", at)
	require.NoError(t, s.SaveConsent(ctx, bob))
	got, err = s.GetConsent(ctx, "bob", "c1")
	require.NoError(t, err)
	assertSame(t, bob, got)
	got, err = s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, narrower, got, "consents of different subjects are separate")
}

// testConsentKeys checks that (subject, client) pairs do not collide however
// an implementation might join them.
func testConsentKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	var pairs [][2]string
	for _, sep := range []string{"", " ", "\x00", "|", ":", "/", "\n", "\t"} {
		pairs = append(pairs, [2]string{"x" + sep + "y", "z"}, [2]string{"x", "y" + sep + "z"})
	}
	for i, p := range pairs {
		require.NoError(t, s.SaveConsent(ctx, consent(p[0], p[1], fmt.Sprintf("scope-%d", i), at)))
	}
	for i, p := range pairs {
		got, err := s.GetConsent(ctx, p[0], p[1])
		if assert.NoError(t, err, "GetConsent(%q, %q)", p[0], p[1]) {
			assert.Equal(t, fmt.Sprintf("scope-%d", i), got.Scope, "GetConsent(%q, %q)", p[0], p[1])
		}
	}
}
