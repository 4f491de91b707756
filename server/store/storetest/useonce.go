package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testUseOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.UseOnce(ctx, "k", at.Add(time.Hour)))
	assert.ErrorIs(t, s.UseOnce(ctx, "k", at.Add(time.Hour)), store.ErrAlreadyUsed)
	assert.NoError(t, s.UseOnce(ctx, "K", at.Add(time.Hour)), "keys are exact")
	assert.NoError(t, s.UseOnce(ctx, "k\x00", at.Add(time.Hour)), "keys are exact")

	require.NoError(t, s.UseOnce(ctx, "expired", at.Add(-time.Second)))
	assert.NoError(t, s.UseOnce(ctx, "expired", at.Add(time.Hour)), "an expired key can be used again")
	assert.ErrorIs(t, s.UseOnce(ctx, "expired", at.Add(time.Hour)), store.ErrAlreadyUsed)
}

func testConcurrentUseOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	for round := range 5 {
		var mu sync.Mutex
		n := 0
		race(racers, func(int) {
			err := s.UseOnce(ctx, fmt.Sprint("key ", round), at.Add(time.Hour))
			if err == nil {
				mu.Lock()
				n++
				mu.Unlock()
				return
			}
			assert.ErrorIs(t, err, store.ErrAlreadyUsed)
		})
		assert.Equal(t, 1, n, "round %d: one use", round)
	}
}
