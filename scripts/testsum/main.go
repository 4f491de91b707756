// Command testsum reads `go test -json` on its standard input and prints
// what a person waiting for the tests wants to see: a line per package as
// it ends (with its time and its number of tests), the output of every test
// that failed, a line now and then naming what is still running when a
// package takes long, and one summary line at the end. It exits 1 when a
// test or a package failed, 0 otherwise.
//
//	set -o pipefail; go test -json -race ./... 2>&1 | go run ./scripts/testsum
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	quiet := flag.Duration("heartbeat", 30*time.Second, "after this long without a line, name what is still running (0: never)")
	flag.Parse()
	s := newSummary(os.Stdout, time.Now)
	stop := make(chan struct{})
	if *quiet > 0 {
		go s.heartbeat(*quiet, stop)
	}
	err := s.read(os.Stdin)
	close(stop)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	if !s.finish() {
		os.Exit(1)
	}
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Time        time.Time
	Action      string
	Package     string
	ImportPath  string // build events
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
}

type testState struct {
	started time.Time
	output  bytes.Buffer
	done    bool
}

type pkgState struct {
	started      time.Time
	tests        map[string]*testState
	output       bytes.Buffer // package-level output (panics, race reports outside a test, "FAIL")
	passed       int
	failed       []string
	skipped      int
	done         bool
	failedBuild  string
	noTestFiles  bool
	printedTests bool
}

type summary struct {
	w   io.Writer
	now func() time.Time

	mu        sync.Mutex
	start     time.Time
	lastPrint time.Time
	pkgs      map[string]*pkgState
	order     []string
	builds    map[string]*bytes.Buffer // build output per import path
	module    string

	nPkgs, nFailedPkgs, nTests, nFailed, nSkipped int
	failedPkgs                                    []string
}

func newSummary(w io.Writer, now func() time.Time) *summary {
	t := now()
	return &summary{w: w, now: now, start: t, lastPrint: t, pkgs: map[string]*pkgState{}, builds: map[string]*bytes.Buffer{}}
}

// read consumes the stream; lines that are not JSON (go's own messages on
// stderr) are printed as they are.
func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			s.printf("%s\n", line)
			continue
		}
		s.handle(e)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read the test events: %w", err)
	}
	return nil
}

func (s *summary) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.printfLocked(format, args...)
}

func (s *summary) printfLocked(format string, args ...any) {
	fmt.Fprintf(s.w, format, args...)
	s.lastPrint = s.now()
}

func (s *summary) pkg(name string) *pkgState {
	p, ok := s.pkgs[name]
	if !ok {
		p = &pkgState{started: s.now(), tests: map[string]*testState{}}
		s.pkgs[name] = p
		s.order = append(s.order, name)
	}
	return p
}

func (s *summary) handle(e event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch e.Action {
	case "build-output":
		b := s.builds[e.ImportPath]
		if b == nil {
			b = &bytes.Buffer{}
			s.builds[e.ImportPath] = b
		}
		b.WriteString(e.Output)
		return
	case "build-fail":
		return
	}
	if e.Package == "" {
		return
	}
	p := s.pkg(e.Package)
	if e.Test == "" {
		switch e.Action {
		case "start":
			p.started = s.now()
		case "output":
			if strings.HasPrefix(e.Output, "?   \t") && strings.Contains(e.Output, "[no test files]") {
				p.noTestFiles = true
			}
			p.output.WriteString(e.Output)
		case "pass", "fail", "skip":
			p.failedBuild = e.FailedBuild
			s.endPackage(e.Package, p, e.Action, e.Elapsed)
		}
		return
	}
	t := p.tests[e.Test]
	if t == nil {
		t = &testState{started: s.now()}
		p.tests[e.Test] = t
	}
	switch e.Action {
	case "output":
		t.output.WriteString(e.Output)
	case "pass":
		t.done = true
		p.passed++
	case "skip":
		t.done = true
		p.skipped++
	case "fail":
		t.done = true
		p.failed = append(p.failed, e.Test)
		// A parent fails with its subtest; print the innermost output
		// once, when the test itself ends.
		fmt.Fprintf(s.w, "--- FAIL %s %s (%.1fs)\n", short(e.Package), e.Test, e.Elapsed)
		s.printOutput(t.output.Bytes())
		s.lastPrint = s.now()
	}
}

func (s *summary) printOutput(b []byte) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "=== RUN") || strings.HasPrefix(line, "=== PAUSE") || strings.HasPrefix(line, "=== CONT") {
			continue
		}
		fmt.Fprintf(s.w, "    %s", line)
		if !strings.HasSuffix(line, "\n") {
			fmt.Fprintln(s.w)
		}
	}
}

// endPackage prints the package's line, and what explains a failure that
// belongs to no test that ended (a build error, a panic, a timeout).
func (s *summary) endPackage(name string, p *pkgState, action string, elapsed float64) {
	if p.done {
		return
	}
	p.done = true
	if p.noTestFiles && action == "skip" {
		return // no test files: not worth a line
	}
	s.nPkgs++
	tests := 0
	for n := range p.tests {
		if !strings.Contains(n, "/") {
			tests++
		}
	}
	topFailed := 0
	for _, n := range p.failed {
		if !strings.Contains(n, "/") {
			topFailed++
		}
	}
	s.nTests += tests
	s.nFailed += topFailed
	for n, t := range p.tests {
		if !strings.Contains(n, "/") && t.done && !contains(p.failed, n) && p.skippedTop(n) {
			s.nSkipped++
		}
	}
	status := "ok  "
	if action == "fail" {
		status = "FAIL"
		s.nFailedPkgs++
		s.failedPkgs = append(s.failedPkgs, short(name))
		if b := s.builds[name]; b != nil && b.Len() > 0 {
			s.printOutput(b.Bytes())
		} else if p.failedBuild != "" {
			if b := s.builds[p.failedBuild]; b != nil {
				s.printOutput(b.Bytes())
			}
		}
		// Tests that never ended: the package panicked or timed out.
		var unfinished []string
		for n, t := range p.tests {
			if !t.done {
				unfinished = append(unfinished, n)
			}
		}
		sort.Strings(unfinished)
		for _, n := range unfinished {
			fmt.Fprintf(s.w, "--- UNFINISHED %s %s\n", short(name), n)
			s.printOutput(p.tests[n].output.Bytes())
		}
		s.printOutput(p.output.Bytes())
	}
	detail := fmt.Sprintf("%d tests", tests)
	if topFailed > 0 {
		detail += fmt.Sprintf(", %d failed", topFailed)
	}
	if action == "skip" {
		detail = "skipped"
	}
	s.printfLocked("%s %-44s %7.1fs  %s\n", status, short(name), elapsed, detail)
}

func (p *pkgState) skippedTop(name string) bool {
	t := p.tests[name]
	if t == nil {
		return false
	}
	return bytes.Contains(t.output.Bytes(), []byte("--- SKIP: "+name+" "))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// short drops the module path every package shares.
func short(pkg string) string {
	const mod = "github.com/authspec/authspec"
	if pkg == mod {
		return "."
	}
	return strings.TrimPrefix(pkg, mod+"/")
}

// heartbeat names, after quiet without a line, the packages still running
// and the longest-running test of each.
func (s *summary) heartbeat(quiet time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(quiet / 6)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		s.mu.Lock()
		if now := s.now(); now.Sub(s.lastPrint) >= quiet {
			var running []string
			for _, name := range s.order {
				p := s.pkgs[name]
				if p.done {
					continue
				}
				longest, since := "", now
				for n, t := range p.tests {
					if !t.done && !strings.Contains(n, "/") && t.started.Before(since) {
						longest, since = n, t.started
					}
				}
				r := fmt.Sprintf("%s %s", short(name), now.Sub(p.started).Round(time.Second))
				if longest != "" {
					r += fmt.Sprintf(" (%s %s)", longest, now.Sub(since).Round(time.Second))
				}
				running = append(running, r)
			}
			if len(running) == 0 {
				running = []string{"building"}
			}
			s.printfLocked("...  %s: %s\n", now.Sub(s.start).Round(time.Second), strings.Join(running, "; "))
		}
		s.mu.Unlock()
	}
}

// finish prints the summary line and reports whether everything passed.
func (s *summary) finish() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A package that never ended (go test was killed) counts as failed.
	for _, name := range s.order {
		p := s.pkgs[name]
		if !p.done && !p.noTestFiles {
			s.endPackage(name, p, "fail", s.now().Sub(p.started).Seconds())
		}
	}
	ok := s.nFailedPkgs == 0 && s.nFailed == 0
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	line := fmt.Sprintf("%s: %d packages, %d tests (%d skipped), %d failed", verdict, s.nPkgs, s.nTests, s.nSkipped, s.nFailed)
	if len(s.failedPkgs) > 0 {
		line += " in " + strings.Join(s.failedPkgs, ", ")
	}
	line += fmt.Sprintf("; wall %s", s.now().Sub(s.start).Round(time.Second))
	s.printfLocked("%s\n", line)
	return ok
}
