package reports

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Everything a report shows may come from a hostile server: bodies, headers,
// error descriptions copied into messages. The writers never trust it. Each
// one escapes for its own syntax (XML, Markdown, HTML); clean runs first and
// makes every string printable text that XML 1.0 accepts.

// clean returns s with every character that XML 1.0 forbids or that a
// terminal would interpret replaced by a visible escape: C0 controls other
// than tab, newline and carriage return, DEL and the C1 controls become
// \xNN or \u00NN, U+FFFE and U+FFFF become \uFFFE and \uFFFF, and bytes that
// are not UTF-8 become \xNN. Clean text is returned as is, without copying.
func clean(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && needsEscape(r, size):
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r, size):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return false
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… [%d more bytes]", len(s)-cut)
}

// statuses is the display order of statuses: the worst first.
var statuses = []suite.Status{suite.Fail, suite.Error, suite.Warn, suite.Skip, suite.Pass}

// specCounts counts results per spec and status; specs are sorted.
func specCounts(results []suite.Result) (specs []suite.Spec, counts map[suite.Spec]map[suite.Status]int) {
	counts = map[suite.Spec]map[suite.Status]int{}
	for _, r := range results {
		c, ok := counts[r.Spec]
		if !ok {
			c = map[suite.Status]int{}
			counts[r.Spec] = c
			specs = append(specs, r.Spec)
		}
		c[r.Status]++
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i] < specs[j] })
	return specs, counts
}

// failOn is the gate of the run: vocab.GateMust unless the report says
// vocab.GateShould.
func (r *Report) failOn() vocab.Gate {
	if r.FailOn == vocab.GateShould {
		return vocab.GateShould
	}
	return vocab.GateMust
}

// Findings returns the results that call for attention: every FAIL, then
// every ERROR, then every WARN, each in the order of the report.
func (r *Report) Findings() []suite.Result {
	var out []suite.Result
	for _, st := range []suite.Status{suite.Fail, suite.Error, suite.Warn} {
		for _, res := range r.Results {
			if res.Status == st {
				out = append(out, res)
			}
		}
	}
	return out
}

// GatingFailures lists the IDs of the results that fail the run at its gate
// (FailOn; see suite.Result.FailsAt) and every stale baseline entry (a
// listed check that now passes), so that a baseline only shrinks.
func (r *Report) GatingFailures() []string {
	var out []string
	for _, res := range r.Results {
		if res.FailsAt(r.failOn()) {
			out = append(out, res.ID)
		}
	}
	if r.Baseline != nil {
		for _, id := range r.Baseline.Stale {
			out = append(out, id+" (stale baseline entry: it passes now)")
		}
	}
	return out
}

// verdict is "FAIL" when a result fails the gate or the run was aborted,
// else "PASS".
func verdict(r *Report) string {
	if len(r.GatingFailures()) > 0 || r.Aborted != "" {
		return "FAIL"
	}
	return "PASS"
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// sortedKeys returns the header names of h in order.
func sortedKeys(h map[string][]string) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// exchangeText renders an exchange as plain text, as in an HTTP transcript:
// "> " lines are sent, "< " lines received. The text is cleaned.
func exchangeText(b *strings.Builder, i, n int, ex httpx.Exchange) {
	fmt.Fprintf(b, "--- exchange %d/%d", i+1, n)
	if ex.Note != "" {
		fmt.Fprintf(b, ": %s", clean(ex.Note))
	}
	fmt.Fprintf(b, " (%d ms)\n", ex.DurationMS)
	fmt.Fprintf(b, "> %s %s\n", clean(ex.Request.Method), clean(ex.Request.URL))
	for _, k := range sortedKeys(ex.Request.Headers) {
		for _, v := range ex.Request.Headers[k] {
			fmt.Fprintf(b, "> %s: %s\n", clean(k), clean(v))
		}
	}
	if ex.Request.Body != "" {
		b.WriteString(">\n")
		prefixLines(b, "> ", clean(ex.Request.Body))
	}
	if resp := ex.Response; resp != nil {
		fmt.Fprintf(b, "< %d\n", resp.Status)
		for _, k := range sortedKeys(resp.Headers) {
			for _, v := range resp.Headers[k] {
				fmt.Fprintf(b, "< %s: %s\n", clean(k), clean(v))
			}
		}
		if resp.Body != "" {
			b.WriteString("<\n")
			prefixLines(b, "< ", clean(resp.Body))
		}
		if resp.Truncated {
			b.WriteString("< [body truncated]\n")
		}
	}
	if ex.Error != "" {
		fmt.Fprintf(b, "! %s\n", clean(ex.Error))
	}
}

func prefixLines(b *strings.Builder, prefix, s string) {
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString(prefix)
		b.WriteString(strings.TrimSuffix(line, "\r"))
		b.WriteByte('\n')
	}
}

// Explain is the full account of a non-passing result as plain text: what
// failed, the requirement, the evidence (as in the JUnit report).
func Explain(res suite.Result) string { return detailsText(res) }

// detailsText is the full account of a non-passing result as plain text:
// what failed, the requirement, the evidence.
func detailsText(res suite.Result) string {
	var b strings.Builder
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", name, clean(v))
		}
	}
	if res.Message != "" {
		b.WriteString(clean(res.Message))
		b.WriteByte('\n')
	}
	field("want", res.Want)
	field("got", res.Got)
	field("fix", res.Fix)
	if res.Baselined {
		b.WriteString("baselined: this failure is accepted by the baseline\n")
	}
	fmt.Fprintf(&b, "requirement: %s §%s (%s): %s\n", clean(string(res.Spec)), clean(res.Section), clean(string(res.Level)), clean(res.Title))
	field("quote", res.Quote)
	for i, ex := range res.Exchanges {
		if i == 0 {
			b.WriteByte('\n')
		}
		exchangeText(&b, i, len(res.Exchanges), ex)
	}
	if len(res.Attachments) > 0 {
		b.WriteString("\nattachments:\n")
		for _, a := range res.Attachments {
			fmt.Fprintf(&b, "  %s (%s", clean(a.Name), clean(a.ContentType))
			switch {
			case a.Path != "":
				fmt.Fprintf(&b, ", %s)\n", clean(a.Path))
			case len(a.Data) > 0:
				fmt.Fprintf(&b, ", %d bytes inline in report.json)\n", len(a.Data))
			default:
				b.WriteString(")\n")
			}
			if a.Text != "" {
				prefixLines(&b, "    ", clean(a.Text))
			}
		}
	}
	if len(res.Log) > 0 {
		b.WriteString("\nlog:\n")
		for _, l := range res.Log {
			prefixLines(&b, "  ", clean(l))
		}
	}
	return b.String()
}
