package server

import (
	"sync"
	"time"
)

// expiringCache keeps values by key until they expire, at most size of
// them: a put into a full cache drops the expired entries, then the entries
// that expire first. Its zero value is unusable; make one with
// newExpiringCache.
type expiringCache[V any] struct {
	mu      sync.Mutex
	size    int
	entries map[string]expiring[V]
}

type expiring[V any] struct {
	value   V
	expires time.Time
}

func newExpiringCache[V any](size int) *expiringCache[V] {
	return &expiringCache[V]{size: size, entries: make(map[string]expiring[V])}
}

// get returns the value of key, unless it is absent or expired at now.
func (c *expiringCache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// put keeps v under key until expires.
func (c *expiringCache[V]) put(key string, v V, expires, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.size {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		for len(c.entries) >= c.size {
			first := ""
			for k, e := range c.entries {
				if first == "" || e.expires.Before(c.entries[first].expires) {
					first = k
				}
			}
			delete(c.entries, first)
		}
	}
	c.entries[key] = expiring[V]{value: v, expires: expires}
}

func (c *expiringCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
