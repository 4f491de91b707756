// Package plugin hosts authspec client plugins: WebAssembly (WASI preview 1
// reactor) modules, run by wazero in a sandbox, that act as OAuth clients or
// add checks. The ABI (version 1) is in package abi and docs/plugins.md.
//
// A plugin reaches nothing but the host functions: HTTP to the target's
// origins and its own loopback callback, the authorization step (the host
// drives the target's pages), logging, time and randomness. Memory, time,
// and the size of what crosses the boundary are capped; a plugin that traps,
// loops, exhausts its memory, answers garbage or reaches for a forbidden
// host yields ERROR for its own checks and never harms the run.
package plugin

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/plugin/abi"
	"github.com/authspec/authspec/suite/vocab"
)

// Defaults of Options.
const (
	DefaultBudget    = 30 * time.Second
	DefaultMemoryMiB = 128
	// MaxModuleBytes bounds the .wasm file read from disk.
	MaxModuleBytes = 64 << 20
	// MaxMessageBytes bounds every JSON message a plugin hands the host
	// (its description, a result, an HTTP request).
	MaxMessageBytes = 4 << 20
	// maxStdio bounds what a plugin's stdout and stderr keep for the log.
	maxStdio = 16 << 10
)

// Options configure how a plugin is hosted.
type Options struct {
	// Budget bounds each call into the plugin (one check), host calls
	// included (default 30 s).
	Budget time.Duration
	// MemoryMiB caps the plugin's linear memory (default 128 MiB).
	MemoryMiB int
	// CacheDir holds compiled modules between runs ("" = the user cache
	// directory; "-" = no disk cache).
	CacheDir string
	// Config is the plugin's section of the target config.
	Config map[string]any
}

// Plugin is a loaded, described plugin.
type Plugin struct {
	Path string
	Desc abi.Description
	// Timings of loading, for benchmarks and the run log.
	CompileTime, DescribeTime time.Duration

	opts     Options
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	cache    wazero.CompilationCache
	closeMu  sync.Mutex
	closed   bool
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
var checkIDPattern = regexp.MustCompile(`^[a-z0-9]+([-.][a-z0-9]+)*$`)

// reservedName matches the names that prefix built-in check IDs.
var reservedName = regexp.MustCompile(`^(rfc[0-9]+|mcp|oauth21|openapi|authspec)$`)

// LoadError explains why a plugin cannot be used; the run does not start.
type LoadError struct {
	Path string
	Msg  string
}

func (e *LoadError) Error() string { return fmt.Sprintf("plugin %s: %s", e.Path, e.Msg) }

// Load compiles the module at path (through the compilation cache), checks
// that it speaks ABI v1, and reads its description.
func Load(ctx context.Context, path string, o Options) (*Plugin, error) {
	if o.Budget <= 0 {
		o.Budget = DefaultBudget
	}
	if o.MemoryMiB <= 0 {
		o.MemoryMiB = DefaultMemoryMiB
	}
	fail := func(format string, args ...any) error {
		return &LoadError{Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fail("cannot read the module: %v", errors.Unwrap(err))
	}
	if st.Size() > MaxModuleBytes {
		return nil, fail("the module is %d MiB; the limit is %d MiB", st.Size()>>20, MaxModuleBytes>>20)
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, fail("cannot read the module: %v", err)
	}
	p := &Plugin{Path: path, opts: o}
	rc := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(uint32(o.MemoryMiB) * 16) // 64 KiB pages
	if cache, err := compilationCache(o.CacheDir); err == nil && cache != nil {
		p.cache = cache
		rc = rc.WithCompilationCache(cache)
	}
	p.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	ok := false
	defer func() {
		if !ok {
			_ = p.Close()
		}
	}()
	start := time.Now()
	p.compiled, err = p.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fail("not a usable WebAssembly module: %v", err)
	}
	p.CompileTime = time.Since(start)
	if err := checkLinkage(p.compiled); err != nil {
		return nil, fail("%v", err)
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, p.rt); err != nil {
		return nil, fail("WASI: %v", err)
	}
	if err := instantiateHost(ctx, p.rt); err != nil {
		return nil, fail("host functions: %v", err)
	}
	start = time.Now()
	desc, err := p.describe(ctx)
	if err != nil {
		return nil, fail("%v", err)
	}
	p.DescribeTime = time.Since(start)
	if err := validate(desc); err != nil {
		return nil, fail("%v", err)
	}
	p.Desc = *desc
	ok = true
	return p, nil
}

func compilationCache(dir string) (wazero.CompilationCache, error) {
	if dir == "-" {
		return nil, nil
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("user cache dir: %w", err)
		}
		dir = filepath.Join(base, "authspec", "wazero")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("compilation cache %s: %w", dir, err)
	}
	c, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, fmt.Errorf("compilation cache %s: %w", dir, err)
	}
	return c, nil
}

// checkLinkage refuses modules that import from anything but the host
// module of ABI v1 and WASI, or that lack the ABI's exports.
func checkLinkage(m wazero.CompiledModule) error {
	for _, f := range m.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch {
		case mod == abi.HostModule:
			if !slices.Contains(hostFunctionNames, name) {
				return fmt.Errorf("imports %s.%s, which ABI v%d does not have (host functions: %s)",
					mod, name, abi.Version, strings.Join(hostFunctionNames, ", "))
			}
		case mod == wasi_snapshot_preview1.ModuleName:
		case strings.HasPrefix(mod, "authspec_v"):
			return fmt.Errorf("built for plugin ABI %q; this authspec speaks %s (ABI v%d)", mod, abi.HostModule, abi.Version)
		default:
			return fmt.Errorf("imports %s.%s; plugins may import only %s and %s", mod, name, abi.HostModule, wasi_snapshot_preview1.ModuleName)
		}
	}
	exports := m.ExportedFunctions()
	for _, name := range []string{abi.ExportAlloc, abi.ExportDescribe, abi.ExportRun} {
		if _, ok := exports[name]; !ok {
			return fmt.Errorf("does not export %s: not an authspec ABI v%d plugin (see docs/plugins.md)", name, abi.Version)
		}
	}
	if len(m.ExportedMemories()) == 0 {
		return errors.New("exports no memory")
	}
	return nil
}

func validate(d *abi.Description) error {
	var errs []string
	if d.ABI != abi.Version {
		errs = append(errs, fmt.Sprintf("describes itself as ABI v%d; this authspec speaks v%d", d.ABI, abi.Version))
	}
	if !namePattern.MatchString(d.Name) || len(d.Name) > 40 {
		errs = append(errs, fmt.Sprintf("name %q: use lower-case letters, digits and dashes, starting with a letter (at most 40)", d.Name))
	}
	if reservedName.MatchString(d.Name) {
		errs = append(errs, fmt.Sprintf("name %q is reserved: built-in check IDs start with it", d.Name))
	}
	if len(d.Checks) == 0 {
		errs = append(errs, "provides no client or check")
	}
	seen := map[string]bool{}
	for i, c := range d.Checks {
		where := fmt.Sprintf("check %d (%q)", i, c.ID)
		if !checkIDPattern.MatchString(c.ID) || len(c.ID) > 80 {
			errs = append(errs, where+": id must be lower-case words joined by '-'")
		}
		if seen[c.ID] {
			errs = append(errs, where+": id defined twice")
		}
		seen[c.ID] = true
		if c.Kind != abi.KindClient && c.Kind != abi.KindCheck {
			errs = append(errs, fmt.Sprintf("%s: kind %q: use %q or %q", where, c.Kind, abi.KindClient, abi.KindCheck))
		}
		if !suite.Level(c.Level).Valid() {
			errs = append(errs, fmt.Sprintf("%s: level %q: use MUST, MUST NOT, SHOULD, SHOULD NOT or MAY", where, c.Level))
		}
		if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Spec) == "" || strings.TrimSpace(c.Section) == "" {
			errs = append(errs, where+": title, spec and section are required")
		}
		for _, f := range c.Requires {
			if !vocab.Feature(f).Known() {
				errs = append(errs, fmt.Sprintf("%s: unknown feature %q", where, f))
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// Close releases the runtime (the disk cache stays).
func (p *Plugin) Close() error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	var errs []error
	if p.rt != nil {
		errs = append(errs, p.rt.Close(context.Background()))
	}
	if p.cache != nil {
		errs = append(errs, p.cache.Close(context.Background()))
	}
	return errors.Join(errs...)
}

// instance is one instantiation of the module, used for one call.
type instance struct {
	mod    api.Module
	stdout *capped
	stderr *capped
	// redact hides the run's secrets before tail cuts the text (a secret
	// cut at its beginning would no longer be recognised).
	redact func(string) string
}

func (p *Plugin) instantiate(ctx context.Context) (*instance, error) {
	in := &instance{stdout: &capped{max: maxStdio}, stderr: &capped{max: maxStdio}}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithStdout(in.stdout).WithStderr(in.stderr).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader)
	mod, err := p.rt.InstantiateModule(ctx, p.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w%s", describeTrap(ctx, err, p.opts.Budget), in.tail())
	}
	in.mod = mod
	return in, nil
}

func (in *instance) close(ctx context.Context) { _ = in.mod.Close(ctx) }

// tail is the end of the plugin's stderr, for error messages.
func (in *instance) tail() string {
	s := strings.TrimSpace(in.stderr.String())
	if s == "" {
		return ""
	}
	if in.redact != nil {
		s = in.redact(s)
	}
	if len(s) > 600 {
		s = "…" + s[len(s)-600:]
	}
	return "\nplugin stderr: " + s
}

func (p *Plugin) describe(ctx context.Context) (*abi.Description, error) {
	ctx, _, cancel := withBudget(ctx, p.opts.Budget)
	defer cancel()
	in, err := p.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	defer in.close(ctx)
	out, err := in.call(ctx, abi.ExportDescribe, p.opts.Budget)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", abi.ExportDescribe, err)
	}
	var d abi.Description
	if err := strictJSON(out, &d); err != nil {
		return nil, fmt.Errorf("%s returned a malformed description: %w", abi.ExportDescribe, err)
	}
	return &d, nil
}

// call invokes an export returning (ptr<<32 | len) and copies the message.
func (in *instance) call(ctx context.Context, name string, budget time.Duration, params ...uint64) ([]byte, error) {
	fn := in.mod.ExportedFunction(name)
	if fn == nil {
		return nil, fmt.Errorf("the module does not export %s", name)
	}
	res, err := fn.Call(ctx, params...)
	if err != nil {
		return nil, fmt.Errorf("%w%s", describeTrap(ctx, err, budget), in.tail())
	}
	if len(res) != 1 {
		return nil, fmt.Errorf("%s returned %d values, want one i64", name, len(res))
	}
	ptr, n := uint32(res[0]>>32), uint32(res[0])
	if n > MaxMessageBytes {
		return nil, fmt.Errorf("%s returned %d bytes; the limit is %d", name, n, MaxMessageBytes)
	}
	b, ok := in.mod.Memory().Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("%s returned a message outside its memory (ptr %d, len %d)", name, ptr, n)
	}
	return bytes.Clone(b), nil
}

// write copies data into guest memory allocated by the guest.
func (in *instance) write(ctx context.Context, budget time.Duration, data []byte) (uint32, error) {
	res, err := in.mod.ExportedFunction(abi.ExportAlloc).Call(ctx, uint64(len(data)))
	if err != nil {
		return 0, fmt.Errorf("%s: %w%s", abi.ExportAlloc, describeTrap(ctx, err, budget), in.tail())
	}
	if len(res) != 1 {
		return 0, fmt.Errorf("%s returned %d values, want one i32", abi.ExportAlloc, len(res))
	}
	ptr := uint32(res[0])
	if !in.mod.Memory().Write(ptr, data) {
		return 0, fmt.Errorf("%s returned %d, outside the plugin's memory", abi.ExportAlloc, ptr)
	}
	return ptr, nil
}

// describeTrap turns wazero's errors into what a user can act on.
func describeTrap(ctx context.Context, err error, budget time.Duration) error {
	msg := err.Error()
	switch {
	case budgetSpent(ctx):
		return fmt.Errorf("the plugin exceeded its time budget (%s of its own running, host calls aside) and was stopped", budget)
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || strings.Contains(msg, "deadline exceeded"):
		return errors.New("the check's deadline passed while the plugin ran (--check-timeout) and it was stopped")
	case errors.Is(ctx.Err(), context.Canceled):
		return errors.New("the run was interrupted")
	case strings.Contains(msg, "unreachable"):
		return fmt.Errorf("the plugin trapped (a panic, or memory exhausted): %s", firstLine(msg))
	}
	return fmt.Errorf("the plugin failed: %s", firstLine(msg))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// strictJSON decodes exactly one JSON value.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w (got %q)", err, abbreviate(b))
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON value (got %q)", abbreviate(b))
	}
	return nil
}

func abbreviate(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// capped is a bounded, concurrency-safe writer.
type capped struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - c.buf.Len(); room > 0 {
		if len(p) > room {
			c.buf.Write(p[:room])
		} else {
			c.buf.Write(p)
		}
	}
	return len(p), nil
}

func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}
