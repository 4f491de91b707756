package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/authspec/authspec/suite"
)

// JUnit XML, in the dialect that Jenkins, GitLab, GitHub test reporters and
// most CI systems read (the Ant/Surefire schema).

type junitTestsuites struct {
	XMLName xml.Name `xml:"testsuites"`
	junitCounts
	Suites []junitTestsuite `xml:"testsuite"`
}

// junitCounts are the attributes both testsuites and testsuite carry.
type junitCounts struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
}

type junitTestsuite struct {
	junitCounts
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitTestcase `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// Details are written as CDATA so that the file stays readable as text; the
// encoder splits any "]]>" in them.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one <testsuite> per spec (named
// after it, suites sorted by name) and one <testcase> per check, with
// classname = spec, name = "<id>: <title>" and time in seconds. Statuses map
// as follows, each to its own element:
//
//   - FAIL  → <failure message="<first line of the message>" type="<level>">
//     with the whole message, want, got, fix, the requirement, the HTTP
//     exchanges, attachments and log as text;
//   - ERROR → <error message="…" type="ERROR"> with the same details: the
//     check itself could not complete, which is not a verdict on the target;
//   - SKIP  → <skipped message="<reason>"/>;
//   - WARN  → a passing test case with the warning in <system-out>. JUnit has
//     no "warning" outcome; a WARN (a SHOULD not met, or a finding that needs
//     a person) does not fail a run at the default gate, so a <failure> would
//     turn CI red for what authspec itself lets pass. The finding stays visible
//     in the test's output and in the Markdown and HTML reports;
//   - PASS  → an empty test case.
//
// A FAIL accepted by the baseline is still a <failure> (the target does break
// the requirement); its message starts with "[baselined]". The exit code of
// `authspec run`, not the JUnit file, is the gate.
//
// Counts (tests, failures, errors, skipped) are given on every <testsuite>
// and on <testsuites>. Text from the target is cleaned of the characters
// XML 1.0 forbids, so the file is always well-formed.
func WriteJUnit(w io.Writer, r *Report) error {
	specs, _ := specCounts(r.Results)
	bySpec := map[suite.Spec][]suite.Result{}
	for _, res := range r.Results {
		bySpec[res.Spec] = append(bySpec[res.Spec], res)
	}
	props := []junitProperty{
		{Name: "authspec.version", Value: clean(r.Version)},
		{Name: "target", Value: clean(r.Target)},
		{Name: "fail_on", Value: string(r.failOn())},
	}
	timestamp := ""
	if !r.Started.IsZero() {
		timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
	}
	root := junitTestsuites{junitCounts: junitCounts{Name: "authspec " + clean(r.Target), Time: seconds(r.DurationMS)}}
	for _, spec := range specs {
		ts := junitTestsuite{junitCounts: junitCounts{Name: clean(string(spec))}, Timestamp: timestamp, Properties: props}
		var ms int64
		for _, res := range bySpec[spec] {
			ms += res.DurationMS
			tc := junitCase(res)
			ts.Cases = append(ts.Cases, tc)
			ts.Tests++
			switch {
			case tc.Failure != nil:
				ts.Failures++
			case tc.Error != nil:
				ts.Errors++
			case tc.Skipped != nil:
				ts.Skipped++
			}
		}
		ts.Time = seconds(ms)
		root.Tests += ts.Tests
		root.Failures += ts.Failures
		root.Errors += ts.Errors
		root.Skipped += ts.Skipped
		root.Suites = append(root.Suites, ts)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

func junitCase(res suite.Result) junitTestcase {
	tc := junitTestcase{
		Classname: clean(string(res.Spec)),
		Name:      clean(res.ID + ": " + res.Title),
		Time:      seconds(res.DurationMS),
	}
	// The message attribute is the headline CI tools show: the first line
	// of the message. The whole account is in the element's text.
	message, _, _ := strings.Cut(clean(res.Message), "\n")
	message = truncate(strings.TrimSuffix(message, "\r"), 500)
	switch res.Status {
	case suite.Fail:
		if res.Baselined {
			message = "[baselined] " + message
		}
		tc.Failure = &junitProblem{Message: message, Type: clean(string(res.Level)), Text: detailsText(res)}
	case suite.Error:
		tc.Error = &junitProblem{Message: message, Type: "ERROR", Text: detailsText(res)}
	case suite.Skip:
		tc.Skipped = &junitSkipped{Message: message}
	case suite.Warn:
		tc.SystemOut = &junitText{Text: strings.TrimRight(fmt.Sprintf("WARN (%s): %s", clean(string(res.Level)), detailsText(res)), "\n")}
	case suite.Pass:
	default:
		// An unknown status is not a pass: say so rather than hide it.
		tc.Error = &junitProblem{Message: fmt.Sprintf("unknown status %q", clean(string(res.Status))),
			Type: "ERROR", Text: detailsText(res)}
	}
	return tc
}
