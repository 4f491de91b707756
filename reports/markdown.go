package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/authspec/authspec/suite"
)

// markdownLimit is the size a Markdown report stays under: GitHub Actions
// refuses a step summary larger than 1 MiB.
const markdownLimit = 1 << 20

// Cell contents are cut to these sizes (bytes, before escaping) so that one
// enormous message cannot crowd out the others.
const (
	mdMessageMax = 1000
	mdFixMax     = 500
)

// WriteMarkdown writes the report as GitHub-flavoured Markdown, fit for a
// GitHub Actions step summary ($GITHUB_STEP_SUMMARY): a headline with the
// verdict, target and counts; a table of counts per spec and status; a table
// of the FAIL, ERROR and WARN results with ID, level, section, message and
// fix; what the run could not see (the skips grouped by what would enable
// them, with the config key or command); the skipped checks grouped by
// reason in a collapsed <details>; and a closing line when most of the
// catalog was skipped.
// The output stays under 1 MiB: when a big run would exceed it, rows are
// left out and a note says how many.
func WriteMarkdown(w io.Writer, r *Report) error {
	if _, err := io.WriteString(w, renderMarkdown(r, markdownLimit)); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// renderMarkdown renders r in at most limit bytes.
func renderMarkdown(r *Report, limit int) string {
	var b strings.Builder
	sm := r.Summary
	icon := "✅"
	v := verdict(r)
	if v == "FAIL" {
		icon = "❌"
	}
	fmt.Fprintf(&b, "# %s authspec: %s — %s\n\n", icon, v, mdCode(r.Target))
	fmt.Fprintf(&b, "authspec %s", mdText(r.Version))
	if !r.Started.IsZero() {
		fmt.Fprintf(&b, " · started %s", r.Started.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	fmt.Fprintf(&b, " · %.1f s · gate %s\n\n", float64(r.DurationMS)/1000, mdCode(string(r.failOn())))
	if r.Aborted != "" {
		fmt.Fprintf(&b, "**The run was aborted:** %s\n\n", mdText(r.Aborted))
	}
	if sh := r.Shard; sh != nil {
		fmt.Fprintf(&b, "**Shard %d/%d** of a selection of %s: `authspec report merge` joins the reports of all %d shards.\n\n",
			sh.Index, sh.Count, plural(len(sh.Selection), "check", "checks"), sh.Count)
	}
	if r.Shards > 0 {
		fmt.Fprintf(&b, "Merged from the reports of %s.\n\n", plural(r.Shards, "shard", "shards"))
	}
	if len(r.Profiles) > 0 {
		fmt.Fprintf(&b, "**Profiles** %s  \n", mdList(r.Profiles))
	}
	if len(r.Claims) > 0 {
		fmt.Fprintf(&b, "**Claims** %s  \n", mdList(r.Claims))
	}
	if len(r.Features) > 0 {
		fmt.Fprintf(&b, "**Features** %s\n\n", mdList(r.Features))
	} else if len(r.Profiles) > 0 || len(r.Claims) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "**%s**, %s, %s, %s, %s: %s.",
		plural(sm.Fail, "failed", "failed"), plural(sm.Error, "error", "errors"), plural(sm.Warn, "warning", "warnings"),
		plural(sm.Pass, "passed", "passed"), plural(sm.Skip, "skipped", "skipped"), plural(len(r.Results), "check", "checks"))
	gating := len(r.GatingFailures())
	if gating > 0 {
		fmt.Fprintf(&b, " %s the gate (%s).", plural(gating, "result fails", "results fail"), r.failOn())
	}
	baselined := 0
	for _, res := range r.Results {
		if res.Baselined {
			baselined++
		}
	}
	if baselined > 0 {
		fmt.Fprintf(&b, " %s accepted by the baseline.", plural(baselined, "failure", "failures"))
	}
	b.WriteString("\n\n")

	// Counts per spec × status, in the order of the CLI summary.
	cols := []suite.Status{suite.Pass, suite.Fail, suite.Warn, suite.Skip, suite.Error}
	specs, counts := specCounts(r.Results)
	b.WriteString("## Results by specification\n\n| Spec | PASS | FAIL | WARN | SKIP | ERROR | Total |\n|---|--:|--:|--:|--:|--:|--:|\n")
	for _, spec := range specs {
		fmt.Fprintf(&b, "| %s", mdText(string(spec)))
		total := 0
		for _, st := range cols {
			n := counts[spec][st]
			total += n
			fmt.Fprintf(&b, " | %s", mdCount(n, st))
		}
		fmt.Fprintf(&b, " | %d |\n", total)
	}
	fmt.Fprintf(&b, "| **Total** | %d | %d | %d | %d | %d | %d |\n\n", sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error, len(r.Results))

	// Room kept for the skipped section's frame and the notes.
	const reserve = 4 << 10
	findings := r.Findings()
	if len(findings) > 0 {
		b.WriteString("## Failures, errors and warnings\n\n| Status | Check | Level | Section | Message | Fix |\n|---|---|---|---|---|---|\n")
		for i, res := range findings {
			row := findingRow(res)
			if b.Len()+len(row)+reserve > limit {
				fmt.Fprintf(&b, "\n_%s not shown: this summary is limited to 1 MiB. See report.html or report.json._\n",
					plural(len(findings)-i, "more result", "more results"))
				break
			}
			b.WriteString(row)
		}
		b.WriteString("\n")
	}

	// What the run could not see: the skips grouped by what would enable
	// them.
	if groups, rest := SkipGroups(r.Results); len(groups) > 0 {
		fmt.Fprintf(&b, "## What this run could not see\n\n")
		for _, g := range groups {
			line := fmt.Sprintf("- **%s %s %s**: %s\n", plural(len(g.IDs), "check", "checks"), needVerb(len(g.IDs)), mdText(g.Need), mdText(truncate(g.Enable, mdMessageMax)))
			if b.Len()+len(line)+reserve > limit {
				break
			}
			b.WriteString(line)
		}
		if rest > 0 {
			fmt.Fprintf(&b, "- %s skipped for what the target did (an optional member absent, a request refused): see the reasons below\n", plural(rest, "check", "more checks"))
		}
		b.WriteString("\n")
	}

	// Skipped checks grouped by reason, most common reason first.
	byReason := map[string][]string{}
	var reasons []string
	for _, res := range r.Results {
		if res.Status != suite.Skip {
			continue
		}
		if _, ok := byReason[res.Message]; !ok {
			reasons = append(reasons, res.Message)
		}
		byReason[res.Message] = append(byReason[res.Message], res.ID)
	}
	if len(reasons) > 0 {
		sort.SliceStable(reasons, func(i, j int) bool {
			if len(byReason[reasons[i]]) != len(byReason[reasons[j]]) {
				return len(byReason[reasons[i]]) > len(byReason[reasons[j]])
			}
			return reasons[i] < reasons[j]
		})
		fmt.Fprintf(&b, "<details><summary>Skipped: %s, %s</summary>\n\n",
			plural(sm.Skip, "check", "checks"), plural(len(reasons), "reason", "reasons"))
		for i, reason := range reasons {
			ids := byReason[reason]
			codes := make([]string, len(ids))
			for j, id := range ids {
				codes[j] = mdCode(id)
			}
			text := reason
			if text == "" {
				text = "no reason given"
			}
			line := fmt.Sprintf("- **%s** (%d): %s\n", mdText(truncate(text, mdMessageMax)), len(ids), strings.Join(codes, ", "))
			if b.Len()+len(line)+reserve/2 > limit {
				fmt.Fprintf(&b, "\n_%s not shown: this summary is limited to 1 MiB._\n",
					plural(len(reasons)-i, "more reason", "more reasons"))
				break
			}
			b.WriteString(line)
		}
		b.WriteString("\n</details>\n")
	}
	if line := MostlySkipped(r); line != "" {
		fmt.Fprintf(&b, "\n**%s**\n", mdText(line))
	}
	out := b.String()
	if len(out) > limit {
		// Only a pathological report gets here (a huge target or thousands
		// of specs): cut at a line boundary.
		const note = "\n\n_The rest of this summary is cut: it is limited to 1 MiB. See report.html or report.json._\n"
		cut := strings.LastIndexByte(out[:limit-len(note)], '\n')
		if cut < 0 {
			cut = 0
		}
		out = out[:cut] + note
	}
	return out
}

func findingRow(res suite.Result) string {
	status := string(res.Status)
	if res.Baselined {
		status += " (baselined)"
	}
	msg := mdText(truncate(res.Message, mdMessageMax))
	if res.Want != "" {
		msg += "<br>**want** " + mdText(truncate(res.Want, mdMessageMax/2))
	}
	if res.Got != "" {
		msg += "<br>**got** " + mdText(truncate(res.Got, mdMessageMax/2))
	}
	return fmt.Sprintf("| %s | %s<br>%s | %s | %s §%s | %s | %s |\n",
		mdText(status), mdCode(res.ID), mdText(res.Title), mdText(string(res.Level)),
		mdText(string(res.Spec)), mdText(res.Section), msg, mdText(truncate(res.Fix, mdFixMax)))
}

func mdCount(n int, st suite.Status) string {
	if n > 0 && (st == suite.Fail || st == suite.Error) {
		return fmt.Sprintf("**%d**", n)
	}
	return fmt.Sprint(n)
}

func mdList[S ~string](items []S) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = mdCode(string(s))
	}
	return strings.Join(out, ", ")
}

// mdEscaper backslash-escapes the characters that start Markdown inline
// syntax (emphasis, links, code, strikethrough, tables) and hides raw HTML,
// so that a hostile string renders as the text it is.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `~`, `\~`, `|`, `\|`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`,
	"\r\n", "<br>", "\n", "<br>", "\r", "<br>",
)

// mdText makes s safe as inline Markdown in a table cell or a list item:
// cleaned, syntax escaped, line breaks as <br>.
func mdText(s string) string { return mdEscaper.Replace(clean(s)) }

// mdCode renders s as a code span on one line, safe in a table cell.
func mdCode(s string) string {
	s = clean(s)
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`).Replace(s)
	if s == "" {
		return ""
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
