package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records errors instead of failing.
type recorder struct {
	testing.TB
	errors []string
	logs   []string
}

func (r *recorder) Helper()         {}
func (r *recorder) Log(args ...any) { r.logs = append(r.logs, fmt.Sprint(args...)) }
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

const expectations = `server: example 1.0
findings:
  - { id: a-fail, status: FAIL, level: MUST, quote: "q", reason: "r" }
  - { id: b-warn, status: WARN, level: SHOULD, quote: "q", reason: "r" }
known_false_alarms:
  - { id: c-false, status: FAIL, reason: "lawful" }
misreported:
  - { id: d-error, status: ERROR, reason: "should FAIL" }
doubtful:
  - { id: e-doubt, status: WARN, reason: "unsettled" }
`

func TestCompare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "expectations.yaml")
	if err := os.WriteFile(path, []byte(expectations), 0o600); err != nil {
		t.Fatal(err)
	}
	e := LoadExpectations(t, path)
	base := func() []Result {
		return []Result{{ID: "a-fail", Status: "FAIL"}, {ID: "b-warn", Status: "WARN"}, {ID: "c-false", Status: "FAIL"},
			{ID: "d-error", Status: "ERROR"}, {ID: "e-doubt", Status: "WARN"}, {ID: "f-pass", Status: "PASS"}}
	}
	tests := []struct {
		name   string
		change func([]Result) []Result
		want   string // in the error; "" for none
	}{
		{"as expected", func(r []Result) []Result { return r }, ""},
		{"new FAIL", func(r []Result) []Result { r[5].Status = "FAIL"; return r }, "new FAIL f-pass"},
		{"new ERROR", func(r []Result) []Result { r[5].Status = "ERROR"; return r }, "new ERROR f-pass"},
		{"finding vanished", func(r []Result) []Result { r[0].Status = "PASS"; return r }, "finding a-fail is now PASS"},
		{"finding changed status", func(r []Result) []Result { r[1].Status = "FAIL"; return r }, "finding b-warn is now FAIL"},
		{"finding did not run", func(r []Result) []Result { return r[1:] }, "finding a-fail: the check did not run"},
		{"false alarm fixed", func(r []Result) []Result { r[2].Status = "PASS"; return r }, ""},
		{"misreported now FAIL", func(r []Result) []Result { r[3].Status = "FAIL"; return r }, ""},
		{"doubtful gone", func(r []Result) []Result { return r[:4] }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			Compare(rec, e, &Report{Results: tt.change(base())})
			got := strings.Join(rec.errors, "\n")
			switch {
			case tt.want == "" && got != "":
				t.Errorf("unexpected error: %s", got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("error %q does not contain %q", got, tt.want)
			}
			if !strings.Contains(strings.Join(rec.logs, "\n"), "KNOWN FALSE ALARMS (1)") {
				t.Errorf("the false alarms are not printed: %v", rec.logs)
			}
		})
	}
}

func TestLoadExpectationsRequiresQuote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "expectations.yaml")
	if err := os.WriteFile(path, []byte("server: x\nfindings:\n  - { id: a, status: FAIL, reason: r }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		LoadExpectations(rec, path)
	}()
	<-done
	if !strings.Contains(rec.fatal, "needs the level and the quote") {
		t.Errorf("a finding without quote was accepted (fatal: %q)", rec.fatal)
	}
}

// fatalRecorder records the message of Fatalf and ends the calling
// goroutine, as testing.T does.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
