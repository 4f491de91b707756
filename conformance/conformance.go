// Package conformance runs the authspec suite from Go: against an
// authorization server in a test of your own, or from the authspec command.
//
//	func TestMyServerConforms(t *testing.T) {
//		srv := httptest.NewServer(myauth.Handler())
//		defer srv.Close()
//		conformance.Test(t, conformance.Options{Target: srv.URL, Profiles: []vocab.Profile{vocab.ProfileCore}})
//	}
//
// Run returns the report (the same one `authspec run` writes); Test reports
// every check as a subtest of t, so that `go test -run` selects checks and
// failures print their explanation and HTTP exchange.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/plugin"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// Browser modes.
const (
	BrowserAuto = "auto" // the browser when the target shows a page (default)
	BrowserOn   = "on"   // always the browser
	BrowserOff  = "off"  // plain HTTP only; browser checks SKIP
)

// Options configure a run. Only Target (or Config.Issuer) is required.
type Options struct {
	// Target is the issuer URL of the authorization server.
	Target string
	// Config is the target config (clients, resource, browser recipe); nil
	// means discovery only. See docs/config.md.
	Config *target.Config
	// Secrets are values to redact from results besides those of Config
	// (target.LoadConfig returns the ones it read from the environment).
	Secrets []string
	// Only and Skip select checks by ID glob, as the run flags do.
	Only, Skip []string
	// Profiles select checks by profile (default: the config's, else all).
	Profiles []vocab.Profile
	// Claims are profiles the target claims to follow, besides the
	// config's claims: (suite.Check.Claim): the checks of their rules that
	// the base specifications leave open judge the target only then. A
	// profile chosen to run (Profiles, the config's profiles:) is claimed
	// too.
	Claims []vocab.Profile
	// Browser is BrowserAuto (default), BrowserOn or BrowserOff.
	Browser string
	// Chromium and PlaywrightDriver locate the browser and the Playwright
	// driver (default: chromium on PATH, ~/.cache/ms-playwright-go/<version>;
	// the authspec command takes them from AUTHSPEC_CHROMIUM and
	// PLAYWRIGHT_DRIVER_PATH).
	Chromium, PlaywrightDriver string
	// NoConsentReplay answers every consent page in Chromium instead of
	// replaying over HTTP how the recipe answered the first one
	// (docs/browser.md; AUTHSPEC_BROWSER_REPLAY=off for the command).
	NoConsentReplay bool
	// Parallel bounds concurrently running checks (default 4).
	Parallel int
	// Timeout bounds every HTTP request (default 10 s); CheckTimeout every
	// check (default 60 s).
	Timeout, CheckTimeout time.Duration
	// MaxWait is the longest a check may wait for a lifetime on the server
	// to pass (a request_uri's expires_in): 0 is as long as its
	// CheckTimeout allows, a negative value never (those checks SKIP).
	MaxWait time.Duration
	// FailOn is the gate: vocab.GateMust (default: FAIL and ERROR fail
	// the run) or vocab.GateShould (WARN too).
	FailOn vocab.Gate
	// Baseline accepts known failures (see LoadBaseline).
	Baseline *Baseline
	// Version is recorded in the report (default "dev").
	Version string
	// Shard, when not zero, runs one slice of the selection (runner.Split):
	// the report records it, and Merge joins the reports of all shards.
	Shard runner.Shard
	// Plugins are WebAssembly client plugins run besides the config's
	// (docs/plugins.md).
	Plugins []target.PluginConfig
	// PluginCacheDir holds compiled plugins ("" = the user cache dir, "-" = none).
	PluginCacheDir string
	// OnPlugin is called when a plugin is loaded.
	OnPlugin func(p *plugin.Plugin)
	// OnPrepared is called once the target is discovered, before checks run.
	OnPrepared func(t *target.Target, checks int)
	// OnForeseenSkips is called before the checks run with the checks
	// that will SKIP because the target or the config lacks a feature they
	// require, grouped by what would enable them (reports.SkipGroups).
	OnForeseenSkips func(groups []reports.SkipGroup)
	// OnEvent receives progress events.
	OnEvent func(runner.Event)
	// OnNotice receives what the user should know about how the run goes
	// (Chromium without its sandbox), once each.
	OnNotice func(string)
	// OnBrowserTrace receives a line per browser flow: its wait and run
	// time (docs/performance.md; AUTHSPEC_BROWSER_TRACE=1 for the command).
	OnBrowserTrace func(string)
}

// ErrNoChecks reports a selection that matches nothing.
var ErrNoChecks = errors.New("no check matches the selection (only/skip/profile)")

// UsageError is a mistake in the options (a bad glob, an unknown profile,
// a baseline naming unknown checks): the run did not start.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Run discovers the target, runs the selected checks and returns the
// report with the baseline applied. An error means the run could not happen
// (bad options, target unreachable, unusable metadata, interrupted); a
// report with failures is not an error: see Report.GatingFailures. A
// target that stops answering during the run ends it early: the report
// says why in Report.Aborted, and the checks it could not finish are ERROR.
func Run(ctx context.Context, o Options) (*reports.Report, error) {
	cfg := o.Config
	if cfg == nil {
		cfg = &target.Config{}
	}
	issuer := o.Target
	if issuer == "" {
		issuer = cfg.Issuer
	}
	if issuer == "" {
		return nil, &UsageError{errors.New("no target: give the issuer URL (Target or Config.Issuer)")}
	}
	if o.Target != "" && cfg.Issuer != "" && strings.TrimSuffix(o.Target, "/") != strings.TrimSuffix(cfg.Issuer, "/") {
		return nil, &UsageError{fmt.Errorf("the target %s and the config's issuer %s differ; give one of them", o.Target, cfg.Issuer)}
	}
	gate, err := vocab.ParseGate(string(o.FailOn))
	if err != nil {
		return nil, &UsageError{fmt.Errorf("fail-on %w", err)}
	}
	if o.Browser == "" {
		o.Browser = BrowserAuto
	}
	if o.Browser != BrowserAuto && o.Browser != BrowserOn && o.Browser != BrowserOff {
		return nil, &UsageError{fmt.Errorf("browser %q: use auto, on or off", o.Browser)}
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	builtin, err := scenarios.Registry()
	if err != nil {
		return nil, err
	}
	plugins, err := loadPlugins(ctx, append(append([]target.PluginConfig{}, cfg.Plugins...), o.Plugins...), o.PluginCacheDir, o.OnPlugin)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, p := range plugins {
			_ = p.Close()
		}
	}()
	var pluginChecks []*suite.Check
	for _, p := range plugins {
		pluginChecks = append(pluginChecks, p.Checks()...)
	}
	reg, err := suite.NewRegistry(append(builtin.Checks(), pluginChecks...)...)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("plugins: %w", err)}
	}
	if o.Baseline != nil {
		if err := o.Baseline.Validate(reg); err != nil {
			return nil, &UsageError{err}
		}
	}
	profiles := o.Profiles
	if len(profiles) == 0 {
		profiles = cfg.Profiles
	}
	sel := runner.Selection{Only: o.Only, Skip: o.Skip, Profiles: profiles}
	if err := sel.Validate(reg); err != nil {
		return nil, &UsageError{err}
	}
	claims := mergeClaims(cfg.Claims, o.Claims)
	if err := suite.ValidateClaims(reg, claims); err != nil {
		return nil, &UsageError{err}
	}
	// Choosing a profile whose rules some checks judge under a claim
	// says the target follows it: a run of the mcp-2025-06-18 plan judges
	// that revision's rules.
	claims = mergeClaims(claims, claimable(reg, profiles))
	checks := sel.Select(builtin)
	if len(pluginChecks) > 0 {
		// A plugin given to the run always runs (unless --only/--skip
		// exclude its checks), whatever the profiles.
		preg, err := suite.NewRegistry(pluginChecks...)
		if err != nil {
			return nil, &UsageError{fmt.Errorf("plugins: %w", err)}
		}
		checks = append(checks, runner.Selection{Only: o.Only, Skip: o.Skip}.Select(preg)...)
	}
	if len(checks) == 0 {
		return nil, &UsageError{ErrNoChecks}
	}
	var shard *reports.ShardInfo
	if !o.Shard.IsZero() {
		if err := o.Shard.Validate(); err != nil {
			return nil, &UsageError{fmt.Errorf("shard %s: %w", o.Shard, err)}
		}
		shard = &reports.ShardInfo{Index: o.Shard.Index, Count: o.Shard.Count}
		for _, c := range checks {
			shard.Selection = append(shard.Selection, c.ID)
			if c.After {
				shard.EveryShard = append(shard.EveryShard, c.ID)
			}
		}
		checks = o.Shard.Pick(checks)
	}

	started := time.Now()
	authorizer, closeBrowser, err := newAuthorizer(o, cfg)
	if err != nil {
		return nil, err
	}
	defer closeBrowser()
	env, err := suite.Prepare(ctx, issuer, cfg, suite.PrepareOptions{Timeout: o.Timeout, Secrets: o.Secrets, Authorizer: authorizer})
	if err != nil {
		return nil, err
	}
	env.MaxWait = o.MaxWait
	env.Claims = claims
	noBrowser := "no browser recipe in the config: `authspec browser inspect --target " + issuer + "` writes its browser: login and consent steps"
	if o.Browser == BrowserOff {
		noBrowser = "the browser is off (--browser off): turn it on to play the config's browser: steps"
	}
	env.Target.SetFeature(vocab.FeatureBrowser, o.Browser != BrowserOff && HasRecipe(cfg), noBrowser)
	if _, _, decided := env.Target.Decided(vocab.FeatureMCPServer); !decided && mcpProfile(profiles) {
		// Choosing an MCP profile says the resource is an MCP server.
		env.Target.SetFeature(vocab.FeatureMCPServer, true, "")
	}
	if o.OnPrepared != nil {
		o.OnPrepared(env.Target, len(checks))
	}
	if o.OnForeseenSkips != nil {
		var foreseen []suite.Result
		for _, c := range checks {
			if f, why, missing := env.Unmet(c); missing {
				foreseen = append(foreseen, suite.Result{ID: c.ID, Status: suite.Skip, Message: suite.RequiresReason(f, why)})
			} else if p, unclaimed := env.Unclaimed(c); unclaimed {
				foreseen = append(foreseen, suite.Result{ID: c.ID, Status: suite.Skip, Message: suite.ClaimReason(p)})
			}
		}
		groups, _ := reports.SkipGroups(foreseen)
		o.OnForeseenSkips(groups)
	}
	out := runner.RunAll(ctx, env, checks, runner.Options{Parallel: o.Parallel, CheckTimeout: o.CheckTimeout, OnEvent: o.OnEvent})
	env.Transport.CloseIdle()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", ctx.Err())
	}
	rep := reports.New(o.Version, issuer, started, out.Results)
	rep.Aborted = out.Aborted
	rep.Profiles = profiles
	rep.Claims = claims
	rep.Features = env.Target.Features()
	rep.Shard = shard
	gateAndBaseline(rep, gate, o.Baseline)
	return rep, nil
}

// claimable is the profiles of profiles that a check of reg judges under
// a claim.
func claimable(reg *suite.Registry, profiles []vocab.Profile) []vocab.Profile {
	known := reg.Claims()
	var out []vocab.Profile
	for _, p := range profiles {
		if slices.Contains(known, p) {
			out = append(out, p)
		}
	}
	return out
}

// mergeClaims joins the claims of the config and of the options, each
// once, in that order.
func mergeClaims(lists ...[]vocab.Profile) []vocab.Profile {
	var out []vocab.Profile
	for _, l := range lists {
		for _, p := range l {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// gateAndBaseline sets the gate of rep and applies the baseline, if any.
func gateAndBaseline(rep *reports.Report, gate vocab.Gate, b *Baseline) {
	rep.FailOn = gate
	if b != nil {
		b.Apply(rep)
	}
}

// MergeOptions tune Merge.
type MergeOptions struct {
	// FailOn is the gate of the merged report, as Options.FailOn.
	FailOn vocab.Gate
	// Baseline accepts known failures in the merged report, as
	// Options.Baseline; the shards' own baselines are dropped.
	Baseline *Baseline
}

// Merge joins the reports of the shards of one selection (Options.Shard,
// `authspec run --shard I/N`) into the report of the whole selection
// (reports.Merge), and applies the gate and the baseline as Run does.
// Shards that are missing, repeated or that disagree (target, version,
// selection), and a baseline naming checks that are neither in the
// catalog nor in the selection, are a *UsageError.
func Merge(parts []reports.Part, o MergeOptions) (*reports.Report, error) {
	gate, err := vocab.ParseGate(string(o.FailOn))
	if err != nil {
		return nil, &UsageError{fmt.Errorf("fail-on %w", err)}
	}
	rep, err := reports.Merge(parts)
	if err != nil {
		return nil, &UsageError{err}
	}
	if o.Baseline != nil {
		builtin, err := scenarios.Registry()
		if err != nil {
			return nil, err
		}
		selected := map[string]bool{}
		for _, r := range rep.Results {
			selected[r.ID] = true
		}
		if err := o.Baseline.validate(func(id string) bool { _, ok := builtin.Get(id); return ok || selected[id] }); err != nil {
			return nil, &UsageError{err}
		}
	}
	gateAndBaseline(rep, gate, o.Baseline)
	return rep, nil
}

// mcpProfile reports whether profiles select an MCP profile.
func mcpProfile(profiles []vocab.Profile) bool {
	return slices.Contains(profiles, vocab.ProfileMCP0618) || slices.Contains(profiles, vocab.ProfileMCP1125)
}

// HasRecipe reports whether cfg tells a browser how to get through pages.
func HasRecipe(cfg *target.Config) bool {
	return len(cfg.Browser.Login)+len(cfg.Browser.Consent)+len(cfg.Browser.Deny) > 0
}

// newAuthorizer picks how authorization requests get through the target's
// pages: plain HTTP, the browser always, or the browser when a page shows up.
func newAuthorizer(o Options, cfg *target.Config) (fixture.Authorizer, func(), error) {
	trusted, err := cfg.CAKeyHashes()
	if err != nil {
		return nil, nil, &UsageError{err}
	}
	opts := browser.Options{Recipe: cfg.Browser, OnNotice: o.OnNotice, Trace: o.OnBrowserTrace,
		Executable: o.Chromium, DriverDir: o.PlaywrightDriver, NoReplay: o.NoConsentReplay, TrustedKeys: trusted}
	switch o.Browser {
	case BrowserOff:
		return fixture.HTTPAuthorizer{}, func() {}, nil
	case BrowserOn:
		b, err := browser.Launch(opts)
		if err != nil {
			return nil, nil, fmt.Errorf("browser on: %w", err)
		}
		return b, func() { _ = b.Close() }, nil
	default:
		a := &browser.Auto{Options: opts}
		if HasRecipe(cfg) {
			a.Warm() // pages are likely: start Chromium while the first checks run
		}
		return a, func() { _ = a.Close() }, nil
	}
}

// loadPlugins loads every plugin of the run; any that cannot be used stops
// the run before it starts (exit 2), with the reason.
func loadPlugins(ctx context.Context, specs []target.PluginConfig, cacheDir string, onLoad func(*plugin.Plugin)) ([]*plugin.Plugin, error) {
	var out []*plugin.Plugin
	fail := func(err error) ([]*plugin.Plugin, error) {
		for _, p := range out {
			_ = p.Close()
		}
		return nil, &UsageError{err}
	}
	for _, spec := range specs {
		if spec.Path == "" {
			return fail(errors.New("a plugin without a path (plugins: - path: FILE.wasm)"))
		}
		o := plugin.Options{CacheDir: cacheDir, Config: spec.Config, MemoryMiB: spec.MemoryMiB}
		if spec.Timeout != "" {
			d, err := time.ParseDuration(spec.Timeout)
			if err != nil || d <= 0 {
				return fail(fmt.Errorf("plugin %s: timeout %q: give a duration such as 30s", spec.Path, spec.Timeout))
			}
			o.Budget = d
		}
		if spec.MemoryMiB < 0 || spec.MemoryMiB > 4096 {
			return fail(fmt.Errorf("plugin %s: memory_mib %d: give 1 to 4096", spec.Path, spec.MemoryMiB))
		}
		p, err := plugin.Load(ctx, spec.Path, o)
		if err != nil {
			return fail(err)
		}
		for _, q := range out {
			if q.Desc.Name == p.Desc.Name {
				_ = p.Close()
				return fail(fmt.Errorf("plugins %s and %s are both named %q", q.Path, p.Path, p.Desc.Name))
			}
		}
		out = append(out, p)
		if onLoad != nil {
			onLoad(p)
		}
	}
	return out, nil
}
