package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/reports"
)

const baselineUsage = `Usage:
  authspec baseline write --in reports/out/report.json --out authspec-baseline.yaml [--reason TEXT]

write lists every FAIL, WARN and ERROR of a report as a known failure, so that
"authspec run --baseline FILE" gates only on new failures. Give each entry its
real reason before committing the file. A listed check that passes again fails
the run until its entry is removed, so the baseline only shrinks.
`

func cmdBaseline(args []string, stdout, stderr io.Writer) error {
	if ok, err := subcommand(args, "write", baselineUsage, stderr); !ok {
		return err
	}
	fs := newFlagSet("baseline write", stderr)
	var in, out, reason string
	var force bool
	fs.StringVar(&in, "in", "reports/out/report.json", "the JSON report of a run")
	fs.StringVar(&out, "out", "authspec-baseline.yaml", "the baseline file to write (- for standard output)")
	fs.StringVar(&reason, "reason", "", "reason recorded for every entry (default: a placeholder to replace)")
	fs.BoolVar(&force, "force", false, "overwrite an existing baseline file")
	if err := fs.Parse(args[1:]); err != nil {
		return flagsErr(err)
	}
	rep, err := reports.Load(in)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	b := conformance.BaselineFromReport(rep, reason)
	if out == "-" {
		return b.Write(stdout)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(filepath.Clean(out), flags, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return usageErr("%s exists: pass --force to replace it", out)
		}
		return &exitError{code: 2, err: fmt.Errorf("baseline: %w", err)}
	}
	if err := b.Write(f); err != nil {
		_ = f.Close()
		return &exitError{code: 2, err: err}
	}
	if err := f.Close(); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("baseline: %w", err)}
	}
	fmt.Fprintf(stdout, "baseline: %d known failure(s) of %s written to %s\n", len(b.Known), rep.Target, out)
	return nil
}
