// Package plugintest builds Go plugins for tests: each package is built
// once per test process, with GOOS=wasip1 -buildmode=c-shared.
package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	dir   string
	built = map[string]string{}
)

// Build compiles the Go plugin in package pkg (an import path inside this
// module, e.g. "./plugins/examples/ideclient" relative to the module root)
// and returns the .wasm path. A prebuilt file in plugins/out (make plugins)
// is not used: tests always build what they test.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "authspec-plugins-")
		if err != nil {
			t.Fatalf("plugin build dir: %v", err)
		}
		dir = d
	}
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, strings.NewReplacer("/", "_", ".", "_").Replace(pkg)+".wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build plugin %s: %v\n%s", pkg, err, b)
	}
	built[pkg] = out
	return out
}

// ModuleRoot is the directory of this module's go.mod.
func ModuleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("plugintest: cannot locate the module root")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", ".."), nil
}

// BuildAssemblyScript builds the AssemblyScript example plugin with the
// compiler from npm (installing it with npm ci when needed).
func BuildAssemblyScript(t testing.TB) string {
	t.Helper()
	const key = "assemblyscript:asmetadata"
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[key]; ok {
		return p
	}
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "authspec-plugins-")
		if err != nil {
			t.Fatalf("plugin build dir: %v", err)
		}
		dir = d
	}
	src := filepath.Join(root, "plugins", "examples", "asmetadata")
	if _, err := os.Stat(filepath.Join(src, "node_modules", "assemblyscript")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = src
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s (make deps installs it): %v\n%s", src, err, b)
		}
	}
	out := filepath.Join(dir, "as-metadata.wasm")
	cmd := exec.Command(filepath.Join(src, "node_modules", ".bin", "asc"), "assembly/index.ts", "-o", out, "-O3", "--runtime", "incremental", "--use", "abort=")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the AssemblyScript plugin: %v\n%s", err, b)
	}
	built[key] = out
	return out
}
