package reports

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/vocab"
)

// shardsOf cuts a report into n shard reports as `authspec run --shard`
// would write them: each result in one shard (round robin), the results
// listed in every (every shard), each shard with its own result for them.
func shardsOf(t *testing.T, whole *Report, n int, every map[string][]suite.Status) []Part {
	t.Helper()
	var selection, everyIDs []string
	for _, r := range whole.Results {
		selection = append(selection, r.ID)
	}
	for _, r := range whole.Results {
		if every[r.ID] != nil {
			everyIDs = append(everyIDs, r.ID)
		}
	}
	parts := make([]Part, n)
	for i := range parts {
		rep := *whole
		rep.Started = whole.Started.Add(time.Duration(i) * time.Second)
		rep.DurationMS = 1000
		rep.Results = nil
		rep.Shard = &ShardInfo{Index: i + 1, Count: n, Selection: selection, EveryShard: everyIDs}
		parts[i] = Part{Name: fmt.Sprintf("shard-%d.json", i+1), Report: &rep}
	}
	k := 0
	for _, r := range whole.Results {
		if sts := every[r.ID]; sts != nil {
			for i := range parts {
				rr := r
				rr.Status, rr.Message = sts[i], fmt.Sprintf("seen by %d", i+1)
				parts[i].Report.Results = append(parts[i].Report.Results, rr)
			}
			continue
		}
		parts[k%n].Report.Results = append(parts[k%n].Report.Results, r)
		k++
	}
	for i := range parts {
		parts[i].Report.Summary = runner.Summarize(parts[i].Report.Results)
	}
	return parts
}

func TestMerge_JoinsTheShards(t *testing.T) {
	whole := sampleReport(t)
	parts := shardsOf(t, whole, 3, nil)
	// Given in any order.
	parts[0], parts[2] = parts[2], parts[0]
	got, err := Merge(parts)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Shards)
	assert.Nil(t, got.Shard)
	assert.Equal(t, whole.Target, got.Target)
	assert.Equal(t, whole.Version, got.Version)
	assert.Equal(t, whole.Summary, got.Summary)
	assert.Equal(t, whole.Started, got.Started, "the earliest start")
	assert.EqualValues(t, 3000, got.DurationMS, "from the first start to the last end")
	require.Len(t, got.Results, len(whole.Results))
	for i, r := range whole.Results {
		assert.Equal(t, r.ID, got.Results[i].ID, "in the order of the whole run")
		assert.Equal(t, r.Status, got.Results[i].Status, r.ID)
	}
	assert.Empty(t, got.Aborted)
	assert.Empty(t, got.FailOn, "the gate is the merge's to set")
	assert.Nil(t, got.Baseline)

	// The merged report is a valid report.json.
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, got))
	assert.Empty(t, validateReport(t, loadSchema(t), decodeJSON(t, buf.Bytes())))
	buf.Reset()
	require.NoError(t, WriteJSON(&buf, parts[1].Report))
	assert.Empty(t, validateReport(t, loadSchema(t), decodeJSON(t, buf.Bytes())), "and so is a shard's")

	// The Markdown summary says what it covers.
	buf.Reset()
	require.NoError(t, WriteMarkdown(&buf, got))
	assert.Contains(t, buf.String(), "Merged from the reports of 3 shards.")
	buf.Reset()
	require.NoError(t, WriteMarkdown(&buf, parts[1].Report))
	assert.Contains(t, buf.String(), "**Shard 2/3** of a selection of 7 checks: `authspec report merge` joins the reports of all 3 shards.")
}

func TestMerge_OneShard(t *testing.T) {
	whole := sampleReport(t)
	got, err := Merge(shardsOf(t, whole, 1, nil))
	require.NoError(t, err)
	assert.Equal(t, whole.Summary, got.Summary)
	assert.Equal(t, 1, got.Shards)
}

func TestMerge_DropsTheShardsBaselines(t *testing.T) {
	whole := sampleReport(t)
	parts := shardsOf(t, whole, 2, nil)
	for _, p := range parts {
		p.Report.Baseline = &BaselineInfo{Accepted: []string{"rfc7591-3.2.2-error-json"}}
		for i := range p.Report.Results {
			if p.Report.Results[i].Baselined {
				p.Report.Results[i].Log = append([]string{"kept"}, AcceptedByBaseline+"a reason")
			}
		}
	}
	got, err := Merge(parts)
	require.NoError(t, err)
	assert.Nil(t, got.Baseline)
	for _, r := range got.Results {
		assert.False(t, r.Baselined, r.ID)
		if r.ID == "rfc7591-3.2.2-error-json" {
			assert.Equal(t, []string{"kept"}, r.Log)
		}
	}
}

func TestMerge_EveryShardChecks(t *testing.T) {
	tests := []struct {
		statuses []suite.Status
		want     suite.Status
		message  string
	}{
		{[]suite.Status{suite.Skip, suite.Skip, suite.Skip}, suite.Skip, "shard 1/3: seen by 1\nshard 2/3: seen by 2\nshard 3/3: seen by 3"},
		{[]suite.Status{suite.Skip, suite.Pass, suite.Skip}, suite.Pass, "seen by 2"},
		{[]suite.Status{suite.Pass, suite.Fail, suite.Warn}, suite.Fail, "seen by 2"},
		{[]suite.Status{suite.Fail, suite.Error, suite.Fail}, suite.Fail, "shard 1/3: seen by 1\nshard 3/3: seen by 3"},
		{[]suite.Status{suite.Pass, suite.Error, suite.Warn}, suite.Error, "seen by 2"},
		{[]suite.Status{suite.Warn, suite.Pass, suite.Pass}, suite.Warn, "seen by 1"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.statuses), func(t *testing.T) {
			whole := sampleReport(t)
			const id = "rfc6749-5.1-token-type"
			parts := shardsOf(t, whole, 3, map[string][]suite.Status{id: tt.statuses})
			for i, p := range parts {
				for j := range p.Report.Results {
					if r := &p.Report.Results[j]; r.ID == id {
						r.Log = []string{"observed"}
						r.DurationMS = int64(10 * (i + 1))
						r.Exchanges = []httpx.Exchange{{Note: fmt.Sprint(i + 1)}}
					}
				}
			}
			got, err := Merge(parts)
			require.NoError(t, err)
			r := got.Results[0]
			require.Equal(t, id, r.ID)
			assert.Equal(t, tt.want, r.Status)
			assert.Equal(t, tt.message, r.Message)
			assert.Equal(t, []string{"shard 1/3: observed", "shard 2/3: observed", "shard 3/3: observed"}, r.Log)
			assert.EqualValues(t, 30, r.DurationMS)
			var notes []string
			for i, st := range tt.statuses {
				if st == tt.want {
					notes = append(notes, fmt.Sprint(i+1))
				}
			}
			var gotNotes []string
			for _, ex := range r.Exchanges {
				gotNotes = append(gotNotes, ex.Note)
			}
			assert.Equal(t, notes, gotNotes, "the evidence of the shards that reached the verdict")
			assert.Equal(t, len(whole.Results), len(got.Results))
		})
	}
}

func TestMerge_EveryShardChecks_OneMessageOnce(t *testing.T) {
	const id = "rfc6749-5.1-token-type"
	parts := shardsOf(t, sampleReport(t), 3, map[string][]suite.Status{id: {suite.Skip, suite.Skip, suite.Skip}})
	for _, p := range parts {
		p.Report.Results[0].Message = "no response of register was observed during this run"
	}
	got, err := Merge(parts)
	require.NoError(t, err)
	assert.Equal(t, "no response of register was observed during this run", got.Results[0].Message)
}

func TestMerge_Errors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, parts []Part) []Part
		want   string
	}{
		{"none", func(t *testing.T, _ []Part) []Part { return nil }, "no shard report given"},
		{"a whole run", func(t *testing.T, p []Part) []Part { p[1].Report.Shard = nil; return p },
			"shard-2.json is the report of a whole run, not of a shard"},
		{"missing", func(t *testing.T, p []Part) []Part { return p[:2] }, "shard 3/3 missing: a merge needs the reports of all 3 shards"},
		{"two missing", func(t *testing.T, p []Part) []Part { return p[1:2] }, "shard 1/3, 3/3 missing"},
		{"duplicate", func(t *testing.T, p []Part) []Part { return append(p, Part{Name: "again.json", Report: p[1].Report}) },
			"shard-2.json and again.json are both shard 2/3: give each shard once"},
		{"other count", func(t *testing.T, p []Part) []Part { p[2].Report.Shard.Count = 4; return p },
			"the shards disagree on their number: shard-1.json is one of 3, shard-3.json one of 4"},
		{"out of range", func(t *testing.T, p []Part) []Part {
			for _, x := range p {
				x.Report.Shard.Count = 2
			}
			return p
		}, "shard-3.json: the shard must be from 1 to 2, not 3"},
		{"other target", func(t *testing.T, p []Part) []Part { p[1].Report.Target = "https://other.example"; return p },
			"the shards disagree on the target: https://auth.example.com in shard-1.json, https://other.example in shard-2.json"},
		{"other version", func(t *testing.T, p []Part) []Part { p[2].Report.Version = "1.2.4"; return p },
			"the shards disagree on the version of authspec: 1.2.3 in shard-1.json, 1.2.4 in shard-3.json"},
		{"other claims", func(t *testing.T, p []Part) []Part { p[1].Report.Claims = nil; return p },
			"the shards disagree on the claims: [oauth2.1] in shard-1.json, [] in shard-2.json"},
		{"other selection", func(t *testing.T, p []Part) []Part {
			s := *p[1].Report.Shard
			s.Selection = append([]string{"rfc9999-1-extra"}, s.Selection[1:]...)
			p[1].Report.Shard = &s
			return p
		}, "the shards disagree on the selection: 7 checks in shard-1.json, 7 in shard-2.json; only in shard-1.json: rfc6749-5.1-token-type; only in shard-2.json: rfc9999-1-extra"},
		{"a check in two shards", func(t *testing.T, p []Part) []Part {
			p[1].Report.Results = append(p[1].Report.Results, p[0].Report.Results[0])
			return p
		}, "check rfc6749-5.1-token-type is in two shards: shard 1/3 (shard-1.json) and shard 2/3 (shard-2.json)"},
		{"a check twice in a shard", func(t *testing.T, p []Part) []Part {
			p[0].Report.Results = append(p[0].Report.Results, p[0].Report.Results[0])
			return p
		}, "check rfc6749-5.1-token-type is in shard 1/3 (shard-1.json) twice"},
		{"a check outside the selection", func(t *testing.T, p []Part) []Part {
			p[2].Report.Results = append(p[2].Report.Results, suite.Result{ID: "rfc9999-1-extra", Status: suite.Pass})
			return p
		}, "check rfc9999-1-extra of shard 3/3 (shard-3.json) is not in the selection"},
		{"a check in no shard", func(t *testing.T, p []Part) []Part {
			p[0].Report.Results = p[0].Report.Results[1:]
			return p
		}, "1 check(s) of the selection are in no shard: rfc6749-5.1-token-type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := tt.mutate(t, shardsOf(t, sampleReport(t), 3, nil))
			_, err := Merge(parts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	t.Run("an every-shard check missing from a shard", func(t *testing.T) {
		parts := shardsOf(t, sampleReport(t), 2, map[string][]suite.Status{"rfc6749-5.1-token-type": {suite.Pass, suite.Pass}})
		parts[1].Report.Results = parts[1].Report.Results[1:]
		_, err := Merge(parts)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "check rfc6749-5.1-token-type runs in every shard, and shard 2/2 (shard-2.json) has no result for it")
	})
}

func TestMerge_Aborted(t *testing.T) {
	parts := shardsOf(t, sampleReport(t), 3, nil)
	parts[1].Report.Aborted = "the target stopped answering"
	parts[1].Report.Features = append(parts[1].Report.Features, vocab.FeatureDCR)
	got, err := Merge(parts)
	require.NoError(t, err)
	assert.Equal(t, "shard 2/3: the target stopped answering", got.Aborted)
	assert.Contains(t, got.Features, vocab.FeatureDCR, "the features any shard saw")
}
