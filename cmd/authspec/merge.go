package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/suite/vocab"
)

// cmdReportMerge joins the reports of the shards of a run (authspec run
// --shard I/N) into one, writes it in every format asked, and exits as
// authspec run does on the merged result.
func cmdReportMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report merge", stderr)
	var out, format, failOn, baselineFile string
	fs.StringVar(&out, "out", "reports/out", "directory for the merged reports")
	fs.StringVar(&out, "o", "reports/out", "the same as --out")
	fs.StringVar(&format, "format", "json,junit,md,html", "report formats: json, junit, md, html (comma separated)")
	fs.StringVar(&failOn, "fail-on", "must", "exit 1 on failures at this level or above: must (FAIL, ERROR) or should (also WARN)")
	fs.StringVar(&baselineFile, "baseline", "", "YAML file of known failures, applied to the merged result as authspec run applies it")
	withUsage(fs, "Usage: authspec report merge SHARD.json... [flags]\n\n"+
		"Joins the reports of all the shards of a run (authspec run --shard I/N, one report.json each,\n"+
		"or the directory that holds it) into the report of the whole selection, with the gate and the\n"+
		"baseline applied to the merged result. The shards must be all N of one target, one version\n"+
		"and one selection.\nExit: 0 no gating failure, 1 failures, 2 the shards cannot be merged (or a shard was aborted).\n\nFlags:\n")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagsErr(err)
	}
	if len(files) == 0 {
		return usageErr("no shard report given: authspec report merge SHARD.json... (one report.json per shard)")
	}
	gate, err := vocab.ParseGate(failOn)
	if err != nil {
		return usageErr("--fail-on %v", err)
	}
	formats, err := reports.ParseFormats(format)
	if err != nil {
		return usageErr("--format: %v", err)
	}
	var baseline *conformance.Baseline
	if baselineFile != "" {
		if baseline, err = conformance.LoadBaseline(baselineFile); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	parts := make([]reports.Part, 0, len(files))
	for _, name := range files {
		path := name
		if st, err := os.Stat(name); err == nil && st.IsDir() {
			path = filepath.Join(name, reports.FormatJSON.FileName())
		}
		rep, err := reports.Load(path)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		parts = append(parts, reports.Part{Name: path, Report: rep})
	}
	rep, err := conformance.Merge(parts, conformance.MergeOptions{FailOn: gate, Baseline: baseline})
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	return conclude(rep, out, formats, stdout)
}

// parseInterspersed parses flags that may come before, between and after
// the arguments, and returns the arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
