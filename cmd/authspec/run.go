package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/plugin"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

type runFlags struct {
	target, config, out, format, failOn string
	browserMode                         string
	only, skip, profiles, plugins       listFlag
	claims                              listFlag
	pluginTimeout                       time.Duration
	parallel                            int
	timeout, checkTimeout, maxWait      time.Duration
	quiet                               bool
	baseline                            string
	shard                               string
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	var f runFlags
	fs.StringVar(&f.target, "target", "", "issuer URL of the authorization server under test")
	fs.StringVar(&f.config, "config", "", "target config file (YAML): clients, resource, browser steps")
	fs.StringVar(&f.out, "out", "reports/out", "directory for the reports")
	fs.StringVar(&f.format, "format", "json,junit,md", "report formats: json, junit, md, html (comma separated)")
	fs.StringVar(&f.failOn, "fail-on", "must", "exit 1 on failures at this level or above: must (FAIL, ERROR) or should (also WARN)")
	fs.IntVar(&f.parallel, "parallel", 4, "checks run at once")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "deadline of every HTTP request")
	fs.DurationVar(&f.checkTimeout, "check-timeout", 60*time.Second, "deadline of every check")
	fs.DurationVar(&f.maxWait, "max-wait", 0, "longest a check may wait for a lifetime on the server to pass, e.g. a request_uri's expires_in (0: as long as --check-timeout allows)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress, only the summary")
	fs.StringVar(&f.browserMode, "browser", "auto", "consent pages: auto (browser when the target shows a page), on (always), off (plain HTTP only)")
	fs.Var(&f.only, "only", "run only checks whose ID matches this glob (repeatable)")
	fs.Var(&f.skip, "skip", "skip checks whose ID matches this glob (repeatable)")
	fs.Var(&f.profiles, "profile", "run only checks of this profile (repeatable; see authspec list)")
	fs.Var(&f.claims, "claim", "the target claims to follow this profile, e.g. oauth2.1: the checks of its rules that the base specifications leave open judge it (repeatable; adds to claims: of the config)")
	fs.Var(&f.plugins, "plugin", "WebAssembly client plugin to run (repeatable; see docs/plugins.md)")
	fs.DurationVar(&f.pluginTimeout, "plugin-timeout", 0, "time budget of each plugin check, host calls aside (default 30s; plugins: timeout: in the config overrides)")
	fs.StringVar(&f.baseline, "baseline", "", "YAML file of known failures (see authspec baseline write): listed failures do not fail the run, listed checks that pass again do")
	fs.StringVar(&f.shard, "shard", "", "run only shard I of N of the selected checks (I/N, e.g. 2/3; the same split on every machine); authspec report merge joins the shards' reports")
	withUsage(fs, "Usage: authspec run --target ISSUER_URL [flags]\n\nRuns the conformance checks against an authorization server.\nExit: 0 no gating failure, 1 failures, 2 the run could not happen (or was aborted: the target stopped answering).\n\nFlags:\n")
	if err := fs.Parse(args); err != nil {
		return flagsErr(err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments: %s (flags go before nothing else; did you mean --target %s?)", strings.Join(fs.Args(), " "), fs.Arg(0))
	}
	gate, err := vocab.ParseGate(f.failOn)
	if err != nil {
		return usageErr("--fail-on %v", err)
	}
	if f.parallel < 1 {
		return usageErr("--parallel must be at least 1")
	}
	if f.browserMode != "auto" && f.browserMode != "on" && f.browserMode != "off" {
		return usageErr("--browser %q: use auto, on or off", f.browserMode)
	}
	formats, err := reports.ParseFormats(f.format)
	if err != nil {
		return usageErr("--format: %v", err)
	}
	var shard runner.Shard
	if f.shard != "" {
		if shard, err = runner.ParseShard(f.shard); err != nil {
			return usageErr("--shard %v", err)
		}
	}

	cfg := &target.Config{}
	var secrets []string
	if f.config != "" {
		if cfg, secrets, err = target.LoadConfig(f.config, os.LookupEnv); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	if f.target == "" && cfg.Issuer == "" {
		return usageErr("no target: give --target ISSUER_URL (or issuer: in --config)")
	}
	var baseline *conformance.Baseline
	if f.baseline != "" {
		if baseline, err = conformance.LoadBaseline(f.baseline); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	var plugins []target.PluginConfig
	for _, p := range f.plugins {
		pc := target.PluginConfig{Path: p}
		if f.pluginTimeout > 0 {
			pc.Timeout = f.pluginTimeout.String()
		}
		plugins = append(plugins, pc)
	}
	issuer := f.target
	if issuer == "" {
		issuer = cfg.Issuer
	}
	fmt.Fprintf(stderr, "authspec %s: %s\n", version, issuer)
	if !shard.IsZero() {
		fmt.Fprintf(stderr, "  shard:    %s of the selected checks\n", shard)
	}
	if claims := append(append([]string{}, vocab.Strings(cfg.Claims)...), f.claims...); len(claims) > 0 {
		fmt.Fprintf(stderr, "  claims:   %s (the checks of these profiles' rules judge the target)\n", strings.Join(claims, ", "))
	}
	prog := newProgress(stderr, f.quiet)
	rep, err := conformance.Run(ctx, conformance.Options{
		Target: f.target, Config: cfg, Secrets: secrets,
		Only: f.only, Skip: f.skip, Profiles: vocab.Profiles(f.profiles), Claims: vocab.Profiles(f.claims),
		Browser: f.browserMode, Parallel: f.parallel, Timeout: f.timeout, CheckTimeout: f.checkTimeout, MaxWait: f.maxWait,
		FailOn: gate, Baseline: baseline, Version: version, Plugins: plugins, Shard: shard,
		OnPlugin: func(p *plugin.Plugin) {
			fmt.Fprintf(stderr, "  plugin:   %s %s (%s): %d check(s), compiled in %s\n", p.Desc.Name, p.Desc.Version, p.Path,
				len(p.Desc.Checks), p.CompileTime.Round(time.Millisecond))
		},
		OnPrepared: func(tgt *target.Target, n int) {
			fmt.Fprintf(stderr, "  metadata: %s\n  features: %s\n", tgt.MetadataURL, strings.Join(vocab.Strings(tgt.Features()), ", "))
			if o := tgt.Overrides(); len(o) > 0 {
				fmt.Fprintf(stderr, "  config:   %s (set in the config, not learnt from the metadata)\n", strings.Join(o, ", "))
			}
			fmt.Fprintf(stderr, "  checks:   %d\n", n)
		},
		OnForeseenSkips: func(groups []reports.SkipGroup) {
			for i, g := range groups {
				label := "  will skip:"
				if i > 0 {
					label = "            "
				}
				fmt.Fprintf(stderr, "%s %s\n", label, oneLine(g.Line()))
			}
		},
		OnEvent:  prog.event,
		OnNotice: func(msg string) { fmt.Fprintf(stderr, "  note:     %s\n", msg) },
		Chromium: os.Getenv("AUTHSPEC_CHROMIUM"), PlaywrightDriver: os.Getenv("PLAYWRIGHT_DRIVER_PATH"),
		NoConsentReplay: os.Getenv("AUTHSPEC_BROWSER_REPLAY") == "off",
		OnBrowserTrace:  browserTrace(stderr),
	})
	prog.done()
	if err != nil {
		var ue *conformance.UsageError
		if errors.As(err, &ue) {
			return usageErr("%v", ue.Err)
		}
		if ctx.Err() != nil {
			return &exitError{code: 2, err: errors.New("interrupted; no report written")}
		}
		return &exitError{code: 2, err: err}
	}
	return conclude(rep, f.out, formats, stdout)
}

// conclude writes the reports of a run (or of a merge), prints its
// summary and returns the exit status: 2 when it was aborted, 1 when a
// result fails the gate, else nil.
func conclude(rep *reports.Report, dir string, formats []reports.Format, stdout io.Writer) error {
	files, err := reports.Write(dir, formats, rep)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("write reports: %w", err)}
	}
	printSummary(stdout, rep)
	for _, p := range files {
		fmt.Fprintf(stdout, "report: %s\n", p)
	}
	if rep.Aborted != "" {
		return &exitError{code: 2, err: fmt.Errorf("run aborted: %s", rep.Aborted)}
	}
	if gating := rep.GatingFailures(); len(gating) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d gating failure(s): %s", len(gating), strings.Join(first(gating, 10), ", "))}
	}
	return nil
}

func first(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("… and %d more", len(s)-n))
}

// printSummary prints the end of a run: the problems first (FAIL, ERROR,
// WARN, as the Markdown report's table), the counts per spec, what the run
// could not see (the SKIPs grouped by what would enable them), the
// baseline, and one line when most of the catalog was skipped.
func printSummary(w io.Writer, rep *reports.Report) {
	problems := rep.Findings()
	if len(problems) > 0 {
		fmt.Fprintf(w, "\nFAILURES, ERRORS AND WARNINGS (%d)\n", len(problems))
	}
	for _, r := range problems {
		mark := ""
		if r.Baselined {
			mark = " (accepted by the baseline)"
		}
		fmt.Fprintf(w, "%-5s %s [%s %s §%s]%s\n      %s\n", r.Status, r.ID, r.Level, r.Spec, r.Section, mark, r.Title)
		if r.Message != "" {
			fmt.Fprintf(w, "      %s\n", oneLine(r.Message))
		}
		if r.Want != "" || r.Got != "" {
			fmt.Fprintf(w, "      want: %s\n      got:  %s\n", oneLine(r.Want), oneLine(r.Got))
		}
		if r.Fix != "" {
			fmt.Fprintf(w, "      fix:  %s\n", oneLine(r.Fix))
		}
	}
	type row struct{ pass, fail, warn, skip, errs int }
	bySpec := map[suite.Spec]*row{}
	var specs []string
	for _, r := range rep.Results {
		rw := bySpec[r.Spec]
		if rw == nil {
			rw = &row{}
			bySpec[r.Spec] = rw
			specs = append(specs, string(r.Spec))
		}
		switch r.Status {
		case suite.Pass:
			rw.pass++
		case suite.Fail:
			rw.fail++
		case suite.Warn:
			rw.warn++
		case suite.Skip:
			rw.skip++
		case suite.Error:
			rw.errs++
		}
	}
	sort.Strings(specs)
	fmt.Fprintf(w, "\n%-28s %5s %5s %5s %5s %5s\n", "SPEC", "PASS", "FAIL", "WARN", "SKIP", "ERROR")
	for _, s := range specs {
		r := bySpec[suite.Spec(s)]
		fmt.Fprintf(w, "%-28s %5d %5d %5d %5d %5d\n", s, r.pass, r.fail, r.warn, r.skip, r.errs)
	}
	sm := rep.Summary
	fmt.Fprintf(w, "%-28s %5d %5d %5d %5d %5d   (%d checks in %.1fs)\n", "TOTAL", sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error,
		len(rep.Results), float64(rep.DurationMS)/1000)
	if groups, rest := reports.SkipGroups(rep.Results); len(groups) > 0 || rest > 0 {
		fmt.Fprintf(w, "\nNOT SEEN: %d skipped\n", sm.Skip)
		for _, g := range groups {
			fmt.Fprintf(w, "  %s\n", oneLine(g.Line()))
		}
		if rest > 0 {
			fmt.Fprintf(w, "  %s skipped for what the target did (an optional member absent, a request refused): the reasons are in the report\n",
				plural(rest, "check", "more checks"))
		}
	}
	fmt.Fprintln(w)
	if rep.Aborted != "" {
		fmt.Fprintf(w, "ABORTED: %s\n\n", oneLine(rep.Aborted))
	}
	if b := rep.Baseline; b != nil {
		fmt.Fprintf(w, "baseline %s: %d accepted", b.File, len(b.Accepted))
		if len(b.NotRun) > 0 {
			fmt.Fprintf(w, ", %d not run (%s)", len(b.NotRun), strings.Join(first(b.NotRun, 5), ", "))
		}
		fmt.Fprintln(w)
		for _, id := range b.Stale {
			fmt.Fprintf(w, "STALE %s passes now: remove it from the baseline\n", id)
		}
	}
	if line := reports.MostlySkipped(rep); line != "" {
		fmt.Fprintln(w, line)
	}
	if sh := rep.Shard; sh != nil {
		fmt.Fprintf(w, "SHARD %d/%d: %d of the %d selected checks", sh.Index, sh.Count, len(rep.Results)-len(sh.EveryShard), len(sh.Selection)-len(sh.EveryShard))
		if len(sh.EveryShard) > 0 {
			fmt.Fprintf(w, ", and the %s that run in every shard", plural(len(sh.EveryShard), "check", "checks"))
		}
		fmt.Fprintf(w, "; authspec report merge joins the reports of the %d shards\n", sh.Count)
	}
	if rep.Shards > 0 {
		fmt.Fprintf(w, "merged from %d shards\n", rep.Shards)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// progress prints live progress on a terminal and failures as they happen
// elsewhere (CI logs).
type progress struct {
	w     io.Writer
	tty   bool
	quiet bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	p := &progress{w: w, quiet: quiet}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) event(ev runner.Event) {
	if p.quiet || ev.Kind != runner.Finished {
		return
	}
	r := ev.Result
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K[%3d/%3d] %-5s %s", ev.Done, ev.Total, r.Status, r.ID)
		if r.Status == suite.Fail || r.Status == suite.Error {
			fmt.Fprintf(p.w, "\n")
		}
		return
	}
	if r.Status == suite.Fail || r.Status == suite.Error {
		fmt.Fprintf(p.w, "[%3d/%3d] %-5s %s: %s\n", ev.Done, ev.Total, r.Status, r.ID, oneLine(r.Message))
	}
}

func (p *progress) done() {
	if p.tty && !p.quiet {
		fmt.Fprintf(p.w, "\r\033[K")
	}
}

func cmdList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("list", stderr)
	asJSON := fs.Bool("json", false, "print the catalog as JSON")
	var profiles, plugins listFlag
	fs.Var(&profiles, "profile", "only checks of this profile (repeatable)")
	fs.Var(&plugins, "plugin", "also list the checks of this WebAssembly plugin (repeatable)")
	if err := fs.Parse(args); err != nil {
		return flagsErr(err)
	}
	reg, err := scenarios.Registry()
	if err != nil {
		return err
	}
	if len(plugins) > 0 {
		all := reg.Checks()
		for _, path := range plugins {
			p, err := plugin.Load(context.Background(), path, plugin.Options{})
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			all = append(all, p.Checks()...)
			_ = p.Close()
		}
		if reg, err = suite.NewRegistry(all...); err != nil {
			return &exitError{code: 2, err: fmt.Errorf("plugins: %w", err)}
		}
	}
	sel := runner.Selection{Profiles: vocab.Profiles(profiles)}
	if err := sel.Validate(reg); err != nil {
		return usageErr("%v", err)
	}
	keep := map[string]bool{}
	for _, c := range sel.Select(reg) {
		keep[c.ID] = true
	}
	var entries []suite.CatalogEntry
	for _, e := range reg.Catalog() {
		if keep[e.ID] {
			entries = append(entries, e)
		}
	}
	if *asJSON {
		return writeJSON(stdout, entries)
	}
	for _, e := range entries {
		fmt.Fprintf(stdout, "%-58s %-10s %-10s §%-8s %s\n", e.ID, e.Level, e.Spec, e.Section, e.Title)
	}
	fmt.Fprintf(stdout, "%d checks\n", len(entries))
	return nil
}

func cmdReport(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "merge" {
		return cmdReportMerge(args[1:], stdout, stderr)
	}
	fs := newFlagSet("report", stderr)
	in := fs.String("in", "reports/out/report.json", "report.json of an earlier run")
	format := fs.String("format", "md", "formats to render: md, html, junit, json (comma separated)")
	out := fs.String("out", "", "output directory (default: the directory of --in)")
	withUsage(fs, "Usage: authspec report --in report.json [--format md,html] [--out DIR]\n"+
		"       authspec report merge SHARD.json... [--out DIR]   (the reports of run --shard I/N; see authspec report merge -h)\n\nFlags:\n")
	if err := fs.Parse(args); err != nil {
		return flagsErr(err)
	}
	formats, err := reports.ParseFormats(*format)
	if err != nil {
		return usageErr("--format: %v", err)
	}
	rep, err := reports.Load(*in)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	dir := *out
	if dir == "" {
		dir = filepath.Dir(*in)
	}
	files, err := reports.Write(dir, formats, rep)
	if err != nil {
		return err
	}
	for _, p := range files {
		fmt.Fprintln(stdout, p)
	}
	return nil
}
