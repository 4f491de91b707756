// Package runner selects checks and runs them against a target with bounded
// parallelism and a deadline per check. It reports progress through events
// and returns results; it never prints or exits.
package runner

import (
	"context"
	"errors"
	"fmt"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Selection picks checks by ID glob and profile.
type Selection struct {
	// Only keeps checks whose ID matches one of the globs (path.Match syntax).
	Only []string
	// Skip drops checks whose ID matches one of the globs.
	Skip []string
	// Profiles keeps checks in at least one of the profiles (all if empty).
	Profiles []vocab.Profile
}

// Validate reports malformed globs and unknown profiles.
func (s Selection) Validate(reg *suite.Registry) error {
	for _, g := range append(append([]string{}, s.Only...), s.Skip...) {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("bad glob %q: %w", g, err)
		}
	}
	known := reg.Profiles()
	for _, p := range s.Profiles {
		if !slices.Contains(known, p) {
			return fmt.Errorf("unknown profile %q (profiles: %s)", p, strings.Join(vocab.Strings(known), ", "))
		}
	}
	return nil
}

func matchAny(globs []string, id string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, id); ok {
			return true
		}
	}
	return false
}

// Select returns the checks of reg that s keeps, in ID order.
func (s Selection) Select(reg *suite.Registry) []*suite.Check {
	var out []*suite.Check
	for _, c := range reg.Checks() {
		if len(s.Only) > 0 && !matchAny(s.Only, c.ID) {
			continue
		}
		if matchAny(s.Skip, c.ID) {
			continue
		}
		if len(s.Profiles) > 0 {
			in := false
			for _, p := range s.Profiles {
				in = in || c.InProfile(p)
			}
			if !in {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// Options tune a run.
type Options struct {
	// Parallel bounds concurrently running checks (default 4).
	Parallel int
	// CheckTimeout is each check's deadline (default 60 s).
	CheckTimeout time.Duration
	// OnEvent, when set, receives progress events; it is called from the
	// runner's goroutines one at a time.
	OnEvent func(Event)
}

// EventKind tells start from finish.
type EventKind int

// Event kinds.
const (
	Started EventKind = iota
	Finished
)

// Event reports progress.
type Event struct {
	Kind   EventKind
	Check  *suite.Check
	Result *suite.Result // for Finished
	Done   int
	Total  int
}

// Run runs checks against env and returns one result per check, in the
// order of checks. After checks run once the others have finished.
func Run(ctx context.Context, env *suite.Env, checks []*suite.Check, opts Options) []suite.Result {
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 60 * time.Second
	}
	results := make([]suite.Result, len(checks))
	var evMu sync.Mutex
	done := 0
	emit := func(ev Event) {
		if opts.OnEvent == nil {
			return
		}
		evMu.Lock()
		defer evMu.Unlock()
		if ev.Kind == Finished {
			done++
		}
		ev.Done, ev.Total = done, len(checks)
		opts.OnEvent(ev)
	}
	var normal, after []int
	for i, c := range checks {
		if c.After {
			after = append(after, i)
		} else {
			normal = append(normal, i)
		}
	}
	for _, batch := range [][]int{normal, after} {
		sem := make(chan struct{}, opts.Parallel)
		var wg sync.WaitGroup
		for _, i := range batch {
			c := checks[i]
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				emit(Event{Kind: Started, Check: c})
				results[i] = RunOne(ctx, env, c, opts.CheckTimeout)
				emit(Event{Kind: Finished, Check: c, Result: &results[i]})
			}()
		}
		wg.Wait()
	}
	// Secrets learnt by later checks may appear in earlier results (a
	// token minted by a shared fixture): redact them all once more.
	for i := range results {
		results[i].Redact(env.Transport.RedactText)
	}
	return results
}

// RunOne runs a single check with its deadline, turning a panic in the check
// into ERROR.
func RunOne(ctx context.Context, env *suite.Env, c *suite.Check, timeout time.Duration) (res suite.Result) {
	res = suite.NewResult(c)
	start := time.Now()
	defer func() { res.DurationMS = time.Since(start).Milliseconds() }()
	for _, f := range c.Requires {
		if ok, why := env.Target.Has(f); !ok {
			res.Status = suite.Skip
			res.Message = fmt.Sprintf("requires %s: %s", f, why)
			return res
		}
	}
	if err := ctx.Err(); err != nil {
		res.Status = suite.Skip
		res.Message = "run cancelled before the check started"
		return res
	}
	t := suite.NewT(env, c)
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("check panicked: %v\n%s", v, debug.Stack())
			}
		}()
		return c.Run(cctx, t)
	}()
	if err != nil && fixture.IsUnavailable(err) && !httpx.IsRefused(err) {
		// A request refused by the origin policy is an ERROR (the run
		// needs the user's decision), not a SKIP.
		err = &suite.Skipped{Reason: "fixture unavailable: " + err.Error()}
	}
	if err != nil && errors.Is(err, context.DeadlineExceeded) && cctx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("check did not finish within %s", timeout)
	}
	res.Classify(c, err, t.HTTP.Exchanges())
	res.Log = t.Log()
	res.Attachments = append(res.Attachments, t.Attachments()...)
	for _, a := range t.HTTP.Attachments() {
		res.Attachments = append(res.Attachments, suite.Attachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data})
	}
	// The one place every result passes: whatever a check, fixture or
	// plugin put in it may quote what the target sent, and so secrets
	// learnt during the run (client secrets, codes, tokens).
	res.Redact(env.Transport.RedactText)
	return res
}

// Summary counts results by status.
type Summary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Skip  int `json:"skip"`
	Error int `json:"error"`
}

// Summarize counts results.
func Summarize(results []suite.Result) Summary {
	var s Summary
	for _, r := range results {
		switch r.Status {
		case suite.Pass:
			s.Pass++
		case suite.Fail:
			s.Fail++
		case suite.Warn:
			s.Warn++
		case suite.Skip:
			s.Skip++
		case suite.Error:
			s.Error++
		}
	}
	return s
}
