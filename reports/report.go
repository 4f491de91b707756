// Package reports turns the results of a run into files: JSON (the source of
// truth, re-renderable), JUnit XML, Markdown and HTML.
package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/vocab"
)

// SchemaVersion is the version of the report JSON (docs/report-schema.json).
const SchemaVersion = 1

// Report is one run of authspec against one target.
type Report struct {
	Schema     int            `json:"schema"`
	Tool       string         `json:"tool"`
	Version    string         `json:"version"`
	Target     string         `json:"target"`
	Started    time.Time      `json:"started"`
	DurationMS int64          `json:"duration_ms"`
	Summary    runner.Summary `json:"summary"`
	// FailOn is the gate of the run (empty: vocab.GateMust).
	FailOn vocab.Gate `json:"fail_on,omitempty"`
	// Profiles selected (empty: all).
	Profiles []vocab.Profile `json:"profiles,omitempty"`
	// Claims are the profiles the target was declared to follow (config
	// claims:, --claim): the checks with such a Claim judged it.
	Claims []vocab.Profile `json:"claims,omitempty"`
	// Features the target offers, as discovered.
	Features []vocab.Feature `json:"features,omitempty"`
	// Aborted says why the run stopped before its end (the target stopped
	// answering); empty when every check ran.
	Aborted string `json:"aborted,omitempty"`
	// Baseline is what the baseline file did to the run, if one was given.
	Baseline *BaselineInfo `json:"baseline,omitempty"`
	// Shard is the slice of the selection the run covered (authspec run
	// --shard I/N); nil when it ran the whole selection.
	Shard *ShardInfo `json:"shard,omitempty"`
	// Shards is how many shard reports were merged into this one
	// (authspec report merge); 0 for a report that was not merged.
	Shards  int            `json:"shards,omitempty"`
	Results []suite.Result `json:"results"`
}

// ShardInfo says which slice of a selection a report covers, and what the
// selection was, so that a merge can tell that it has every shard.
type ShardInfo struct {
	// Index is the shard's number, from 1 to Count.
	Index int `json:"index"`
	Count int `json:"count"`
	// Selection is the ID of every check of the selection the shards were
	// cut from, in the order of a whole run.
	Selection []string `json:"selection"`
	// EveryShard are the checks of the selection that run in every shard
	// (they judge what the other checks observed); Merge combines their
	// results.
	EveryShard []string `json:"every_shard,omitempty"`
}

// Label is "shard I/N".
func (s *ShardInfo) Label() string { return fmt.Sprintf("shard %d/%d", s.Index, s.Count) }

// BaselineInfo records the effect of a baseline file on a run.
type BaselineInfo struct {
	File string `json:"file,omitempty"`
	// Accepted are the failures the baseline accepted (results marked
	// baselined).
	Accepted []string `json:"accepted,omitempty"`
	// Stale are baseline entries whose check now passes: the entry must be
	// removed, and until then the run fails, so a baseline only shrinks.
	Stale []string `json:"stale,omitempty"`
	// NotRun are entries whose check was not selected or was skipped.
	NotRun []string `json:"not_run,omitempty"`
}

// New builds a report from results.
func New(version, target string, started time.Time, results []suite.Result) *Report {
	return &Report{Schema: SchemaVersion, Tool: "authspec", Version: version, Target: target,
		Started: started.UTC(), DurationMS: time.Since(started).Milliseconds(),
		Summary: runner.Summarize(results), Results: results}
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return nil
}

// Load reads a report.json.
func Load(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open report: %w", err)
	}
	defer f.Close()
	r, err := Read(io.LimitReader(f, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	return r, nil
}

// Read decodes a report.json from rd.
func Read(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("not a JSON report: %w", err)
	}
	if r.Tool != "authspec" {
		return nil, fmt.Errorf("not an authspec report (tool %q)", r.Tool)
	}
	return &r, nil
}
