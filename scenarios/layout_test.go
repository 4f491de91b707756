package scenarios_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
)

// sourceLiteral is one string literal of the scenarios sources that equals a
// catalog ID.
type sourceLiteral struct {
	file string // repository-relative, slash-separated
	line int
}

// idLiterals parses the non-test Go files below the scenarios directory dir
// (except those of package scenarios itself, whose profile lists name IDs
// of other packages' checks) and returns, for every ID in ids, where it
// stands as a string literal.
func idLiterals(dir string, ids map[string]bool) (map[string][]sourceLiteral, error) {
	fset := token.NewFileSet()
	found := map[string][]sourceLiteral{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == filepath.Clean(dir) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("parse %s: %w", path, err)
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		name := "scenarios/" + filepath.ToSlash(rel)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if v, err := strconv.Unquote(lit.Value); err == nil && ids[v] {
				found[v] = append(found[v], sourceLiteral{file: name, line: fset.Position(lit.Pos()).Line})
			}
			return true
		})
		return nil
	})
	return found, err
}

// checkFiles maps every catalog ID to the file that defines it: the one
// file where the ID stands as a string literal. It reports the IDs that
// stand nowhere or more than once.
func checkFiles(dir string, ids []string) (map[string]string, error) {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	found, err := idLiterals(dir, set)
	if err != nil {
		return nil, err
	}
	files := make(map[string]string, len(ids))
	var problems []string
	for _, id := range ids {
		switch lits := found[id]; len(lits) {
		case 1:
			files[id] = lits[0].file
		case 0:
			problems = append(problems, fmt.Sprintf("%s: not a string literal in any check package (build IDs as literals, never by concatenation)", id))
		default:
			var at []string
			for _, l := range lits {
				at = append(at, fmt.Sprintf("%s:%d", l.file, l.line))
			}
			problems = append(problems, fmt.Sprintf("%s: a literal %d times (%s); it may stand only where the check is defined", id, len(lits), strings.Join(at, ", ")))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return files, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return files, nil
}

// TestCheckLayout fails when a check does not live where its specification
// and section say, so that anyone can find a check from its ID and the
// catalog points at the right file. The rule (docs/contributing.md, "Where a
// check lives"):
//
//   - Package = specification. A check of RFC NNNN lives in scenarios/rfcNNNN,
//     one of the MCP authorization specification in scenarios/mcp, one of
//     the authspec OpenAPI contract in scenarios/contract.
//   - The ID names the specification and the section. It starts with the
//     package name (rfc6749-, mcp-), or openapi- for the contract; when the
//     section is a number, the next token is that number: a check with
//     Section "4.1.2.1" of RFC 6749 is rfc6749-4.1.2.1-<slug>.
//   - File = section. A numbered section lives in the file named after the
//     number, dots as underscores, and a slug of its title that starts with
//     a letter (4_1_2_1_error_response.go); a named section (the MCP
//     2025-11-25 sections) in the file named after the slug of its title
//     (client_id_metadata_documents.go). All checks of a section are in its
//     one file. The contract's checks, one per operation, are in
//     contract.go.
//   - The ID stands as a string literal exactly once in the non-test
//     sources of the check packages: in the file that defines the check.
//     (IDs are never built by concatenation; the profile lists of package
//     scenarios name IDs and are not counted.)
func TestCheckLayout(t *testing.T) {
	entries := catalog(t)
	sectionFiles := map[string]map[string]bool{}
	for _, e := range entries {
		want, err := layoutOf(e)
		if err != nil {
			t.Errorf("%s: %v", e.ID, err)
			continue
		}
		dir, base := path.Split(e.File)
		if dir != want.dir {
			t.Errorf("%s: defined in %s, but checks of %s live in %s", e.ID, e.File, e.Spec, want.dir)
		}
		if !strings.HasPrefix(e.ID, want.idPrefix) {
			t.Errorf("%s: the ID of a check of %s with Section %q starts with %q", e.ID, e.Spec, e.Section, want.idPrefix)
		}
		if !want.file.MatchString(base) {
			t.Errorf("%s: defined in %s, but Section %q of %s lives in a file named %s", e.ID, e.File, e.Section, e.Spec, want.fileDoc)
		}
		key := string(e.Spec) + " §" + e.Section
		if sectionFiles[key] == nil {
			sectionFiles[key] = map[string]bool{}
		}
		sectionFiles[key][e.File] = true
	}
	for key, files := range sectionFiles {
		if len(files) > 1 {
			var names []string
			for f := range files {
				names = append(names, f)
			}
			sort.Strings(names)
			t.Errorf("%s: checks in %d files (%s); a section has one file", key, len(files), strings.Join(names, ", "))
		}
	}
}

// layout is where a check of a given specification and section lives.
type layout struct {
	dir      string // scenarios/rfc6749/
	idPrefix string // rfc6749-4.1.2.1-
	file     *regexp.Regexp
	fileDoc  string
}

var (
	numberedSection = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)
	rfcSpec         = regexp.MustCompile(`^RFC ([0-9]+)$`)
	nonAlnum        = regexp.MustCompile(`[^a-z0-9]+`)
)

// layoutOf applies the rule of TestCheckLayout to e.
func layoutOf(e suite.CatalogEntry) (layout, error) {
	var pkg, prefix string
	switch m := rfcSpec.FindStringSubmatch(string(e.Spec)); {
	case m != nil:
		pkg, prefix = "rfc"+m[1], "rfc"+m[1]+"-"
	case e.Spec == suite.MCP:
		pkg, prefix = "mcp", "mcp-"
	case e.Spec == suite.OAuth21:
		pkg, prefix = "oauth21", "oauth21-"
	case e.Spec == suite.OpenAPI:
		return layout{dir: "scenarios/contract/", idPrefix: "openapi-",
			file: regexp.MustCompile(`^contract\.go$`), fileDoc: "contract.go"}, nil
	default:
		return layout{}, fmt.Errorf("no package for specification %q: add it to layoutOf and docs/contributing.md", e.Spec)
	}
	l := layout{dir: "scenarios/" + pkg + "/", idPrefix: prefix}
	if numberedSection.MatchString(e.Section) {
		l.idPrefix += e.Section + "-"
		number := strings.ReplaceAll(e.Section, ".", "_")
		l.file = regexp.MustCompile(`^` + number + `_[a-z][a-z0-9_]*\.go$`)
		l.fileDoc = number + "_<slug>.go"
		return l, nil
	}
	if strings.HasPrefix(string(e.Spec), "RFC ") {
		return layout{}, fmt.Errorf("section %q of %s is not a section number", e.Section, e.Spec)
	}
	slug := strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(e.Section), "_"), "_")
	l.file = regexp.MustCompile(`^` + regexp.QuoteMeta(slug) + `\.go$`)
	l.fileDoc = slug + ".go"
	return l, nil
}

// maxFuncLines is the longest a function in scenarios/ may be, closures
// inside it included.
const maxFuncLines = 80

// TestFunctionLength keeps every function of scenarios/ (tests included)
// short enough to read at once: a section's list function only names its
// checks, each Run is a named function, and a long Run is split into named
// steps. Function literals in package-level declarations count too.
func TestFunctionLength(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		long := func(name string, n ast.Node) {
			from, to := fset.Position(n.Pos()), fset.Position(n.End())
			if n := to.Line - from.Line + 1; n > maxFuncLines {
				t.Errorf("scenarios/%s:%d: %s is %d lines; split it (at most %d)", filepath.ToSlash(p), from.Line, name, n, maxFuncLines)
			}
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				long(d.Name.Name, d)
			case *ast.GenDecl:
				// A check declared as a variable may hold its Run as a
				// closure: the same limit applies to it.
				ast.Inspect(d, func(n ast.Node) bool {
					if fl, ok := n.(*ast.FuncLit); ok {
						long("a function literal of a declaration", fl)
						return false
					}
					return true
				})
			}
		}
		return nil
	})
	require.NoError(t, err)
}
