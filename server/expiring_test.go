package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestExpiringCache(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	c := newExpiringCache[int](2)
	c.put("a", 1, now.Add(time.Minute), now)
	c.put("b", 2, now.Add(time.Second), now)
	v, ok := c.get("a", now)
	assert.True(t, ok)
	assert.Equal(t, 1, v)
	_, ok = c.get("b", now.Add(time.Second))
	assert.False(t, ok, "an entry is gone at its expiry")

	// Full: the entry that expires first makes room.
	c.put("c", 3, now.Add(2*time.Minute), now)
	assert.Equal(t, 2, c.len())
	_, ok = c.get("b", now)
	assert.False(t, ok, "b expired first and was dropped")
	_, ok = c.get("a", now)
	assert.True(t, ok)

	// Full of expired entries: they all go first.
	later := now.Add(3 * time.Minute)
	c.put("d", 4, later.Add(time.Minute), later)
	assert.Equal(t, 1, c.len())

	// Replacing a key never evicts.
	c.put("d", 5, later.Add(time.Hour), later)
	v, _ = c.get("d", later)
	assert.Equal(t, 5, v)
}
