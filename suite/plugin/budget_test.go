package plugin

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBudget_PausedDuringHostCalls(t *testing.T) {
	ctx, clock, cancel := withBudget(context.Background(), 60*time.Millisecond)
	defer cancel()
	clock.pause()
	clock.pause() // nested: a push inside an authorization
	time.Sleep(150 * time.Millisecond)
	clock.resume()
	if ctx.Err() != nil {
		t.Fatalf("the budget ran out while paused: %v", context.Cause(ctx))
	}
	clock.resume()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the budget never ran out after resuming")
	}
	if !budgetSpent(ctx) {
		t.Fatalf("cause %v, want the budget", context.Cause(ctx))
	}
}

func TestBudget_CheckDeadlineIsNotTheBudget(t *testing.T) {
	parent, stop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stop()
	ctx, _, cancel := withBudget(parent, time.Hour)
	defer cancel()
	<-ctx.Done()
	if budgetSpent(ctx) {
		t.Fatal("the check's deadline was reported as the plugin's budget")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("err %v, want the deadline", ctx.Err())
	}
	err := describeTrap(ctx, errors.New("module closed with context deadline exceeded"), time.Hour)
	if got := err.Error(); got != "the check's deadline passed while the plugin ran (--check-timeout) and it was stopped" {
		t.Fatalf("message %q", got)
	}
}
