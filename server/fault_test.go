package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// TestFaults_AllDescribed parses fault.go and fault_*.go so that a Fault
// constant without a description (which --list-faults and Config validation
// would not know) fails, and so does a name defined twice.
func TestFaults_AllDescribed(t *testing.T) {
	files, err := filepath.Glob("fault*.go")
	require.NoError(t, err)
	known := map[server.Fault]bool{}
	for _, fl := range server.Faults() {
		assert.False(t, known[fl], "fault %q is described twice", fl)
		known[fl] = true
		assert.NotEmpty(t, fl.Description(), fl)
	}
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		require.NoError(t, err)
		n += countFaultConsts(t, f, known)
	}
	assert.Equal(t, len(known), n, "every described fault is a constant")
}

func countFaultConsts(t *testing.T, f *ast.File, known map[server.Fault]bool) int {
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || vs.Type == nil || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Fault" {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		name, _ := strconv.Unquote(lit.Value)
		n++
		assert.True(t, known[server.Fault(name)], "fault %q has no description", name)
		return true
	})
	return n
}
