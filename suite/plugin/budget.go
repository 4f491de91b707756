package plugin

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errBudget is the cause of a plugin's context ending because the plugin
// used up its time budget.
var errBudget = errors.New("the plugin's time budget is used up")

// budget counts the time a plugin runs on its own: it is paused while the
// host works for the plugin (an HTTP exchange, an authorization through
// the browser), which the check's deadline bounds instead. A plugin that
// waits for a shared browser behind other checks is thus not stopped for
// time it did not use.
type budget struct {
	mu      sync.Mutex
	left    time.Duration
	started time.Time
	paused  int
	timer   *time.Timer
	cancel  context.CancelCauseFunc
}

// withBudget returns a context that ends with errBudget once the plugin
// has run for d outside host calls, and the function that releases it.
func withBudget(ctx context.Context, d time.Duration) (context.Context, *budget, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	b := &budget{left: d, started: time.Now(), cancel: cancel}
	b.timer = time.AfterFunc(d, func() { cancel(errBudget) })
	return ctx, b, func() {
		b.timer.Stop()
		cancel(context.Canceled)
	}
}

// pause stops the count until the matching resume.
func (b *budget) pause() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.paused++
	if b.paused > 1 {
		return
	}
	if b.timer.Stop() {
		b.left -= time.Since(b.started)
	}
}

// resume goes on counting what is left.
func (b *budget) resume() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.paused == 0 {
		return
	}
	b.paused--
	if b.paused > 0 {
		return
	}
	b.started = time.Now()
	left := max(b.left, 0)
	b.timer.Reset(left)
}

// budgetSpent reports whether ctx ended because the plugin used its budget.
func budgetSpent(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errBudget)
}
