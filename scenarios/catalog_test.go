package scenarios_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

var update = flag.Bool("update", false, "regenerate scenarios/testdata/catalog.golden.json and docs/checks.md")

const (
	goldenPath = "testdata/catalog.golden.json"
	docsPath   = "../docs/checks.md"
)

// TestCatalogGolden fails when a check is added, removed, renamed or
// re-levelled until `make catalog` regenerates the golden file, so that every
// change of the public catalog is reviewed.
func TestCatalogGolden(t *testing.T) {
	entries := catalog(t)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(entries))
	ws, err := walks(entries)
	require.NoError(t, err)
	docs := renderDocs(entries, ws)
	if *update {
		require.NoError(t, os.WriteFile(goldenPath, buf.Bytes(), 0o644))
		require.NoError(t, os.WriteFile(docsPath, []byte(docs), 0o644))
		return
	}
	want, err := os.ReadFile(goldenPath)
	require.NoError(t, err, "run `make catalog` to create the golden catalog")
	require.Equal(t, string(want), buf.String(), "the catalog changed: review, then run `make catalog`")
	have, err := os.ReadFile(docsPath)
	require.NoError(t, err, "run `make catalog` to create docs/checks.md")
	require.Equal(t, docs, string(have), "docs/checks.md is stale: run `make catalog`")
}

// catalog is the registry's catalog with the file of each check, found in
// the sources (the registry does not know it).
func catalog(t *testing.T) []suite.CatalogEntry {
	t.Helper()
	reg, err := scenarios.Registry()
	require.NoError(t, err)
	entries := reg.Catalog()
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	files, err := checkFiles(".", ids)
	require.NoError(t, err, "every check's ID must stand as a string literal exactly once, in the file that defines it")
	for i := range entries {
		entries[i].File = files[entries[i].ID]
	}
	return entries
}

func renderDocs(entries []suite.CatalogEntry, ws map[suite.Spec]*walk) string {
	var b strings.Builder
	b.WriteString("# Checks\n\nGenerated from the registry by `make catalog`; do not edit.\n\n")
	bySpec := map[suite.Spec][]suite.CatalogEntry{}
	levels := map[suite.Spec]map[suite.Level]int{}
	var specs []string
	for _, e := range entries {
		if _, ok := bySpec[e.Spec]; !ok {
			specs = append(specs, string(e.Spec))
			levels[e.Spec] = map[suite.Level]int{}
		}
		bySpec[e.Spec] = append(bySpec[e.Spec], e)
		levels[e.Spec][e.Level]++
	}
	sort.Strings(specs)
	all := []suite.Level{suite.Must, suite.MustNot, suite.Should, suite.ShouldNot, suite.May}
	fmt.Fprintf(&b, "%d checks.\n\n| spec | checks | MUST | MUST NOT | SHOULD | SHOULD NOT | MAY |\n|---|---|---|---|---|---|---|\n", len(entries))
	for _, s := range specs {
		l := levels[suite.Spec(s)]
		fmt.Fprintf(&b, "| %s | %d |", s, len(bySpec[suite.Spec(s)]))
		for _, lv := range all {
			fmt.Fprintf(&b, " %d |", l[lv])
		}
		b.WriteString("\n")
	}
	mandatory := 0
	profiles := map[vocab.Profile]int{}
	for _, e := range entries {
		if e.Level.Mandatory() {
			mandatory++
		}
		for _, p := range e.Profiles {
			profiles[p]++
		}
	}
	fmt.Fprintf(&b, "\n%d of them are MUST or MUST NOT.\n", mandatory)
	names := make([]vocab.Profile, 0, len(vocab.ProfileDescriptions))
	for p := range vocab.ProfileDescriptions {
		names = append(names, p)
	}
	slices.Sort(names)
	b.WriteString("\n## Profiles\n\nRun one with `authspec run --profile NAME`; a check may belong to several. " +
		"A check marked *claim* judges a rule that its profile adds to what the base specifications leave open: it runs only when the target claims to follow the profile " +
		"(`claims: [NAME]` in the config, or `authspec run --claim NAME`), and is SKIP otherwise. Choosing a profile with `--profile` (or `profiles:`) claims it too.\n\n| profile | checks | what it covers |\n|---|---|---|\n")
	for _, p := range names {
		fmt.Fprintf(&b, "| `%s` | %d | %s |\n", p, profiles[p], vocab.ProfileDescriptions[p])
	}
	b.WriteString(renderWalks(specs, ws))
	for _, s := range specs {
		fmt.Fprintf(&b, "\n## %s\n\n| section | level | check | requirement | needs | profiles |\n|---|---|---|---|---|---|\n", s)
		es := bySpec[suite.Spec(s)]
		sort.SliceStable(es, func(i, j int) bool { return sectionLess(es[i].Section, es[j].Section) })
		for _, e := range es {
			needs := make([]string, len(e.Requires))
			for i, f := range e.Requires {
				needs[i] = string(f)
			}
			fmt.Fprintf(&b, "| %s | %s | [`%s`](../%s) | %s | %s | %s |\n", e.Section, e.Level, e.ID, e.File,
				strings.ReplaceAll(e.Title, "|", `\|`), strings.Join(needs, ", "), profilesCell(e))
		}
	}
	return b.String()
}

// profilesCell lists the profiles of e, its claim marked.
func profilesCell(e suite.CatalogEntry) string {
	names := vocab.Strings(e.Profiles)
	for i, n := range names {
		if vocab.Profile(n) == e.Claim {
			names[i] = n + " (*claim*)"
		}
	}
	return strings.Join(names, ", ")
}

// sectionLess orders "4.1.2.1" after "4.1.2" and "10" after "9".
func sectionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var x, y int
		_, ex := fmt.Sscanf(pa[i], "%d", &x)
		_, ey := fmt.Sscanf(pb[i], "%d", &y)
		if ex == nil && ey == nil && x != y {
			return x < y
		}
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}
