package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/plugin/plugintest"
	"github.com/authspec/authspec/suite/target"
)

// TestPluginSandbox: a plugin that loops, exhausts its memory, returns huge,
// malformed or out-of-bounds output, reaches for a forbidden host or traps
// yields ERROR for that check only, within its budget; its well-behaved
// check and the built-in checks of the same run are unaffected.
func TestPluginSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm plugin")
	}
	t.Parallel()
	wasm := plugintest.Build(t, "./suite/plugin/testdata/hostile")
	issuer, cfg := refServer(t)
	run := func(budget time.Duration, skip []string, only ...string) map[string]suite.Result {
		start := time.Now()
		defer func() { t.Logf("run %v: %s", only, time.Since(start).Round(time.Millisecond)) }()
		rep, err := conformance.Run(context.Background(), conformance.Options{
			Target: issuer, Config: cfg, Browser: conformance.BrowserOff, Parallel: 4, Only: only, Skip: skip,
			Plugins:        []target.PluginConfig{{Path: wasm, Timeout: budget.String(), MemoryMiB: 64}},
			PluginCacheDir: "", // the host's disk cache: each plugin is compiled once
		})
		require.NoError(t, err)
		out := map[string]suite.Result{}
		for _, r := range rep.Results {
			out[r.ID] = r
		}
		return out
	}

	// Everything but the endless loop, with a budget no machine load
	// exhausts: each misbehaviour is reported for what it is.
	byID := run(2*time.Minute, []string{"hostile-loop"}, "hostile-*", "rfc8414-*")
	want := map[string]string{
		"hostile-oom":         "trapped",
		"hostile-huge":        "limit",
		"hostile-malformed":   "malformed result",
		"hostile-bad-status":  "unknown status",
		"hostile-forbidden":   "outside the target's origins",
		"hostile-trap":        "trapped",
		"hostile-bad-pointer": "outside its memory",
	}
	builtin := 0
	for id, r := range byID {
		if strings.HasPrefix(id, "rfc8414-") {
			builtin++
			assert.Contains(t, []suite.Status{suite.Pass, suite.Skip}, r.Status, "%s: %s", id, r.Message)
		}
	}
	assert.Positive(t, builtin, "the built-in checks ran")
	assert.Equal(t, suite.Pass, byID["hostile-ok"].Status, byID["hostile-ok"].Message)
	for id, frag := range want {
		r, ok := byID[id]
		require.True(t, ok, id)
		assert.Equal(t, suite.Error, r.Status, "%s: %s", id, r.Message)
		assert.Contains(t, r.Message, frag, id)
		t.Logf("%-20s %5d ms  %s", id, r.DurationMS, firstLineOf(r.Message))
	}

	// The endless loop is stopped at its budget.
	const budget = 2 * time.Second
	loop := run(budget, nil, "hostile-loop", "hostile-ok")
	r := loop["hostile-loop"]
	assert.Equal(t, suite.Error, r.Status, r.Message)
	assert.Contains(t, r.Message, "time budget")
	assert.GreaterOrEqual(t, r.DurationMS, budget.Milliseconds())
	assert.NotContains(t, r.Message, "did not finish", "stopped by its budget, not by the check timeout")
	assert.Equal(t, suite.Pass, loop["hostile-ok"].Status, loop["hostile-ok"].Message)
	t.Logf("%-20s %5d ms  %s", "hostile-loop", r.DurationMS, firstLineOf(r.Message))
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestPluginLoadErrors: files that are not ABI v1 plugins stop the run
// with a usage error that says why.
func TestPluginLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	issuer, cfg := refServer(t)
	cases := map[string]struct {
		path string
		want string
	}{
		"missing":   {filepath.Join(dir, "nope.wasm"), "cannot read"},
		"not wasm":  {write("text.wasm", []byte("hello")), "not a usable WebAssembly module"},
		"empty":     {write("empty.wasm", wasmModule(nil)), "does not export authspec_alloc"},
		"other abi": {write("v2.wasm", wasmModule(&wasmImport{"authspec_v2", "http"})), "authspec_v2"},
		"foreign":   {write("env.wasm", wasmModule(&wasmImport{"env", "system"})), "plugins may import only"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := conformance.Run(context.Background(), conformance.Options{
				Target: issuer, Config: cfg, Browser: conformance.BrowserOff, Only: []string{"rfc8414-*"},
				Plugins: []target.PluginConfig{{Path: c.path}}, PluginCacheDir: "-",
			})
			var ue *conformance.UsageError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

type wasmImport struct{ module, name string }

// wasmModule assembles a minimal module: optionally one imported function
// of type () -> (), and nothing else.
func wasmModule(imp *wasmImport) []byte {
	b := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	if imp == nil {
		return b
	}
	section := func(id byte, body []byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	str := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	b = append(b, section(1, []byte{1, 0x60, 0, 0})...) // one type: () -> ()
	var imports []byte
	imports = append(imports, 1)
	imports = append(imports, str(imp.module)...)
	imports = append(imports, str(imp.name)...)
	imports = append(imports, 0x00, 0x00) // func, type 0
	return append(b, section(2, imports)...)
}

// TestExamplePlugins: each example plugin's flow passes against the
// reference server and FAILs against a fault that breaks it.
func TestExamplePlugins(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wasm plugins")
	}
	t.Parallel()
	cases := []struct {
		name  string
		wasm  func(t *testing.T) string
		cfg   map[string]any
		ids   []string
		fault server.Fault
		fails string // the check that fails under the fault
		why   string // a fragment of its message
	}{
		{"ide-client", func(t *testing.T) string { return plugintest.Build(t, "./plugins/examples/ideclient") }, nil,
			[]string{"ide-client-login"}, server.FaultStateDropped, "ide-client-login", "state"},
		{"mcp-client", func(t *testing.T) string { return plugintest.Build(t, "./plugins/examples/mcpclient") }, nil,
			[]string{"mcp-client-connect"}, server.FaultNoResourceMetadata, "mcp-client-connect", "protected resource metadata"},
		{"acme-policy", func(t *testing.T) string { return plugintest.Build(t, "./plugins/examples/policy") },
			map[string]any{"max_token_lifetime": 3600.0, "required_scopes": []any{"read", "write"}},
			[]string{"acme-policy-token-lifetime", "acme-policy-required-scopes"}, server.FaultBearerLongLived, "acme-policy-token-lifetime", "lives longer"},
		{"as-metadata", func(t *testing.T) string { return plugintest.BuildAssemblyScript(t) }, nil,
			[]string{"as-metadata-json-s256"}, server.FaultMetadataNoS256, "as-metadata-json-s256", "S256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wasm := c.wasm(t)
			run := func(faults ...server.Fault) map[string]suite.Result {
				issuer, cfg := refServer(t, faults...)
				rep, err := conformance.Run(context.Background(), conformance.Options{
					Target: issuer, Config: cfg, Browser: conformance.BrowserOff, Only: []string{c.name + "-*"},
					Plugins: []target.PluginConfig{{Path: wasm, Config: c.cfg}}, PluginCacheDir: "", // the host's disk cache: each plugin is compiled once
				})
				require.NoError(t, err)
				out := map[string]suite.Result{}
				for _, r := range rep.Results {
					out[r.ID] = r
				}
				return out
			}
			good := run()
			for _, id := range c.ids {
				require.Contains(t, good, id)
				assert.Equal(t, suite.Pass, good[id].Status, "%s against the reference server: %s", id, good[id].Message)
			}
			bad := run(c.fault)
			r := bad[c.fails]
			assert.Equal(t, suite.Fail, r.Status, "%s against fault %s: %s", c.fails, c.fault, r.Message)
			assert.Contains(t, r.Message, c.why)
			assert.NotEmpty(t, r.Exchanges, "the plugin's HTTP exchanges are the evidence")
		})
	}
}

// TestExamplePlugins_PushedRequests: against a server that requires pushed
// authorization requests, the example clients push theirs (the kit's
// AuthorizeCode), and the host pushes them again when the flow moves from
// plain HTTP to the browser (a request_uri serves once).
func TestExamplePlugins_PushedRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wasm plugins")
	}
	haveBrowser := (&browser.Options{}).Find() == nil
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	scfg := server.Config{Issuer: ts.URL, Consent: server.ConsentAuto, Variants: []server.Variant{server.VariantPARRequired}}
	cfg := &target.Config{}
	mode := conformance.BrowserOff
	if haveBrowser {
		scfg.Consent, mode = server.ConsentForm, conformance.BrowserAuto
		cfg.Browser = target.BrowserConfig{
			Login:   []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "wonderland"}, {Click: "#login"}},
			Consent: []target.Step{{Click: "#allow"}},
		}
	}
	srv, err := server.New(scfg)
	require.NoError(t, err)
	h = srv.Handler()
	cfg.Resource = srv.ResourceURL()
	rep, err := conformance.Run(context.Background(), conformance.Options{
		Target: ts.URL, Config: cfg, Browser: mode, Only: []string{"ide-client-*", "mcp-client-*"},
		Plugins: []target.PluginConfig{
			{Path: plugintest.Build(t, "./plugins/examples/ideclient")},
			{Path: plugintest.Build(t, "./plugins/examples/mcpclient")},
		},
		PluginCacheDir: "",
	})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Results)
	for _, r := range rep.Results {
		assert.Equal(t, suite.Pass, r.Status, "%s: %s", r.ID, r.Message)
	}
}
