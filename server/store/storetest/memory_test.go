package storetest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/memory"
	"github.com/authspec/authspec/server/store/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New() })
}

// benchmarkIndexed measures op against a memory store holding 100 000
// tokens of other clients and grants: with the indexes, its cost does not
// depend on them.
func benchmarkIndexed(b *testing.B, op func(s store.Store, i int) error) {
	ctx := b.Context()
	s := memory.New()
	now := time.Now()
	for i := range 100000 {
		if err := s.SaveToken(ctx, &store.Token{Hash: store.Hash(fmt.Sprint("bystander ", i)), Kind: store.AccessToken,
			ClientID: fmt.Sprint("bystander-", i%1000), GrantID: fmt.Sprint("bystander grant ", i), IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		i++
		id := fmt.Sprint("c", i)
		for k := range 3 {
			if err := s.SaveToken(ctx, &store.Token{Hash: store.Hash(fmt.Sprint(id, k)), Kind: store.AccessToken, ClientID: id,
				GrantID: "g" + id, IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				b.Fatal(err)
			}
		}
		if err := op(s, i); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryRevokeGrant: revoking a grant of 3 tokens beside 100 000
// other tokens.
func BenchmarkMemoryRevokeGrant(b *testing.B) {
	benchmarkIndexed(b, func(s store.Store, i int) error { return s.RevokeGrant(b.Context(), fmt.Sprint("gc", i)) })
}

// BenchmarkMemoryDeleteClient: deleting a client with 3 tokens beside 100 000
// other tokens.
func BenchmarkMemoryDeleteClient(b *testing.B) {
	benchmarkIndexed(b, func(s store.Store, i int) error {
		id := fmt.Sprint("c", i)
		if err := s.CreateClient(b.Context(), &store.Client{ID: id}); err != nil {
			return err
		}
		return s.DeleteClient(b.Context(), id)
	})
}

// BenchmarkMemorySaveTokenOneClient: tokens of one client saved into a
// store as it grows (b.N of them, a million with -benchtime 1000000x), as
// the token endpoint under load fills it. worst-ns is the slowest save:
// the store's lock is held that long, so every other request waits.
func BenchmarkMemorySaveTokenOneClient(b *testing.B) {
	ctx := b.Context()
	s := memory.New()
	now := time.Now()
	var worst time.Duration
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		if err := s.SaveToken(ctx, &store.Token{Hash: store.Hash(fmt.Sprint("t", i)), Kind: store.AccessToken, ClientID: "c",
			Scope: "read", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(t0))
	}
	b.ReportMetric(float64(worst.Nanoseconds()), "worst-ns")
}
