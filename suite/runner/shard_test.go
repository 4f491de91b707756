package runner_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    runner.Shard
		wantErr string
	}{
		{in: "1/1", want: runner.Shard{Index: 1, Count: 1}},
		{in: "2/3", want: runner.Shard{Index: 2, Count: 3}},
		{in: " 3 / 3 ", want: runner.Shard{Index: 3, Count: 3}},
		{in: "0/3", wantErr: "the shard must be from 1 to 3, not 0"},
		{in: "4/3", wantErr: "the shard must be from 1 to 3, not 4"},
		{in: "-1/3", wantErr: "the shard must be from 1 to 3, not -1"},
		{in: "1/0", wantErr: "the number of shards must be at least 1"},
		{in: "1/1001", wantErr: "at most 1000"},
		{in: "3", wantErr: "give I/N"},
		{in: "", wantErr: "give I/N"},
		{in: "a/b", wantErr: "whole numbers"},
		{in: "1/2/3", wantErr: "whole numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := runner.ParseShard(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, fmt.Sprintf("%d/%d", got.Index, got.Count), got.String())
		})
	}
	assert.True(t, runner.Shard{}.IsZero())
	assert.Error(t, runner.Shard{}.Validate(), "the zero Shard is no shard")
}

// catalog is a selection shaped like the real one: sections of one to
// eleven checks in a few specifications, and After checks.
func catalog() []*suite.Check {
	run := func(context.Context, *suite.T) error { return nil }
	var out []*suite.Check
	specs := []suite.Spec{suite.RFC6749, suite.RFC7591, suite.RFC8414, suite.MCP}
	for s, spec := range specs {
		for sec := 1; sec <= 12; sec++ {
			for k := 0; k < 1+(sec*7+s*3)%11; k++ {
				out = append(out, &suite.Check{ID: fmt.Sprintf("s%d-%d-c%02d", s, sec, k), Spec: spec,
					Section: fmt.Sprintf("%d.%d", sec, s), Level: suite.Must, Title: "x", Run: run})
			}
		}
	}
	for k := 0; k < 3; k++ {
		out = append(out, &suite.Check{ID: fmt.Sprintf("openapi-%d", k), Spec: suite.OpenAPI, Section: "op",
			Level: suite.Must, Title: "x", After: true, Run: run})
	}
	return out
}

func ids(checks []*suite.Check) []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = c.ID
	}
	return out
}

func TestSplit_PartitionsTheSelection(t *testing.T) {
	checks := catalog()
	for n := 1; n <= 7; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			shards := runner.Split(checks, n)
			require.Len(t, shards, n)
			in := map[string][]int{}
			load := make([]int, n)
			for i, sh := range shards {
				assert.True(t, slices.IsSortedFunc(sh, func(a, b *suite.Check) int {
					return slices.Index(checks, a) - slices.Index(checks, b)
				}), "shard %d keeps the order of the selection", i+1)
				for _, c := range sh {
					in[c.ID] = append(in[c.ID], i)
					if !c.After {
						load[i]++
					}
				}
				// Pick is the same slice.
				assert.Equal(t, ids(sh), ids(runner.Shard{Index: i + 1, Count: n}.Pick(checks)))
			}
			group := map[string]int{}
			for _, c := range checks {
				if c.After {
					assert.Len(t, in[c.ID], n, "%s judges what every shard observed: it runs in each", c.ID)
					continue
				}
				require.Len(t, in[c.ID], 1, "%s is in exactly one shard", c.ID)
				if g, seen := group[runner.Group(c)]; seen {
					assert.Equal(t, g, in[c.ID][0], "%s stays with its group %s", c.ID, runner.Group(c))
				}
				group[runner.Group(c)] = in[c.ID][0]
			}
			assert.Len(t, in, len(checks), "the union is the selection")
			// Balanced within the largest group.
			assert.LessOrEqual(t, slices.Max(load)-slices.Min(load), 11, "loads %v", load)
		})
	}
}

func TestSplit_Deterministic(t *testing.T) {
	checks := catalog()
	want := runner.Split(checks, 3)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(checks)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := runner.Split(shuffled, 3)
		for i := range want {
			assert.ElementsMatch(t, ids(want[i]), ids(got[i]), "shard %d does not depend on the order of the checks", i+1)
		}
	}
	// The same checks built again (new pointers, new maps) split the same way.
	again := runner.Split(catalog(), 3)
	for i := range want {
		assert.Equal(t, ids(want[i]), ids(again[i]))
	}
}

func TestSplit_MoreShardsThanGroups(t *testing.T) {
	run := func(context.Context, *suite.T) error { return nil }
	checks := []*suite.Check{
		{ID: "a-1", Spec: suite.RFC6749, Section: "1", Level: suite.Must, Title: "x", Run: run},
		{ID: "a-2", Spec: suite.RFC6749, Section: "1", Level: suite.Must, Title: "x", Run: run},
		{ID: "b-1", Spec: suite.RFC6749, Section: "2", Level: suite.Must, Title: "x", Run: run},
		{ID: "openapi-x", Spec: suite.OpenAPI, Section: "op", Level: suite.Must, Title: "x", After: true, Run: run},
	}
	shards := runner.Split(checks, 4)
	assert.Equal(t, []string{"a-1", "a-2", "openapi-x"}, ids(shards[0]))
	assert.Equal(t, []string{"b-1", "openapi-x"}, ids(shards[1]))
	assert.Equal(t, []string{"openapi-x"}, ids(shards[2]), "a shard without a group of its own still judges what it saw")
	assert.Equal(t, []string{"openapi-x"}, ids(shards[3]))
}
