package runner

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/authspec/authspec/suite"
)

// Shard is one of Count slices of a selection of checks, numbered from 1,
// so that Count jobs (a CI matrix) run the selection together and their
// reports merge into the report of the whole selection. The zero Shard is
// the whole selection.
type Shard struct {
	Index, Count int
}

// ParseShard parses "I/N" (2/3: the second of three shards).
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("%q: give I/N, the shard I of N (e.g. 1/3)", s)
	}
	var sh Shard
	var err1, err2 error
	sh.Index, err1 = strconv.Atoi(strings.TrimSpace(i))
	sh.Count, err2 = strconv.Atoi(strings.TrimSpace(n))
	if err := errors.Join(err1, err2); err != nil {
		return Shard{}, fmt.Errorf("%q: give I/N with whole numbers, the shard I of N (e.g. 1/3)", s)
	}
	if err := sh.Validate(); err != nil {
		return Shard{}, fmt.Errorf("%q: %w", s, err)
	}
	return sh, nil
}

// maxShards bounds Count: more shards than that splits no catalog usefully.
const maxShards = 1000

// Validate reports a shard outside 1 ≤ Index ≤ Count.
func (s Shard) Validate() error {
	switch {
	case s.Count < 1:
		return fmt.Errorf("the number of shards must be at least 1, not %d", s.Count)
	case s.Count > maxShards:
		return fmt.Errorf("the number of shards must be at most %d, not %d", maxShards, s.Count)
	case s.Index < 1 || s.Index > s.Count:
		return fmt.Errorf("the shard must be from 1 to %d, not %d", s.Count, s.Index)
	}
	return nil
}

// IsZero reports whether s is the whole selection (no sharding).
func (s Shard) IsZero() bool { return s == Shard{} }

// String is "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Pick returns the checks of the selection that shard s runs, in the order
// of checks (see Split). The zero Shard picks them all.
func (s Shard) Pick(checks []*suite.Check) []*suite.Check {
	if s.IsZero() {
		return checks
	}
	return Split(checks, s.Count)[s.Index-1]
}

// Group is the key that keeps checks in one shard: the specification and
// the section, so that the checks of a section, which drive the target
// through the same requests and the run's fixtures in the same way, run
// in the same job.
func Group(c *suite.Check) string { return string(c.Spec) + " §" + c.Section }

// Split divides a selection into n shards, each in the order of checks.
//
// A check marked After is in every shard: it judges what the other checks
// of its run observed (the OpenAPI contract), so each shard judges its own
// observations and a merge combines the verdicts. Every other check is in
// exactly one shard, with the checks of its Group. The groups are dealt
// largest first (ties by key) to the shard with the fewest checks so far
// (ties to the lowest number): the split depends only on the set of checks
// selected, never on their order, a map's order, the machine or the time,
// so that N jobs given the same selection cut it the same way.
func Split(checks []*suite.Check, n int) [][]*suite.Check {
	if n < 1 {
		n = 1
	}
	size := map[string]int{}
	for _, c := range checks {
		if !c.After {
			size[Group(c)]++
		}
	}
	groups := make([]string, 0, len(size))
	for g := range size {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b string) int {
		if c := cmp.Compare(size[b], size[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	load := make([]int, n)
	shardOf := make(map[string]int, len(groups))
	for _, g := range groups {
		least := 0
		for i := range load {
			if load[i] < load[least] {
				least = i
			}
		}
		shardOf[g] = least
		load[least] += size[g]
	}
	out := make([][]*suite.Check, n)
	for _, c := range checks {
		if c.After {
			for i := range out {
				out[i] = append(out[i], c)
			}
			continue
		}
		i := shardOf[Group(c)]
		out[i] = append(out[i], c)
	}
	return out
}
