package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, stream string) (string, bool) {
	t.Helper()
	var out bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newSummary(&out, func() time.Time { clock = clock.Add(time.Second); return clock })
	if err := s.read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	ok := s.finish()
	return out.String(), ok
}

const mod = "github.com/authspec/authspec/"

func TestSummary_Pass(t *testing.T) {
	out, ok := run(t, `{"Action":"start","Package":"`+mod+`a"}
{"Action":"run","Package":"`+mod+`a","Test":"TestX"}
{"Action":"output","Package":"`+mod+`a","Test":"TestX","Output":"noise\n"}
{"Action":"pass","Package":"`+mod+`a","Test":"TestX","Elapsed":0.5}
{"Action":"run","Package":"`+mod+`a","Test":"TestY"}
{"Action":"output","Package":"`+mod+`a","Test":"TestY","Output":"--- SKIP: TestY (0.00s)\n"}
{"Action":"skip","Package":"`+mod+`a","Test":"TestY","Elapsed":0}
{"Action":"pass","Package":"`+mod+`a","Elapsed":1.25}
{"Action":"output","Package":"`+mod+`b","Output":"?   \t`+mod+`b\t[no test files]\n"}
{"Action":"skip","Package":"`+mod+`b","Elapsed":0}
`)
	if !ok {
		t.Fatalf("want a pass:\n%s", out)
	}
	for _, want := range []string{"ok   a ", "1.2s  2 tests", "PASS: 1 packages, 2 tests (1 skipped), 0 failed; wall "} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "noise") || strings.Contains(out, "[no test files]") {
		t.Errorf("passing output and packages without tests are not shown:\n%s", out)
	}
}

func TestSummary_Failures(t *testing.T) {
	out, ok := run(t, `{"Action":"start","Package":"`+mod+`a"}
{"Action":"run","Package":"`+mod+`a","Test":"TestX"}
{"Action":"run","Package":"`+mod+`a","Test":"TestX/sub"}
{"Action":"output","Package":"`+mod+`a","Test":"TestX/sub","Output":"    x_test.go:9: want 1, got 2\n"}
{"Action":"fail","Package":"`+mod+`a","Test":"TestX/sub","Elapsed":0.1}
{"Action":"fail","Package":"`+mod+`a","Test":"TestX","Elapsed":0.1}
{"Action":"fail","Package":"`+mod+`a","Elapsed":2}
{"Action":"start","Package":"`+mod+`b"}
{"Action":"run","Package":"`+mod+`b","Test":"TestHang"}
{"Action":"output","Package":"`+mod+`b","Test":"TestHang","Output":"panic: test timed out after 15m0s\n"}
{"Action":"fail","Package":"`+mod+`b","Elapsed":900}
{"ImportPath":"`+mod+`c [`+mod+`c.test]","Action":"build-output","Output":"c/c.go:3:1: syntax error\n"}
{"ImportPath":"`+mod+`c [`+mod+`c.test]","Action":"build-fail"}
{"Action":"start","Package":"`+mod+`c"}
{"Action":"output","Package":"`+mod+`c","Output":"FAIL\t`+mod+`c [build failed]\n"}
{"Action":"fail","Package":"`+mod+`c","Elapsed":0,"FailedBuild":"`+mod+`c [`+mod+`c.test]"}
go: a line that is not JSON
`)
	if ok {
		t.Fatalf("want a failure:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL a TestX/sub", "want 1, got 2", "FAIL a ", "1 tests, 1 failed",
		"--- UNFINISHED b TestHang", "panic: test timed out", "FAIL b ",
		"syntax error", "FAIL c ",
		"go: a line that is not JSON",
		"FAIL: 3 packages, 2 tests (0 skipped), 1 failed in a, b, c; wall ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
