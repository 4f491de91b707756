package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/suite"
)

// BaselineVersion is the format version of baseline files.
const BaselineVersion = 1

// Baseline lists the known failures of a target by check ID, each with the
// reason it is accepted. Listed failures do not fail a run; a listed check
// that passes again fails the run as stale until its entry is removed, so a
// baseline only shrinks.
type Baseline struct {
	Version int            `yaml:"version"`
	Target  string         `yaml:"target,omitempty"`
	Known   []KnownFailure `yaml:"known_failures"`

	file string
}

// KnownFailure is one accepted failure.
type KnownFailure struct {
	ID     string `yaml:"id"`
	Reason string `yaml:"reason"`
}

// LoadBaseline reads a baseline file. Unknown keys, duplicate IDs and
// entries without a reason are errors that name the file.
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	b, err := ParseBaseline(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	b.file = path
	return b, nil
}

// ParseBaseline parses a baseline document.
func ParseBaseline(data []byte) (*Baseline, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file")
		}
		return nil, fmt.Errorf("not a baseline: %w", err)
	}
	if b.Version != BaselineVersion {
		return nil, fmt.Errorf("version %d: this authspec reads version %d", b.Version, BaselineVersion)
	}
	seen := map[string]bool{}
	var errs []string
	for i, k := range b.Known {
		switch {
		case k.ID == "":
			errs = append(errs, fmt.Sprintf("known_failures[%d] has no id", i))
		case seen[k.ID]:
			errs = append(errs, fmt.Sprintf("%s is listed twice", k.ID))
		case strings.TrimSpace(k.Reason) == "":
			errs = append(errs, fmt.Sprintf("%s has no reason: say why the failure is accepted", k.ID))
		}
		seen[k.ID] = true
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return &b, nil
}

// Validate reports entries that name no check of the catalog (a typo would
// otherwise accept nothing, silently).
func (b *Baseline) Validate(reg *suite.Registry) error {
	return b.validate(func(id string) bool { _, ok := reg.Get(id); return ok })
}

// validate reports the entries whose ID is not known.
func (b *Baseline) validate(known func(id string) bool) error {
	var unknown []string
	for _, k := range b.Known {
		if !known(k.ID) {
			unknown = append(unknown, k.ID)
		}
	}
	if len(unknown) > 0 {
		where := "baseline"
		if b.file != "" {
			where = "baseline " + b.file
		}
		return fmt.Errorf("%s: unknown check IDs %s (see authspec list)", where, strings.Join(unknown, ", "))
	}
	return nil
}

// Apply marks the failures the baseline accepts and records stale entries
// in the report.
func (b *Baseline) Apply(rep *reports.Report) {
	reasons := map[string]string{}
	for _, k := range b.Known {
		reasons[k.ID] = k.Reason
	}
	info := &reports.BaselineInfo{File: b.file}
	ran := map[string]bool{}
	for i := range rep.Results {
		r := &rep.Results[i]
		reason, listed := reasons[r.ID]
		if !listed {
			continue
		}
		ran[r.ID] = true
		switch r.Status {
		case suite.Fail, suite.Warn, suite.Error:
			r.Baselined = true
			r.Log = append(r.Log, reports.AcceptedByBaseline+reason)
			info.Accepted = append(info.Accepted, r.ID)
		case suite.Pass:
			info.Stale = append(info.Stale, r.ID)
		default:
			info.NotRun = append(info.NotRun, r.ID)
		}
	}
	for _, k := range b.Known {
		if !ran[k.ID] {
			info.NotRun = append(info.NotRun, k.ID)
		}
	}
	sort.Strings(info.NotRun)
	rep.Baseline = info
}

// BaselineFromReport lists every FAIL, WARN and ERROR of a report, each with
// reason, as a new baseline.
func BaselineFromReport(rep *reports.Report, reason string) *Baseline {
	if strings.TrimSpace(reason) == "" {
		reason = "accepted from the run of " + rep.Started.Format(time.DateOnly) + "; replace with the real reason"
	}
	b := &Baseline{Version: BaselineVersion, Target: rep.Target}
	for _, r := range rep.Results {
		if r.Status == suite.Fail || r.Status == suite.Warn || r.Status == suite.Error {
			b.Known = append(b.Known, KnownFailure{ID: r.ID, Reason: reason})
		}
	}
	sort.Slice(b.Known, func(i, j int) bool { return b.Known[i].ID < b.Known[j].ID })
	return b
}

// Write writes the baseline as YAML with a header that explains it.
func (b *Baseline) Write(w io.Writer) error {
	var buf bytes.Buffer
	buf.WriteString("# authspec baseline: known failures, each with the reason it is accepted.\n")
	buf.WriteString("# Listed failures do not fail `authspec run --baseline FILE`; a listed check that\n")
	buf.WriteString("# passes again fails the run until its entry is removed, so this list only shrinks.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("encode baseline: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encode baseline: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}
