package scenarios_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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
