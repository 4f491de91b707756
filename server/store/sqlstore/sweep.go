package sqlstore

import (
	"context"
	"sync/atomic"
	"time"
)

// Sweeper runs the sweep of expired records at most once per SweepEvery,
// so that the tables stay bounded by what is issued per lifetime while
// inserts stay cheap. Only one caller sweeps at a time.
type Sweeper struct {
	// Sweep deletes expired records; done is false when it left some for
	// the next sweep, which is then due at once.
	Sweep func(ctx context.Context, now time.Time) (done bool, err error)
	// next is when the next sweep is due, in unix nanoseconds.
	next atomic.Int64
}

// Maybe sweeps if a sweep is due at now.
func (w *Sweeper) Maybe(ctx context.Context, now time.Time) {
	due := w.next.Load()
	if now.UnixNano() < due || !w.next.CompareAndSwap(due, now.Add(SweepEvery).UnixNano()) {
		return
	}
	// Best effort: a failed sweep is retried at the next one, and a database
	// that cannot delete will fail the caller's insert anyway.
	if done, err := w.Sweep(ctx, now); err == nil && !done {
		w.next.Store(0)
	}
}

// Due makes a sweep due at the next call of Maybe.
func (w *Sweeper) Due() { w.next.Store(0) }
