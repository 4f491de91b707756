package reports

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/vocab"
)

// Part is a shard report given to Merge, with the name it is known by (its
// file), which errors quote.
type Part struct {
	Name   string
	Report *Report
}

func (p Part) label() string { return p.Report.Shard.Label() + " (" + p.Name + ")" }

// Merge joins the reports of the N shards of one selection (authspec run
// --shard I/N) into the report of the whole selection: every result of
// every shard once, in the order of a whole run, the summary counted again,
// the earliest start and the time until the last shard ended. The shards
// must be all N of one selection, of one target and one version of
// authspec: a missing or repeated shard, shards that disagree, a check
// that is in two shards or in none are errors that name the files.
//
// A check that runs in every shard (ShardInfo.EveryShard: it judges what
// the other checks of its run observed) gets the verdict a whole run would
// reach: a problem seen by any shard (FAIL, then ERROR, then WARN), else
// PASS if any shard passed it, else SKIP; its message, evidence and log
// come from the shards, each named.
//
// Merge sets neither the gate nor a baseline: the merged report has none,
// and its results are not marked baselined, whatever the shards had.
func Merge(parts []Part) (*Report, error) {
	if len(parts) == 0 {
		return nil, errors.New("no shard report given")
	}
	for _, p := range parts {
		if p.Report == nil {
			return nil, fmt.Errorf("%s: no report", p.Name)
		}
		if p.Report.Shard == nil {
			return nil, fmt.Errorf("%s is the report of a whole run, not of a shard (authspec run --shard I/N writes those)", p.Name)
		}
	}
	first := parts[0]
	n := first.Report.Shard.Count
	byIndex := make([]*Part, n+1)
	for i := range parts {
		p := &parts[i]
		sh := p.Report.Shard
		if sh.Count != n {
			return nil, fmt.Errorf("the shards disagree on their number: %s is one of %d, %s one of %d", first.Name, n, p.Name, sh.Count)
		}
		if err := (runner.Shard{Index: sh.Index, Count: sh.Count}).Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		if q := byIndex[sh.Index]; q != nil {
			return nil, fmt.Errorf("%s and %s are both %s: give each shard once", q.Name, p.Name, sh.Label())
		}
		byIndex[sh.Index] = p
	}
	var missing []string
	for i := 1; i <= n; i++ {
		if byIndex[i] == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shard %s missing: a merge needs the reports of all %d shards", strings.Join(missing, ", "), n)
	}
	for _, p := range byIndex[1:] {
		if err := agree(first, *p); err != nil {
			return nil, err
		}
	}

	sel := first.Report.Shard
	every := map[string]bool{}
	for _, id := range sel.EveryShard {
		every[id] = true
	}
	inSelection := map[string]bool{}
	for _, id := range sel.Selection {
		inSelection[id] = true
	}
	seen := map[string]*Part{}
	shared := map[string][]sharedResult{}
	results := map[string]suite.Result{}
	for _, p := range byIndex[1:] {
		ran := map[string]bool{}
		for _, r := range p.Report.Results {
			r = withoutBaseline(r)
			switch {
			case !inSelection[r.ID]:
				return nil, fmt.Errorf("check %s of %s is not in the selection the shards were cut from", r.ID, p.label())
			case ran[r.ID]:
				return nil, fmt.Errorf("check %s is in %s twice", r.ID, p.label())
			case every[r.ID]:
				shared[r.ID] = append(shared[r.ID], sharedResult{p.Report.Shard, r})
			case seen[r.ID] != nil:
				return nil, fmt.Errorf("check %s is in two shards: %s and %s", r.ID, seen[r.ID].label(), p.label())
			default:
				seen[r.ID] = p
				results[r.ID] = r
			}
			ran[r.ID] = true
		}
		for _, id := range sel.EveryShard {
			if !ran[id] {
				return nil, fmt.Errorf("check %s runs in every shard, and %s has no result for it", id, p.label())
			}
		}
	}
	for id, rs := range shared {
		results[id] = combine(rs)
	}
	var absent []string
	out := make([]suite.Result, 0, len(sel.Selection))
	for _, id := range sel.Selection {
		r, ok := results[id]
		if !ok {
			absent = append(absent, id)
			continue
		}
		out = append(out, r)
	}
	if len(absent) > 0 {
		return nil, fmt.Errorf("%d check(s) of the selection are in no shard: %s", len(absent), strings.Join(firstN(absent, 10), ", "))
	}

	started, ended := first.Report.Started, time.Time{}
	var features []vocab.Feature
	var aborted []string
	for _, p := range byIndex[1:] {
		r := p.Report
		if r.Started.Before(started) {
			started = r.Started
		}
		if end := r.Started.Add(time.Duration(r.DurationMS) * time.Millisecond); end.After(ended) {
			ended = end
		}
		for _, f := range r.Features {
			if !slices.Contains(features, f) {
				features = append(features, f)
			}
		}
		if r.Aborted != "" {
			aborted = append(aborted, r.Shard.Label()+": "+r.Aborted)
		}
	}
	return &Report{
		Schema: SchemaVersion, Tool: "authspec", Version: first.Report.Version, Target: first.Report.Target,
		Started: started, DurationMS: ended.Sub(started).Milliseconds(),
		Summary:  runner.Summarize(out),
		Profiles: first.Report.Profiles, Claims: first.Report.Claims, Features: features,
		Aborted: strings.Join(aborted, "; "),
		Shards:  n, Results: out,
	}, nil
}

// agree reports how b's run differs from a's in what a merge needs equal.
func agree(a, b Part) error {
	ra, rb := a.Report, b.Report
	if ra.Target != rb.Target {
		return fmt.Errorf("the shards disagree on the target: %s in %s, %s in %s", ra.Target, a.Name, rb.Target, b.Name)
	}
	if ra.Version != rb.Version {
		return fmt.Errorf("the shards disagree on the version of authspec: %s in %s, %s in %s (the split may differ between versions)",
			ra.Version, a.Name, rb.Version, b.Name)
	}
	if !slices.Equal(ra.Claims, rb.Claims) {
		return fmt.Errorf("the shards disagree on the claims: [%s] in %s, [%s] in %s (give every shard the same --claim and claims:)",
			strings.Join(vocab.Strings(ra.Claims), ", "), a.Name, strings.Join(vocab.Strings(rb.Claims), ", "), b.Name)
	}
	sa, sb := ra.Shard, rb.Shard
	if !slices.Equal(sa.Selection, sb.Selection) {
		onlyA, onlyB := difference(sa.Selection, sb.Selection), difference(sb.Selection, sa.Selection)
		msg := fmt.Sprintf("the shards disagree on the selection: %d checks in %s, %d in %s", len(sa.Selection), a.Name, len(sb.Selection), b.Name)
		if len(onlyA) > 0 {
			msg += fmt.Sprintf("; only in %s: %s", a.Name, strings.Join(firstN(onlyA, 5), ", "))
		}
		if len(onlyB) > 0 {
			msg += fmt.Sprintf("; only in %s: %s", b.Name, strings.Join(firstN(onlyB, 5), ", "))
		}
		if len(onlyA)+len(onlyB) == 0 {
			msg += " (in another order)"
		}
		return errors.New(msg + ": give every shard the same --profile, --only, --skip, config and plugins")
	}
	if !slices.Equal(sa.EveryShard, sb.EveryShard) {
		return fmt.Errorf("the shards disagree on the checks that run in every shard: %s in %s, %s in %s",
			strings.Join(sa.EveryShard, ", "), a.Name, strings.Join(sb.EveryShard, ", "), b.Name)
	}
	return nil
}

// difference lists the elements of a that b lacks.
func difference(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("… and %d more", len(s)-n))
}

type sharedResult struct {
	shard *ShardInfo
	r     suite.Result
}

// mergeRank orders the statuses of one check's shard results: the merged
// result takes the highest.
var mergeRank = map[suite.Status]int{suite.Skip: 0, suite.Pass: 1, suite.Warn: 2, suite.Error: 3, suite.Fail: 4}

// combine is the result of a check that ran in every shard, rs in shard order.
func combine(rs []sharedResult) suite.Result {
	best := 0
	for i, x := range rs {
		if mergeRank[x.r.Status] > mergeRank[rs[best].r.Status] {
			best = i
		}
	}
	out := rs[best].r
	out.Message, out.Exchanges, out.Attachments, out.Log = "", nil, nil, nil
	var messages, labelled []string
	for _, x := range rs {
		for _, l := range x.r.Log {
			out.Log = append(out.Log, x.shard.Label()+": "+l)
		}
		out.DurationMS = max(out.DurationMS, x.r.DurationMS)
		if x.r.Status != out.Status {
			continue
		}
		if x.r.Message != "" && !slices.Contains(messages, x.r.Message) {
			messages = append(messages, x.r.Message)
			labelled = append(labelled, x.shard.Label()+": "+x.r.Message)
		}
		out.Exchanges = append(out.Exchanges, x.r.Exchanges...)
		out.Attachments = append(out.Attachments, x.r.Attachments...)
	}
	if len(messages) > 1 {
		messages = labelled
	}
	out.Message = strings.Join(messages, "\n")
	return out
}

// AcceptedByBaseline opens the log line of a failure that a baseline
// accepted.
const AcceptedByBaseline = "accepted by the baseline: "

// withoutBaseline is r as it was before a baseline marked it.
func withoutBaseline(r suite.Result) suite.Result {
	if !r.Baselined {
		return r
	}
	r.Baselined = false
	var log []string
	for _, l := range r.Log {
		if !strings.HasPrefix(l, AcceptedByBaseline) {
			log = append(log, l)
		}
	}
	r.Log = log
	return r
}
