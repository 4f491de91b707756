package suite_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestEngineNeverPrintsNorReadsTheEnvironment: nothing under suite/ writes
// to the terminal or reads the process's environment. What a person should
// see goes through callbacks (conformance.Options.OnNotice, OnEvent,
// OnBrowserTrace) and what the environment says comes in through options;
// only cmd/authspec touches either.
func TestEngineNeverPrintsNorReadsTheEnvironment(t *testing.T) {
	banned := map[string]bool{
		"fmt.Print": true, "fmt.Printf": true, "fmt.Println": true,
		"os.Stdout": true, "os.Stderr": true, "os.Getenv": true, "os.LookupEnv": true, "os.Environ": true,
		"log.Print": true, "log.Printf": true, "log.Println": true, "log.Fatal": true, "log.Fatalf": true,
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"testing"` {
				return nil // a helper for tests (plugintest), not the engine
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && banned[id.Name+"."+sel.Sel.Name] {
					t.Errorf("%s: %s.%s: the engine must not print or read the environment", fset.Position(sel.Pos()), id.Name, sel.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
