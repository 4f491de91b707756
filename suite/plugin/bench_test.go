package plugin

import (
	"context"
	"testing"

	"github.com/authspec/authspec/suite/plugin/abi"
	"github.com/authspec/authspec/suite/plugin/plugintest"
)

// The plugin figures of docs/performance.md (make bench): compiling a
// module cold and from the disk cache, instantiating it, and one call
// across the boundary, for a Go plugin (the IDE client) and an
// AssemblyScript one.

func benchPlugins(b *testing.B) map[string]string {
	return map[string]string{
		"go":             plugintest.Build(b, "./plugins/examples/ideclient"),
		"assemblyscript": plugintest.BuildAssemblyScript(b),
	}
}

func BenchmarkPluginCompileCold(b *testing.B) {
	for lang, wasm := range benchPlugins(b) {
		b.Run(lang, func(b *testing.B) {
			for b.Loop() {
				p, err := Load(context.Background(), wasm, Options{CacheDir: "-"})
				if err != nil {
					b.Fatal(err)
				}
				_ = p.Close()
			}
		})
	}
}

func BenchmarkPluginCompileCached(b *testing.B) {
	for lang, wasm := range benchPlugins(b) {
		b.Run(lang, func(b *testing.B) {
			dir := b.TempDir()
			p, err := Load(context.Background(), wasm, Options{CacheDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			_ = p.Close()
			b.ResetTimer()
			for b.Loop() {
				p, err := Load(context.Background(), wasm, Options{CacheDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				_ = p.Close()
			}
		})
	}
}

// loadBench loads the plugin at wasm for a benchmark, closed when it ends.
func loadBench(b *testing.B, wasm string) *Plugin {
	b.Helper()
	p, err := Load(context.Background(), wasm, Options{CacheDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Close() })
	return p
}

func BenchmarkPluginInstantiate(b *testing.B) {
	ctx := context.Background()
	for lang, wasm := range benchPlugins(b) {
		b.Run(lang, func(b *testing.B) {
			p := loadBench(b, wasm)
			for b.Loop() {
				in, err := p.instantiate(ctx)
				if err != nil {
					b.Fatal(err)
				}
				in.close(ctx)
			}
		})
	}
}

// BenchmarkPluginCall: one describe call on a live instance (write nothing,
// call, copy the JSON out) — the fixed cost of crossing the boundary.
func BenchmarkPluginCall(b *testing.B) {
	ctx := context.Background()
	for lang, wasm := range benchPlugins(b) {
		b.Run(lang, func(b *testing.B) {
			p := loadBench(b, wasm)
			in, err := p.instantiate(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer in.close(ctx)
			for b.Loop() {
				if _, err := in.call(ctx, abi.ExportDescribe, DefaultBudget); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
