// Package runner selects checks and runs them against a target with bounded
// parallelism and a deadline per check. It reports progress through events
// and returns results; it never prints or exits.
package runner

import (
	"context"
	"errors"
	"fmt"
	"net/url"
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

// Outcome is what a run produced.
type Outcome struct {
	// Results has one result per check, in the order of the checks.
	Results []suite.Result
	// Aborted says why the run stopped before its end (the target stopped
	// answering); empty when every check ran.
	Aborted string
}

// Run runs checks against env and returns one result per check, in the
// order of checks. After checks run once the others have finished. See
// RunAll for a target that stops answering.
func Run(ctx context.Context, env *suite.Env, checks []*suite.Check, opts Options) []suite.Result {
	return RunAll(ctx, env, checks, opts).Results
}

// RunAll is Run, and says whether the run was aborted. A target that stops
// answering ends the run: once requests to the target's origins go
// unanswered several times in a row, its metadata URL is fetched once; if
// that gets no answer either, the checks not yet started are not run and,
// like those cut short, end in ERROR with the reason, which
// Outcome.Aborted gives.
func RunAll(ctx context.Context, env *suite.Env, checks []*suite.Check, opts Options) Outcome {
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
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wd := newWatchdog(env, cancel)
	// Checks that destroy what their clients hold run beside others only
	// with clients of their own; otherwise alone.
	var alone sync.RWMutex
	for _, batch := range [][]int{normal, after} {
		sem := make(chan struct{}, opts.Parallel)
		var wg sync.WaitGroup
		for _, i := range batch {
			c := checks[i]
			sem <- struct{}{}
			if wd.down() != "" {
				<-sem
				results[i] = notRun(c)
				emit(Event{Kind: Finished, Check: c, Result: &results[i]})
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if env.OwnsClients(runCtx, c) && !env.Fixtures.CanOwn(runCtx) {
					alone.Lock()
					defer alone.Unlock()
				} else {
					alone.RLock()
					defer alone.RUnlock()
				}
				emit(Event{Kind: Started, Check: c})
				results[i] = RunOne(runCtx, env, c, opts.CheckTimeout)
				if results[i].Status == suite.Error {
					wd.watch(ctx)
				}
				if wd.down() != "" && (results[i].Status == suite.Error || results[i].Status == suite.Skip && !unmet(c, results[i])) {
					// Cut short, or unable to run, because the target
					// went away: say so.
					results[i].Status = suite.Error
					results[i].Message = "cut short: " + targetDown + " (" + results[i].Message + ")"
				}
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
	return Outcome{Results: results, Aborted: wd.down()}
}

// unmet reports a SKIP for a feature the target lacks, or for a claim the
// run does not make, which no outage explains.
func unmet(c *suite.Check, r suite.Result) bool {
	if _, ok := suite.ParseClaimReason(r.Message); ok && c.Claim != "" {
		return true
	}
	_, _, ok := suite.ParseRequires(r.Message)
	return len(c.Requires) > 0 && ok
}

// notRun is the result of a check the run did not start because the target
// stopped answering.
func notRun(c *suite.Check) suite.Result {
	r := suite.NewResult(c)
	r.Status = suite.Error
	r.Message = "not run: " + targetDown
	return r
}

// targetDown is what the results of an aborted run say; Outcome.Aborted
// gives the details.
const targetDown = "the target stopped answering, and the run was aborted"

// downAfter is how many requests in a row to one of the target's origins
// must go unanswered before the watchdog asks whether the target is down.
const downAfter = 3

// watchdog notices a target that stopped answering during the run.
type watchdog struct {
	env     *suite.Env
	cancel  context.CancelFunc
	origins []string
	probe   sync.Mutex // one probe at a time
	mu      sync.Mutex
	why     string
}

func newWatchdog(env *suite.Env, cancel context.CancelFunc) *watchdog {
	w := &watchdog{env: env, cancel: cancel}
	seen := map[string]bool{}
	md := env.Target.Metadata
	for _, raw := range []string{env.Target.Issuer, env.Target.MetadataURL, md.AuthorizationEndpoint, md.TokenEndpoint} {
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			if o := httpx.Origin(u); !seen[o] {
				seen[o] = true
				w.origins = append(w.origins, o)
			}
		}
	}
	return w
}

// down is the reason the run stopped, or "".
func (w *watchdog) down() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.why
}

// watch runs after a check ended in ERROR: when requests to one of the
// target's origins have gone unanswered several times in a row, it fetches
// the metadata URL once, and stops the run if that is not answered either.
func (w *watchdog) watch(ctx context.Context) {
	if w.down() != "" || ctx.Err() != nil || w.env.Target.MetadataURL == "" {
		return
	}
	failing, n := "", 0
	for _, o := range w.origins {
		if c := w.env.Transport.ConsecutiveFailures(o); c >= downAfter && c > n {
			failing, n = o, c
		}
	}
	if failing == "" || !w.probe.TryLock() {
		return // answering, or a probe is under way
	}
	defer w.probe.Unlock()
	te := httpx.AsTransport(w.env.Transport.Probe(ctx, w.env.Target.MetadataURL))
	if te == nil || te.Cancelled || ctx.Err() != nil {
		return // any answer, even an error status, is an answer
	}
	w.mu.Lock()
	w.why = fmt.Sprintf("the target stopped answering: %d requests in a row to %s got no answer, and its metadata (%s) got none either (%s)",
		n, failing, w.env.Target.MetadataURL, te.Msg)
	w.mu.Unlock()
	w.cancel()
}

// RunOne runs a single check with its deadline, turning a panic in the check
// into ERROR.
func RunOne(ctx context.Context, env *suite.Env, c *suite.Check, timeout time.Duration) (res suite.Result) {
	res = suite.NewResult(c)
	start := time.Now()
	defer func() { res.DurationMS = time.Since(start).Milliseconds() }()
	if f, why, missing := env.Unmet(c); missing {
		res.Status = suite.Skip
		res.Message = suite.RequiresReason(f, why)
		return res
	}
	if p, unclaimed := env.Unclaimed(c); unclaimed {
		res.Status = suite.Skip
		res.Message = suite.ClaimReason(p)
		return res
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
	var np *fixture.NeedsPerson
	if err != nil && errors.As(err, &np) {
		// A page a person must get through, and no way to: nothing
		// could be judged.
		err = &suite.Skipped{Reason: np.Reason}
	}
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
