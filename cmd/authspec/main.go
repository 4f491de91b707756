// Command authspec is a conformance suite for OAuth 2.0 authorization servers
// and the reference server it is tested against.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...";
// otherwise it is the module version `go install ...@VERSION` recorded.
var version = "dev"

func init() {
	if bi, ok := debug.ReadBuildInfo(); ok && version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
}

// exitError carries an exit code out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks a command-line mistake (exit 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

const usage = `authspec: conformance suite for OAuth 2.0 authorization servers

Usage:
  authspec run     --target ISSUER_URL [flags]   run the checks against a server
  authspec list    [--json] [--profile NAME]     the catalog of checks
  authspec report  --in report.json --format md  re-render a report
  authspec report merge SHARD.json... [-o DIR]  join the reports of run --shard I/N
  authspec baseline write --in report.json       known failures, for run --baseline
  authspec browser inspect --target ISSUER_URL  suggest login/consent steps for the config
  authspec serve   [flags]   run the reference authorization server
  authspec version           print the version

Run "authspec <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr)
	case "list":
		err = cmdList(args[1:], stdout, stderr)
	case "browser":
		err = cmdBrowser(ctx, args[1:], stdout, stderr)
	case "baseline":
		err = cmdBaseline(args[1:], stdout, stderr)
	case "report":
		err = cmdReport(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "authspec", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "authspec: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && !errors.Is(ee.err, errHelp) {
			fmt.Fprintf(stderr, "authspec %s: %v\n", args[0], ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "authspec %s: %v\n", args[0], err)
	return 1
}

var errHelp = errors.New("help requested")

// newFlagSet returns the flag set of a command, which reports to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// withUsage makes head, and then the defaults of the flags, the help of fs.
func withUsage(fs *flag.FlagSet, head string) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), head)
		fs.PrintDefaults()
	}
}

// subcommand reports whether args begin with sub, the one subcommand of a
// command. If not, it prints usage and returns how the command ends: nil
// when help was asked for, an exit with 2 otherwise.
func subcommand(args []string, sub, usage string, stderr io.Writer) (bool, error) {
	if len(args) > 0 && args[0] == sub {
		return true, nil
	}
	fmt.Fprint(stderr, usage)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return false, nil
	}
	return false, &exitError{code: 2, err: errHelp}
}

// flagsErr is the exit of a command whose flags did not parse: 0 when help
// was asked for, 2 for a wrong flag (the flag set has said what is wrong and
// printed the help).
func flagsErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return &exitError{code: 0, err: errHelp}
	}
	return &exitError{code: 2, err: errHelp}
}
