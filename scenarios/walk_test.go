package scenarios_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/authspec/authspec/suite"
)

// The walk of a specification lists, section by section, every requirement
// whose subject is the authorization server or the resource server, with
// the checks that test it or the reason it cannot be tested from outside.
// It is the file walk.yaml of the specification's package
// (docs/contributing.md, "Walking a specification"); docs/checks.md shows
// it with each specification's coverage.

// walkFileName is the walk's file in a specification's package.
const walkFileName = "walk.yaml"

// notWalked are the specifications whose walk is still to be written: each
// specification of the catalog has a walk.yaml or is listed here.
var notWalked = []suite.Spec{}

// walk is a walk.yaml.
type walk struct {
	Spec         suite.Spec    `yaml:"spec"`
	Requirements []requirement `yaml:"requirements"`
}

// requirement is one requirement of a walk: its section, the level its
// keyword gives it ("keywordless" for a normative statement without one),
// its sentence quoted verbatim (shortened only with "..."), and either the
// checks that test it or why it cannot be tested from outside, and what a
// user can do instead.
type requirement struct {
	Section    string   `yaml:"section"`
	Level      string   `yaml:"level"`
	Quote      string   `yaml:"quote"`
	Checks     []string `yaml:"checks,omitempty"`
	Untestable string   `yaml:"untestable,omitempty"`
	// Gap says what a check would do for a requirement testable from
	// outside that no check tests yet.
	Gap string `yaml:"gap,omitempty"`
}

// levelKeywordless is the level of a normative statement written without
// an RFC 2119 keyword.
const levelKeywordless = "keywordless"

// walks reads the walk.yaml of every specification of the catalog, found
// in the directory of its checks' files; a specification without one is
// absent from the result.
func walks(entries []suite.CatalogEntry) (map[suite.Spec]*walk, error) {
	dirs := map[suite.Spec]string{}
	for _, e := range entries {
		if e.File != "" {
			dirs[e.Spec] = filepath.Dir(e.File)
		}
	}
	out := map[suite.Spec]*walk{}
	for spec, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(strings.TrimPrefix(dir, "scenarios/"), walkFileName))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("walk of %s: %w", spec, err)
		}
		var w walk
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(&w); err != nil {
			return nil, fmt.Errorf("walk of %s (%s/%s): %w", spec, dir, walkFileName, err)
		}
		if w.Spec != spec {
			return nil, fmt.Errorf("%s/%s is the walk of %q, but the package holds the checks of %s", dir, walkFileName, w.Spec, spec)
		}
		out[spec] = &w
	}
	return out, nil
}

// TestWalk keeps each walk and the catalog in step: every check of a walked
// specification appears in its walk, every check a walk names exists,
// every requirement has checks or the reason it has none, and its quote
// holds the keyword of its level. Each specification is walked or listed
// in notWalked.
func TestWalk(t *testing.T) {
	entries := catalog(t)
	ws, err := walks(entries)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	specs := map[suite.Spec]bool{}
	for _, e := range entries {
		ids[e.ID] = true
		specs[e.Spec] = true
	}
	for spec := range specs {
		_, walked := ws[spec]
		switch listed := slices.Contains(notWalked, spec); {
		case walked && listed:
			t.Errorf("%s has a walk: remove it from notWalked", spec)
		case !walked && !listed:
			t.Errorf("%s has no %s: walk it, or list it in notWalked", spec, walkFileName)
		}
	}
	for spec, w := range ws {
		inWalk := map[string]bool{}
		for i, r := range w.Requirements {
			where := fmt.Sprintf("%s walk, requirement %d (§%s)", spec, i+1, r.Section)
			for _, problem := range requirementProblems(r, ids) {
				t.Errorf("%s: %s", where, problem)
			}
			for _, id := range r.Checks {
				inWalk[id] = true
			}
		}
		for _, e := range entries {
			if e.Spec == spec && !inWalk[e.ID] {
				t.Errorf("%s is a check of %s that its walk does not list: add it to the requirement it tests", e.ID, spec)
			}
		}
	}
}

// requirementProblems says what is wrong with one requirement of a walk.
func requirementProblems(r requirement, ids map[string]bool) []string {
	var out []string
	if r.Section == "" || strings.TrimSpace(r.Quote) == "" {
		out = append(out, "section and quote are required")
	}
	said := 0
	for _, v := range []bool{len(r.Checks) > 0, strings.TrimSpace(r.Untestable) != "", strings.TrimSpace(r.Gap) != ""} {
		if v {
			said++
		}
	}
	if said != 1 {
		out = append(out, "give exactly one of checks, untestable (why it cannot be tested from outside) and gap (testable, no check yet)")
	}
	for _, id := range r.Checks {
		if !ids[id] {
			out = append(out, fmt.Sprintf("names the check %s, which does not exist", id))
		}
	}
	if r.Level == levelKeywordless {
		return out
	}
	re, ok := keywords[suite.Level(r.Level)]
	switch {
	case !ok:
		out = append(out, fmt.Sprintf("level %q is none of MUST, MUST NOT, SHOULD, SHOULD NOT, MAY, %s", r.Level, levelKeywordless))
	case !re.MatchString(r.Quote):
		out = append(out, fmt.Sprintf("the quote does not hold the keyword of its level %s", r.Level))
	}
	return out
}

// renderWalks renders the coverage of every specification (requirements
// walked, tested, not testable from outside; "not walked yet") and the
// walks themselves, for docs/checks.md.
func renderWalks(specs []string, ws map[suite.Spec]*walk) string {
	var b strings.Builder
	b.WriteString("\n## Coverage\n\nEach specification's walk lists every requirement whose subject is the authorization server or the resource server, " +
		"with the checks that test it or why it cannot be tested from outside (`scenarios/<package>/walk.yaml`).\n\n" +
		"| spec | requirements walked | tested | not tested yet | not testable from outside |\n|---|---|---|---|---|\n")
	for _, s := range specs {
		w, ok := ws[suite.Spec(s)]
		if !ok {
			fmt.Fprintf(&b, "| %s | not walked yet | | | |\n", s)
			continue
		}
		tested, gaps := 0, 0
		for _, r := range w.Requirements {
			switch {
			case len(r.Checks) > 0:
				tested++
			case r.Gap != "":
				gaps++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", s, len(w.Requirements), tested, gaps, len(w.Requirements)-tested-gaps)
	}
	for _, s := range specs {
		w, ok := ws[suite.Spec(s)]
		if !ok {
			continue
		}
		rs := slices.Clone(w.Requirements)
		sort.SliceStable(rs, func(i, j int) bool { return sectionLess(rs[i].Section, rs[j].Section) })
		fmt.Fprintf(&b, "\n### Walk of %s\n\n| section | level | requirement | tested by, or why it cannot be tested from outside |\n|---|---|---|---|\n", s)
		for _, r := range rs {
			how := "not testable from outside: " + r.Untestable
			switch {
			case len(r.Checks) > 0:
				how = "`" + strings.Join(r.Checks, "`, `") + "`"
			case r.Gap != "":
				how = "not tested yet: " + r.Gap
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.Section, r.Level, cell(r.Quote), cell(how))
		}
	}
	return b.String()
}

// cell makes text fit one cell of a Markdown table.
func cell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}
