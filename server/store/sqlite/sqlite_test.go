package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/sqlite"
)

func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	return s
}

func TestSQLite_PersistsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "auth.db")
	now := time.Now().UTC().Truncate(time.Microsecond)
	s := open(t, path)
	c := &store.Client{ID: "c1", SecretHash: store.Hash("secret"), RegistrationTokenHash: store.Hash("rat"), IssuedAt: now,
		Metadata: store.ClientMetadata{RedirectURIs: []string{"https://a.example/cb"}, GrantTypes: []string{"authorization_code"}, ClientName: "App"}}
	require.NoError(t, s.CreateClient(ctx, c))
	code := &store.Code{Hash: store.Hash("code"), ClientID: "c1", Scope: "read", Resources: []string{"https://r"}, GrantID: "g1", ExpiresAt: now.Add(time.Minute)}
	require.NoError(t, s.SaveCode(ctx, code))
	_, err := s.ConsumeCode(ctx, code.Hash)
	require.NoError(t, err)
	tok := &store.Token{Hash: store.Hash("at"), Kind: store.AccessToken, ClientID: "c1", GrantID: "g1", Scope: "read", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, s.SaveToken(ctx, tok))
	require.NoError(t, s.SaveConsent(ctx, &store.Consent{Subject: "alice", ClientID: "c1", Scope: "read", Granted: now}))
	require.NoError(t, s.Close())

	s = open(t, path)
	defer s.Close()
	got, err := s.GetClient(ctx, "c1")
	require.NoError(t, err)
	assert.Equal(t, c.Metadata, got.Metadata)
	assert.True(t, store.EqualHash(got.SecretHash, "secret"))
	assert.True(t, got.IssuedAt.Equal(now))
	_, err = s.ConsumeCode(ctx, code.Hash)
	assert.ErrorIs(t, err, store.ErrAlreadyUsed, "a code used before the restart stays used")
	gt, err := s.GetToken(ctx, tok.Hash)
	require.NoError(t, err)
	assert.True(t, gt.Active(now))
	cons, err := s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assert.Equal(t, "read", cons.Scope)
}

func TestSQLite_Contract(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "auth.db"))
	defer s.Close()
	_, err := s.GetClient(ctx, "nope")
	assert.ErrorIs(t, err, store.ErrNotFound)
	c := &store.Client{ID: "pub", IssuedAt: time.Now()}
	require.NoError(t, s.CreateClient(ctx, c))
	assert.ErrorIs(t, s.CreateClient(ctx, c), store.ErrExists)
	got, _ := s.GetClient(ctx, "pub")
	assert.True(t, got.Public())
	assert.ErrorIs(t, s.UpdateClient(ctx, &store.Client{ID: "nope"}), store.ErrNotFound)

	for i, tk := range []string{"a", "b"} {
		require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash(tk), Kind: store.RefreshToken, ClientID: "pub", GrantID: "fam", ExpiresAt: time.Now().Add(time.Hour)}))
		_ = i
	}
	require.NoError(t, s.SaveToken(ctx, &store.Token{Hash: store.Hash("other"), Kind: store.AccessToken, ClientID: "pub", GrantID: "other"}))
	_, err = s.RotateToken(ctx, store.Hash("a"))
	require.NoError(t, err)
	_, err = s.RotateToken(ctx, store.Hash("a"))
	assert.ErrorIs(t, err, store.ErrAlreadyUsed)
	require.NoError(t, s.RevokeGrant(ctx, "fam"))
	b, _ := s.GetToken(ctx, store.Hash("b"))
	assert.True(t, b.Revoked)
	o, _ := s.GetToken(ctx, store.Hash("other"))
	assert.False(t, o.Revoked, "other grants are untouched")
	assert.ErrorIs(t, s.RevokeToken(ctx, store.Hash("missing")), store.ErrNotFound)

	require.NoError(t, s.DeleteClient(ctx, "pub"))
	_, err = s.GetToken(ctx, store.Hash("other"))
	assert.ErrorIs(t, err, store.ErrNotFound, "deleting a client deletes its tokens")
	assert.ErrorIs(t, s.DeleteClient(ctx, "pub"), store.ErrNotFound)
}

func TestSQLite_ConsumeCodeRace(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "auth.db"))
	defer s.Close()
	require.NoError(t, s.SaveCode(ctx, &store.Code{Hash: store.Hash("c"), ClientID: "x", ExpiresAt: time.Now().Add(time.Minute)}))
	var ok, used atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.ConsumeCode(ctx, store.Hash("c"))
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, store.ErrAlreadyUsed):
				used.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, ok.Load())
	assert.EqualValues(t, 49, used.Load())
}

func BenchmarkSQLite_SaveGetToken(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "auth.db"))
	require.NoError(b, err)
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := store.Hash(time.Now().String() + string(rune(i)))
		if err := s.SaveToken(ctx, &store.Token{Hash: h, Kind: store.AccessToken, ClientID: "c", GrantID: "g"}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.GetToken(ctx, h); err != nil {
			b.Fatal(err)
		}
	}
}
