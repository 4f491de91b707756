// Package harness runs authspec against a third-party authorization server
// and compares the result with the server's committed expectations file. The
// integration tests under integration/ (build tag integration) use it.
//
// An expectations file lists three kinds of result:
//
//   - findings: the true findings, every FAIL and WARN (and ERROR) with the
//     sentence of the specification that makes it true. A result that is not
//     listed anywhere, or a finding that is no longer reported (PASS, SKIP, a
//     different status, or a check that did not run), fails the test.
//   - known_false_alarms: results on lawful behaviour, with the reason the
//     behaviour is lawful. They are tolerated until the check is fixed and
//     printed on every run; one that disappears is reported so that the list
//     can be emptied.
//   - misreported: real deviations that authspec reports with the wrong
//     status (an ERROR where the check should FAIL at once), tolerated and
//     printed until the check is fixed.
//   - doubtful: results whose verdict depends on a reading of the
//     specification not settled yet; tolerated and printed like false alarms.
package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/authspec/authspec/internal/testutil"
)

// Expectations is the content of an expectations file.
type Expectations struct {
	// Server names the implementation and version the file was written for.
	Server string `yaml:"server"`
	// Findings are the true findings: each must be reported with its status.
	Findings []Expected `yaml:"findings"`
	// KnownFalseAlarms are results on lawful behaviour, tolerated until the
	// check is fixed.
	KnownFalseAlarms []Expected `yaml:"known_false_alarms"`
	// Misreported are real deviations reported with the wrong status,
	// tolerated until the check is fixed.
	Misreported []Expected `yaml:"misreported"`
	// Doubtful are results whose verdict is not settled, tolerated.
	Doubtful []Expected `yaml:"doubtful"`
}

// Expected is one listed result.
type Expected struct {
	ID     string `yaml:"id"`
	Status string `yaml:"status"` // FAIL, WARN or ERROR
	// Level is the keyword of the sentence (MUST, SHOULD, ...).
	Level string `yaml:"level,omitempty"`
	// Quote is the sentence that makes a finding true (findings only).
	Quote string `yaml:"quote,omitempty"`
	// Reason is one line: what the server does (a finding), or why the
	// behaviour is lawful and what the check should do (a false alarm).
	// docs/targets.md repeats the reason of every finding verbatim.
	Reason string `yaml:"reason"`
}

// LoadExpectations reads and validates an expectations file.
func LoadExpectations(t testing.TB, path string) *Expectations {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("expectations: %v", err)
	}
	var e Expectations
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("expectations %s: %v", path, err)
	}
	seen := map[string]bool{}
	for _, list := range [][]Expected{e.Findings, e.KnownFalseAlarms, e.Misreported, e.Doubtful} {
		for _, x := range list {
			switch {
			case x.ID == "" || x.Reason == "":
				t.Fatalf("expectations %s: an entry without id or reason: %+v", path, x)
			case x.Status != "FAIL" && x.Status != "WARN" && x.Status != "ERROR":
				t.Fatalf("expectations %s: %s: status %q (want FAIL, WARN or ERROR)", path, x.ID, x.Status)
			case seen[x.ID]:
				t.Fatalf("expectations %s: %s is listed twice", path, x.ID)
			}
			seen[x.ID] = true
		}
	}
	for _, x := range e.Findings {
		if x.Quote == "" || x.Level == "" {
			t.Fatalf("expectations %s: finding %s needs the level and the quote that make it true", path, x.ID)
		}
	}
	return &e
}

// Root is the repository root, two levels above the test's directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(dir, "..", ".."))
}

// AuthspecBinary is $AUTHSPEC_BIN (make integration passes bin/authspec), or
// authspec built once into a temporary directory.
func AuthspecBinary(t testing.TB, root string) string {
	t.Helper()
	if bin := os.Getenv("AUTHSPEC_BIN"); bin != "" {
		if !filepath.IsAbs(bin) {
			bin = filepath.Join(root, bin)
		}
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("AUTHSPEC_BIN: %v (run make build)", err)
		}
		return bin
	}
	bin := filepath.Join(t.TempDir(), "authspec")
	Command(t, root, "go", "build", "-o", bin, "./cmd/authspec")
	return bin
}

// Command runs a preparation command (npm ci, go build) in dir and fails the
// test with its output if it fails.
func Command(t testing.TB, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// Server describes how to start an authorization server that writes its
// issuer URL to the file named by $READY_FILE once it listens on loopback.
type Server struct {
	Name string   // for messages
	Dir  string   // working directory
	Cmd  []string // program and arguments
	Env  []string // added to the environment
	// Wait bounds the start (a loaded machine is slow to generate keys).
	Wait time.Duration
}

// Start starts the server, tries once more if the first start fails, and
// returns the issuer. The server is killed when the test ends; its output
// is logged if the test failed.
func Start(t testing.TB, s Server) string {
	t.Helper()
	if s.Wait == 0 {
		s.Wait = 45 * time.Second
	}
	for attempt := 1; ; attempt++ {
		issuer, out, err := tryStart(t, s)
		if err == nil {
			return issuer
		}
		if attempt == 2 {
			t.Fatalf("%v:\n%s", err, out)
		}
		t.Logf("first start failed, trying again: %v\n%s", err, out)
	}
}

func tryStart(t testing.TB, s Server) (string, string, error) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "issuer")
	cmd := exec.Command(s.Cmd[0], s.Cmd[1:]...)
	cmd.Dir = s.Dir
	cmd.Env = append(append(os.Environ(), s.Env...), "READY_FILE="+ready)
	log := &testutil.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", s.Name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("%s output:\n%s", s.Name, log.String())
		}
	})
	started := time.Now()
	deadline := time.After(s.Wait)
	for {
		if b, err := os.ReadFile(ready); err == nil && len(b) > 0 {
			t.Logf("%s ready after %s", s.Name, time.Since(started).Round(10*time.Millisecond))
			return strings.TrimSpace(string(b)), "", nil
		}
		select {
		case err := <-exited:
			exited <- err
			return "", log.String(), fmt.Errorf("%s exited before it was ready (%v)", s.Name, err)
		case <-deadline:
			_ = cmd.Process.Kill()
			return "", log.String(), fmt.Errorf("%s was not ready after %s", s.Name, time.Since(started).Round(time.Second))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Run describes one authspec run.
type Run struct {
	Bin      string   // authspec binary
	Root     string   // repository root (working directory)
	Config   string   // target.yaml content
	Out      string   // report directory
	Parallel int      // --parallel (0: authspec's default)
	Env      []string // added to the environment (credentials for ${env:...})
	Timeout  time.Duration
}

// Result is one check's result in report.json.
type Result struct {
	ID      string `json:"id"`
	Level   string `json:"level"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// Report is what Exec returns: the results and authspec's output.
type Report struct {
	Results []Result
	Summary map[string]int
	Output  string
}

// Exec writes the config, runs authspec with JSON, JUnit, Markdown and HTML
// reports, and reads report.json. It fails the test unless the run
// completed (exit 0 or 1).
func Exec(t testing.TB, r Run) *Report {
	t.Helper()
	if r.Timeout == 0 {
		r.Timeout = 8 * time.Minute
	}
	cfg := filepath.Join(t.TempDir(), "target.yaml")
	if err := os.WriteFile(cfg, []byte(r.Config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(r.Out, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", "--config", cfg, "--out", r.Out, "--format", "json,junit,md,html"}
	if r.Parallel > 0 {
		args = append(args, "--parallel", fmt.Sprint(r.Parallel))
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Bin, args...)
	cmd.Dir = r.Root
	cmd.Env = append(os.Environ(), r.Env...)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("authspec run: %v\n%s", err, output.String())
	}
	t.Logf("authspec run exited %d after %s; reports in %s", code, time.Since(start).Round(10*time.Millisecond), r.Out)
	if code != 0 && code != 1 {
		t.Fatalf("authspec run exited %d (want 0 or 1: the run must complete):\n%s", code, output.String())
	}
	b, err := os.ReadFile(filepath.Join(r.Out, "report.json"))
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	var rep struct {
		Summary map[string]int `json:"summary"`
		Results []Result       `json:"results"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	if len(rep.Results) == 0 {
		t.Fatal("report.json has no results")
	}
	t.Logf("summary: %d PASS, %d FAIL, %d WARN, %d SKIP, %d ERROR",
		rep.Summary["pass"], rep.Summary["fail"], rep.Summary["warn"], rep.Summary["skip"], rep.Summary["error"])
	return &Report{Results: rep.Results, Summary: rep.Summary, Output: output.String()}
}

// Compare checks the report against the expectations: every FAIL, WARN and
// ERROR must be listed, and every finding must be reported with its status.
// Known false alarms, misreported and doubtful results are printed, not
// asserted.
func Compare(t testing.TB, e *Expectations, rep *Report) {
	t.Helper()
	byID := map[string]Result{}
	for _, r := range rep.Results {
		byID[r.ID] = r
	}
	listed := map[string]string{}
	for _, x := range e.Findings {
		listed[x.ID] = "findings"
	}
	for _, x := range e.KnownFalseAlarms {
		listed[x.ID] = "known_false_alarms"
	}
	for _, x := range e.Misreported {
		listed[x.ID] = "misreported"
	}
	for _, x := range e.Doubtful {
		listed[x.ID] = "doubtful"
	}
	var problems []string
	for _, r := range rep.Results {
		if r.Status != "FAIL" && r.Status != "WARN" && r.Status != "ERROR" {
			continue
		}
		if _, ok := listed[r.ID]; !ok {
			problems = append(problems, fmt.Sprintf("new %s %s (not in the expectations file): %s", r.Status, r.ID, firstLine(r.Message)))
		}
	}
	for _, x := range e.Findings {
		r, ok := byID[x.ID]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("finding %s: the check did not run (renamed or removed?)", x.ID))
		case r.Status != x.Status:
			problems = append(problems, fmt.Sprintf("finding %s is now %s (expected %s): %s", x.ID, r.Status, x.Status, firstLine(r.Message)))
		}
	}
	report := func(kind, heading string, list []Expected) {
		t.Helper()
		if len(list) == 0 {
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, heading+"\n", len(list))
		for _, x := range list {
			r, ok := byID[x.ID]
			switch {
			case !ok:
				fmt.Fprintf(&b, "  %s: the check did not run; remove it from %s\n", x.ID, kind)
			case r.Status != "FAIL" && r.Status != "WARN" && r.Status != "ERROR":
				fmt.Fprintf(&b, "  %s: now %s, no longer reported; remove it from %s\n", x.ID, r.Status, kind)
			default:
				fmt.Fprintf(&b, "  %s %s\n      %s\n", r.Status, x.ID, x.Reason)
			}
		}
		t.Log(b.String())
	}
	report("known_false_alarms", "KNOWN FALSE ALARMS (%d): authspec judges lawful behaviour wrongly; tolerated until the checks are fixed:", e.KnownFalseAlarms)
	report("misreported", "MISREPORTED (%d): real deviations reported with the wrong status; tolerated until the checks are fixed:", e.Misreported)
	report("doubtful", "DOUBTFUL (%d): verdicts that depend on an unsettled reading; tolerated:", e.Doubtful)
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("authspec's results on %s differ from the expectations file "+
			"(fix authspec, or triage the result and update the expectations file and docs/targets.md):\n  %s\n\nauthspec output:\n%s",
			e.Server, strings.Join(problems, "\n  "), rep.Output)
	}
}

// CheckDocs makes sure docs/targets.md explains every finding with the
// reason of the expectations file.
func CheckDocs(t testing.TB, root string, e *Expectations) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docs", "targets.md"))
	if err != nil {
		t.Fatalf("docs/targets.md: %v", err)
	}
	doc := strings.Join(strings.Fields(string(b)), " ")
	for _, x := range e.Findings {
		if !strings.Contains(doc, "`"+x.ID+"`") {
			t.Errorf("docs/targets.md does not explain the finding %s of %s", x.ID, e.Server)
		}
		if !strings.Contains(doc, strings.Join(strings.Fields(x.Reason), " ")) {
			t.Errorf("docs/targets.md does not give the reason of %s: %q", x.ID, x.Reason)
		}
	}
}

// LoopbackChromium writes a wrapper that starts Chromium with every host name
// unresolvable except loopback, so that pages which load resources from the
// internet keep the test on loopback addresses. It returns the wrapper's path.
func LoopbackChromium(t testing.TB) string {
	t.Helper()
	exe := os.Getenv("AUTHSPEC_CHROMIUM")
	if exe == "" {
		// The order of authspec's own choice (suite/browser): the headless
		// shell first, which does the same flows in about a third of the
		// time of the full browser on a small machine.
		for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				exe = p
				break
			}
		}
	}
	if exe == "" {
		t.Fatal("no Chromium found: run make deps (scripts/install-browser.sh)")
	}
	wrapper := filepath.Join(t.TempDir(), "chromium")
	script := fmt.Sprintf("#!/bin/sh\nexec %q --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost' \"$@\"\n", exe)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

// OutDir is $AUTHSPEC_INTEGRATION_OUT/name, or reports/out/name.
func OutDir(root, name string) string {
	if d := os.Getenv("AUTHSPEC_INTEGRATION_OUT"); d != "" {
		return filepath.Join(d, name)
	}
	return filepath.Join(root, "reports", "out", name)
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	if sc.Scan() {
		return sc.Text()
	}
	return s
}
