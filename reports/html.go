package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
)

// WriteHTML writes the report as one self-contained HTML page: inline CSS
// and JavaScript, no external asset, so that it can be archived as a CI
// artifact and opened from disk. It opens on the problems: the FAIL, ERROR
// and WARN results, each linked to its row (#r-<id> opens the row and
// scrolls to it), then what the run could not see (the SKIPs grouped by what
// would enable them). It shows the summary counts, filters by status, spec
// and text, and every result, problems first, as an expandable element with its
// message, want, got, fix, the quoted requirement, the HTTP exchanges
// (headers and bodies, as recorded and redacted) and the attachments; PNG
// screenshots embedded in the report are shown inline.
//
// # Security
//
// Everything in a report may come from a hostile server. The page is built
// with html/template, which escapes every value for its context; text is
// cleaned of control characters first; only attachments whose bytes are a
// PNG become data: images. A Content-Security-Policy allows only the page's
// own script and style (by hash) and data: images, so even markup that
// slipped through could neither run script nor load anything.
func WriteHTML(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, newHTMLView(r)); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

type htmlView struct {
	Verdict, Target, Version, Started, Duration, FailOn string
	Profiles, Claims, Features                          []string
	Counts                                              []htmlCount
	Total, Gating, Baselined                            int
	Specs, Levels                                       []string
	Bars                                                []htmlBar
	Matrix                                              []htmlMatrixRow
	Results                                             []htmlResult
	Problems                                            []htmlProblem
	SkipGroups                                          []htmlSkipGroup
	SkipRest                                            int
	Mostly                                              string
	CSP                                                 string
	CSS                                                 template.CSS
	JS                                                  template.JS
}

// htmlBar is one spec's compliance bar: segment widths in percent of its
// checks (SVG attributes, as the CSP forbids inline styles).
type htmlBar struct {
	Spec                                    string
	Pass, Fail, Warn, Skip, Error, Total    int
	PassW, FailW, WarnW, SkipW, ErrorW      string
	FailX, WarnX, ErrorX, SkipX, Compliance string
}

// htmlMatrixRow is one line of the requirement matrix: the checks of one
// spec, section and level.
type htmlMatrixRow struct {
	Spec, Section, Level string
	First                bool // first row of its spec
	Checks               []htmlCell
}

type htmlCell struct{ ID, Status string }

// htmlProblem is a FAIL, ERROR or WARN in the summary, linked to its row.
type htmlProblem struct {
	ID, Status, Title, Message string
	Baselined                  bool
}

// htmlSkipGroup is a group of SKIPs one change would enable (SkipGroups).
type htmlSkipGroup struct {
	// Headline and Enable are escaped text with `config keys` as <code>.
	Headline, Enable template.HTML
	IDs              []string
}

// codeSpans escapes s for HTML and renders each `backquoted` span, a config
// key or a command in the text of a SKIP, as <code>; an unpaired backquote
// stays as it is.
func codeSpans(s string) template.HTML {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 1 && i < len(parts)-1:
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		case i%2 == 1:
			b.WriteString("`" + template.HTMLEscapeString(p))
		default:
			b.WriteString(template.HTMLEscapeString(p))
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every part is escaped above
}

type htmlCount struct {
	Status string
	N      int
}

type htmlResult struct {
	ID, Spec, Section, Level, Title, Quote, Status string
	Message, Want, Got, Fix                        string
	Duration, Text                                 string
	Baselined                                      bool
	Features, Log                                  []string
	Exchanges                                      []htmlExchange
	Attachments                                    []htmlAttachment
}

type htmlExchange struct {
	Summary, Request, Response, Error string
	HasResponse                       bool
}

type htmlAttachment struct {
	Name, ContentType, Path, Text, Note string
	Size                                int
	PNG                                 template.URL
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func newHTMLView(r *Report) htmlView {
	v := htmlView{
		Verdict:  verdict(r),
		Target:   clean(r.Target),
		Version:  clean(r.Version),
		Duration: fmt.Sprintf("%.1f s", float64(r.DurationMS)/1000),
		FailOn:   string(r.failOn()),
		Total:    len(r.Results),
		Gating:   len(r.GatingFailures()),
		CSP: fmt.Sprintf("default-src 'none'; img-src data:; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
			cspHash(htmlCSS), cspHash(htmlJS)),
		CSS: template.CSS(htmlCSS),
		JS:  template.JS(htmlJS),
	}
	if !r.Started.IsZero() {
		v.Started = r.Started.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	for _, p := range r.Profiles {
		v.Profiles = append(v.Profiles, clean(string(p)))
	}
	for _, p := range r.Claims {
		v.Claims = append(v.Claims, clean(string(p)))
	}
	for _, f := range r.Features {
		v.Features = append(v.Features, clean(string(f)))
	}
	sm := r.Summary
	v.Counts = []htmlCount{{"PASS", sm.Pass}, {"FAIL", sm.Fail}, {"WARN", sm.Warn}, {"SKIP", sm.Skip}, {"ERROR", sm.Error}}
	specs, _ := specCounts(r.Results)
	for _, s := range specs {
		v.Specs = append(v.Specs, clean(string(s)))
	}
	v.Bars = bars(r.Results)
	v.Matrix = matrix(r.Results)
	seenLevel := map[string]bool{}
	for _, l := range []string{"MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"} {
		for _, res := range r.Results {
			if string(res.Level) == l && !seenLevel[l] {
				seenLevel[l] = true
				v.Levels = append(v.Levels, l)
			}
		}
	}
	known := map[string]bool{}
	for _, c := range v.Counts {
		known[c.Status] = true
	}
	// The problems first, worst first; the rest in the report's order.
	ordered := make([]suite.Result, 0, len(r.Results))
	for _, st := range []suite.Status{suite.Fail, suite.Error, suite.Warn} {
		for _, res := range r.Results {
			if res.Status == st {
				ordered = append(ordered, res)
				v.Problems = append(v.Problems, htmlProblem{ID: clean(res.ID), Status: clean(string(res.Status)),
					Title: clean(res.Title), Message: clean(truncate(res.Message, 300)), Baselined: res.Baselined})
			}
		}
	}
	for _, res := range r.Results {
		if res.Status != suite.Fail && res.Status != suite.Error && res.Status != suite.Warn {
			ordered = append(ordered, res)
		}
	}
	groups, rest := SkipGroups(r.Results)
	for _, g := range groups {
		hg := htmlSkipGroup{Headline: codeSpans(clean(fmt.Sprintf("%s %s %s", plural(len(g.IDs), "check", "checks"), needVerb(len(g.IDs)), g.Need))),
			Enable: codeSpans(clean(g.Enable))}
		for _, id := range g.IDs {
			hg.IDs = append(hg.IDs, clean(id))
		}
		v.SkipGroups = append(v.SkipGroups, hg)
	}
	v.SkipRest = rest
	v.Mostly = MostlySkipped(r)
	for _, res := range ordered {
		hr := newHTMLResult(res)
		if !known[hr.Status] {
			// A status this writer does not know still gets a filter.
			known[hr.Status] = true
			v.Counts = append(v.Counts, htmlCount{Status: hr.Status})
		}
		if res.Baselined {
			v.Baselined++
		}
		v.Results = append(v.Results, hr)
	}
	for i, c := range v.Counts {
		if i >= 5 {
			for _, res := range v.Results {
				if res.Status == c.Status {
					v.Counts[i].N++
				}
			}
		}
	}
	return v
}

func pct(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

func bars(results []suite.Result) []htmlBar {
	specs, counts := specCounts(results)
	out := make([]htmlBar, 0, len(specs))
	for _, sp := range specs {
		c := counts[sp]
		b := htmlBar{Spec: clean(string(sp)), Pass: c[suite.Pass], Fail: c[suite.Fail], Warn: c[suite.Warn], Skip: c[suite.Skip], Error: c[suite.Error]}
		for _, n := range c {
			b.Total += n
		}
		f := func(x float64) string { return fmt.Sprintf("%.2f", x) }
		x := 0.0
		b.PassW = f(pct(b.Pass, b.Total))
		x += pct(b.Pass, b.Total)
		b.FailX, b.FailW = f(x), f(pct(b.Fail, b.Total))
		x += pct(b.Fail, b.Total)
		b.WarnX, b.WarnW = f(x), f(pct(b.Warn, b.Total))
		x += pct(b.Warn, b.Total)
		b.ErrorX, b.ErrorW = f(x), f(pct(b.Error, b.Total))
		x += pct(b.Error, b.Total)
		b.SkipX, b.SkipW = f(x), f(pct(b.Skip, b.Total))
		if judged := b.Pass + b.Fail + b.Warn + b.Error; judged > 0 {
			b.Compliance = fmt.Sprintf("%.0f%%", pct(b.Pass, judged))
		} else {
			b.Compliance = "n/a"
		}
		out = append(out, b)
	}
	return out
}

func matrix(results []suite.Result) []htmlMatrixRow {
	type key struct{ spec, section, level string }
	rows := map[key]*htmlMatrixRow{}
	var keys []key
	for _, r := range results {
		k := key{clean(string(r.Spec)), clean(r.Section), clean(string(r.Level))}
		row, ok := rows[k]
		if !ok {
			row = &htmlMatrixRow{Spec: k.spec, Section: k.section, Level: k.level}
			rows[k] = row
			keys = append(keys, k)
		}
		row.Checks = append(row.Checks, htmlCell{ID: clean(r.ID), Status: clean(string(r.Status))})
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.spec != b.spec {
			return a.spec < b.spec
		}
		if a.section != b.section {
			return sectionLess(a.section, b.section)
		}
		return a.level < b.level
	})
	out := make([]htmlMatrixRow, 0, len(keys))
	for i, k := range keys {
		row := *rows[k]
		row.First = i == 0 || keys[i-1].spec != k.spec
		out = append(out, row)
	}
	return out
}

// sectionLess orders "4.1.2.1" after "4.1.2" and "10" after "9".
func sectionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, ex := strconv.Atoi(pa[i])
		y, ey := strconv.Atoi(pb[i])
		if ex == nil && ey == nil && x != y {
			return x < y
		}
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

func newHTMLResult(res suite.Result) htmlResult {
	hr := htmlResult{
		ID: clean(res.ID), Spec: clean(string(res.Spec)), Section: clean(res.Section), Level: clean(string(res.Level)),
		Title: clean(res.Title), Quote: clean(res.Quote), Status: clean(string(res.Status)),
		Message: clean(res.Message), Want: clean(res.Want), Got: clean(res.Got), Fix: clean(res.Fix),
		Duration: fmt.Sprintf("%d ms", res.DurationMS), Baselined: res.Baselined,
	}
	hr.Text = strings.ToLower(strings.Join([]string{hr.ID, hr.Title, hr.Message}, " "))
	for _, f := range res.Features {
		hr.Features = append(hr.Features, clean(string(f)))
	}
	for _, l := range res.Log {
		hr.Log = append(hr.Log, clean(l))
	}
	for i, ex := range res.Exchanges {
		hr.Exchanges = append(hr.Exchanges, newHTMLExchange(i, len(res.Exchanges), ex))
	}
	for _, a := range res.Attachments {
		ha := htmlAttachment{Name: clean(a.Name), ContentType: clean(a.ContentType), Text: clean(a.Text), Size: len(a.Data)}
		if a.Path != "" && isRelativePath(a.Path) {
			ha.Path = a.Path
		} else if a.Path != "" {
			ha.Text = strings.TrimSpace(ha.Text + "\n(path not shown as a link: " + clean(a.Path) + ")")
		}
		if strings.EqualFold(strings.TrimSpace(a.ContentType), "image/png") && bytes.HasPrefix(a.Data, pngMagic) {
			// Safe: the scheme and media type are ours, the payload is base64.
			ha.PNG = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(a.Data))
		} else if len(a.Data) > 0 {
			ha.Note = "Inline data not shown: only PNG images are displayed. It is in report.json."
		}
		hr.Attachments = append(hr.Attachments, ha)
	}
	return hr
}

// isRelativePath reports whether p is a path relative to the report
// directory, without scheme, host or absolute root: only those become links.
func isRelativePath(p string) bool {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return false
	}
	return !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, `\`) && !strings.ContainsAny(p, ":\x00")
}

func newHTMLExchange(i, n int, ex httpx.Exchange) htmlExchange {
	he := htmlExchange{Error: clean(ex.Error)}
	var sum strings.Builder
	fmt.Fprintf(&sum, "%d/%d  %s %s", i+1, n, clean(ex.Request.Method), clean(ex.Request.URL))
	var req strings.Builder
	fmt.Fprintf(&req, "%s %s\n", clean(ex.Request.Method), clean(ex.Request.URL))
	writeHeaders(&req, ex.Request.Headers)
	if ex.Request.Body != "" {
		req.WriteString("\n")
		req.WriteString(clean(ex.Request.Body))
	}
	he.Request = strings.TrimRight(req.String(), "\n")
	if resp := ex.Response; resp != nil {
		he.HasResponse = true
		fmt.Fprintf(&sum, " → %d", resp.Status)
		var rs strings.Builder
		fmt.Fprintf(&rs, "%d\n", resp.Status)
		writeHeaders(&rs, resp.Headers)
		if resp.Body != "" {
			rs.WriteString("\n")
			rs.WriteString(clean(resp.Body))
		}
		if resp.Truncated {
			rs.WriteString("\n[body truncated]")
		}
		he.Response = strings.TrimRight(rs.String(), "\n")
	} else if ex.Error != "" {
		sum.WriteString(" → error")
	}
	if ex.Note != "" {
		fmt.Fprintf(&sum, "  (%s)", clean(ex.Note))
	}
	fmt.Fprintf(&sum, "  %d ms", ex.DurationMS)
	he.Summary = sum.String()
	return he
}

func writeHeaders(b *strings.Builder, h map[string][]string) {
	for _, k := range sortedKeys(h) {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", clean(k), clean(v))
		}
	}
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

var htmlTemplate = template.Must(template.New("report").Parse(htmlPage))

const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>authspec {{.Verdict}}: {{.Target}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1><span class="badge s-{{.Verdict}}">{{.Verdict}}</span> authspec report</h1>
<p class="meta"><b>Target</b> <code>{{.Target}}</code> · authspec {{.Version}}{{if .Started}} · started {{.Started}}{{end}} · {{.Duration}} · gate <code>{{.FailOn}}</code></p>
{{- if .Profiles}}
<p class="meta"><b>Profiles</b> {{range $i, $p := .Profiles}}{{if $i}}, {{end}}<code>{{$p}}</code>{{end}}</p>
{{- end}}
{{- if .Claims}}
<p class="meta"><b>Claims</b> {{range $i, $p := .Claims}}{{if $i}}, {{end}}<code>{{$p}}</code>{{end}}</p>
{{- end}}
{{- if .Features}}
<p class="meta"><b>Features</b> {{range $i, $f := .Features}}{{if $i}}, {{end}}<code>{{$f}}</code>{{end}}</p>
{{- end}}
<p class="meta">{{.Total}} checks{{if .Gating}} · <b>{{.Gating}} failing the gate</b>{{end}}{{if .Baselined}} · {{.Baselined}} accepted by the baseline{{end}}</p>
</header>
{{- if .Problems}}
<section id="problems">
<h2>Failures, errors and warnings</h2>
<ul class="problems">
{{- range .Problems}}
<li><a class="cell s-{{.Status}}" href="#r-{{.ID}}">{{.Status}}</a>{{if .Baselined}} <span class="badge baselined">baselined</span>{{end}} <a class="problem" href="#r-{{.ID}}"><code>{{.ID}}</code></a> {{.Title}}{{if .Message}}<br><span class="where">{{.Message}}</span>{{end}}</li>
{{- end}}
</ul>
</section>
{{- end}}
{{- if or .SkipGroups .SkipRest .Mostly}}
<section id="unseen">
<h2>What this run could not see</h2>
<ul class="unseen">
{{- range .SkipGroups}}
<li><details><summary><b>{{.Headline}}</b>: {{.Enable}}</summary>{{range .IDs}}<a class="cell s-SKIP" href="#r-{{.}}">{{.}}</a> {{end}}</details></li>
{{- end}}
{{- if .SkipRest}}
<li>{{.SkipRest}} more skipped for what the target did (an optional member absent, a request refused): each says why below</li>
{{- end}}
</ul>
{{- if .Mostly}}
<p class="mostly"><b>{{.Mostly}}</b></p>
{{- end}}
</section>
{{- end}}
<section id="compliance">
<h2>Compliance by specification</h2>
<table class="bars">
<thead><tr><th>spec</th><th>checks</th><th class="barcol">results</th><th>pass</th><th>fail</th><th>warn</th><th>error</th><th>skip</th><th title="PASS among checks that ran (skips excluded)">compliance</th></tr></thead>
<tbody>
{{- range .Bars}}
<tr><td>{{.Spec}}</td><td>{{.Total}}</td><td class="barcol"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{{.Spec}}: {{.Pass}} pass, {{.Fail}} fail, {{.Warn}} warn, {{.Error}} error, {{.Skip}} skip"><rect class="f-PASS" x="0" y="0" width="{{.PassW}}" height="10"/><rect class="f-FAIL" x="{{.FailX}}" y="0" width="{{.FailW}}" height="10"/><rect class="f-WARN" x="{{.WarnX}}" y="0" width="{{.WarnW}}" height="10"/><rect class="f-ERROR" x="{{.ErrorX}}" y="0" width="{{.ErrorW}}" height="10"/><rect class="f-SKIP" x="{{.SkipX}}" y="0" width="{{.SkipW}}" height="10"/></svg></td><td>{{.Pass}}</td><td>{{.Fail}}</td><td>{{.Warn}}</td><td>{{.Error}}</td><td>{{.Skip}}</td><td><b>{{.Compliance}}</b></td></tr>
{{- end}}
</tbody>
</table>
<details id="matrix">
<summary><h2>Requirement matrix</h2> <span class="where">spec → section → level → checks</span></summary>
<table class="matrix">
<thead><tr><th>spec</th><th>section</th><th>level</th><th>checks</th></tr></thead>
<tbody>
{{- range .Matrix}}
<tr{{if .First}} class="first"{{end}}><td>{{if .First}}{{.Spec}}{{end}}</td><td>§{{.Section}}</td><td>{{.Level}}</td><td>{{range .Checks}}<a class="cell s-{{.Status}}" href="#r-{{.ID}}" title="{{.Status}}">{{.ID}}</a> {{end}}</td></tr>
{{- end}}
</tbody>
</table>
</details>
</section>
<nav>
<div class="counts">
{{- range .Counts}}
<label class="count s-{{.Status}}"><input type="checkbox" name="status" value="{{.Status}}" checked> <b>{{.N}}</b> {{.Status}}</label>
{{- end}}
</div>
<div class="filters">
<label>Spec <select id="spec"><option value="">all</option>{{range .Specs}}<option value="{{.}}">{{.}}</option>{{end}}</select></label>
<label>Level <select id="level"><option value="">all</option>{{range .Levels}}<option value="{{.}}">{{.}}</option>{{end}}</select></label>
<label>Search <input type="search" id="q" placeholder="id, title or message"></label>
<button type="button" id="expand">Expand all</button>
<button type="button" id="collapse">Collapse all</button>
<span id="shown-wrap"><span id="shown">{{len .Results}}</span> shown</span>
</div>
</nav>
<main>
{{- range .Results}}
<details class="result s-{{.Status}}" id="r-{{.ID}}" data-status="{{.Status}}" data-spec="{{.Spec}}" data-level="{{.Level}}" data-text="{{.Text}}">
<summary><span class="badge s-{{.Status}}">{{.Status}}</span>{{if .Baselined}} <span class="badge baselined">baselined</span>{{end}} <code class="id">{{.ID}}</code> <span class="title">{{.Title}}</span> <span class="where">{{.Spec}} §{{.Section}} · {{.Level}} · {{.Duration}}</span></summary>
<div class="body">
{{- if .Message}}
<p class="message">{{.Message}}</p>
{{- end}}
{{- if or .Want .Got .Fix}}
<dl>
{{- if .Want}}<dt>want</dt><dd>{{.Want}}</dd>{{end}}
{{- if .Got}}<dt>got</dt><dd>{{.Got}}</dd>{{end}}
{{- if .Fix}}<dt>fix</dt><dd>{{.Fix}}</dd>{{end}}
</dl>
{{- end}}
<blockquote>{{if .Quote}}{{.Quote}}{{else}}{{.Title}}{{end}}<cite>{{.Spec}} §{{.Section}} ({{.Level}})</cite></blockquote>
{{- if .Features}}
<p class="features">Requires {{range $i, $f := .Features}}{{if $i}}, {{end}}<code>{{$f}}</code>{{end}}</p>
{{- end}}
{{- if .Exchanges}}
<h3>HTTP exchanges</h3>
{{- range .Exchanges}}
<details class="exchange">
<summary>{{.Summary}}</summary>
<div class="pair">
<div><h4>Request</h4><pre>{{.Request}}</pre></div>
{{- if .HasResponse}}
<div><h4>Response</h4><pre>{{.Response}}</pre></div>
{{- end}}
</div>
{{- if .Error}}
<p class="error">{{.Error}}</p>
{{- end}}
</details>
{{- end}}
{{- end}}
{{- if .Attachments}}
<h3>Attachments</h3>
{{- range .Attachments}}
<figure class="attachment">
<figcaption>{{.Name}} <span class="where">{{.ContentType}}{{if .Size}}, {{.Size}} bytes{{end}}</span>{{if .Path}} · <a href="{{.Path}}" rel="noopener noreferrer">{{.Path}}</a>{{end}}</figcaption>
{{- if .PNG}}
<img src="{{.PNG}}" alt="{{.Name}}">
{{- end}}
{{- if .Note}}
<p class="where">{{.Note}}</p>
{{- end}}
{{- if .Text}}
<pre>{{.Text}}</pre>
{{- end}}
</figure>
{{- end}}
{{- end}}
{{- if .Log}}
<h3>Log</h3>
<pre>{{range .Log}}{{.}}
{{end}}</pre>
{{- end}}
</div>
</details>
{{- end}}
</main>
<script>{{.JS}}</script>
</body>
</html>
`

const htmlCSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--error:#8250df;--bg:#fff;--fg:#1f2328;--mute:#656d76;--line:#d0d7de;--code:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#8d96a0;--line:#30363d;--code:#161b22}}
*{box-sizing:border-box}
body{margin:0;padding:1rem 2rem;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;background:var(--bg);color:var(--fg)}
h1{font-size:1.5rem;margin:.2rem 0}
h3{font-size:1rem;margin:1rem 0 .4rem}
h4{font-size:.85rem;margin:.2rem 0;color:var(--mute)}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--code);padding:0 .3em;border-radius:4px;overflow-wrap:anywhere}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:.6rem;margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:40rem;overflow:auto}
.meta{margin:.2rem 0;color:var(--mute)}
nav{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding:.5rem 0;margin:.8rem 0;z-index:1}
.counts,.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.3rem 0}
.count{border:1px solid var(--line);border-left:4px solid var(--skip);border-radius:6px;padding:.2rem .6rem;cursor:pointer;user-select:none}
.count b{font-size:1.1rem}
.badge{display:inline-block;min-width:3.6em;text-align:center;border-radius:4px;padding:0 .4em;font-size:.75rem;font-weight:600;color:#fff;background:var(--skip)}
.badge.baselined{background:var(--mute)}
.s-PASS.badge{background:var(--pass)}.s-FAIL.badge{background:var(--fail)}.s-WARN.badge{background:var(--warn)}.s-ERROR.badge{background:var(--error)}
.s-PASS.count{border-left-color:var(--pass)}.s-FAIL.count{border-left-color:var(--fail)}.s-WARN.count{border-left-color:var(--warn)}.s-ERROR.count{border-left-color:var(--error)}
.result{border:1px solid var(--line);border-left:4px solid var(--skip);border-radius:6px;margin:.35rem 0;padding:.3rem .6rem}
.result.s-PASS{border-left-color:var(--pass)}.result.s-FAIL{border-left-color:var(--fail)}.result.s-WARN{border-left-color:var(--warn)}.result.s-ERROR{border-left-color:var(--error)}
.result>summary{cursor:pointer;overflow-wrap:anywhere}
.result{scroll-margin-top:9rem}
.where{color:var(--mute);font-size:.85em}
.body{padding:.3rem 0 .3rem 1rem}
.message{white-space:pre-wrap;overflow-wrap:anywhere;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.4rem 0}
dt{color:var(--mute)}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
blockquote{margin:.4rem 0;padding:.2rem .8rem;border-left:3px solid var(--line);color:var(--mute);white-space:pre-wrap}
cite{display:block;font-size:.85em}
.exchange{margin:.3rem 0}.exchange>summary{cursor:pointer;font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:.6rem}
.error{color:var(--fail);white-space:pre-wrap}
.attachment{margin:.4rem 0}.attachment img{max-width:100%;border:1px solid var(--line)}
h2{font-size:1.1rem;margin:1rem 0 .4rem;display:inline-block}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{text-align:left;padding:.15rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--mute);font-weight:600;font-size:.85em}
.bars td:not(.barcol):not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
.barcol{width:40%}
svg.bar{width:100%;height:.8rem;display:block;border-radius:3px;background:var(--code)}
.f-PASS{fill:var(--pass)}.f-FAIL{fill:var(--fail)}.f-WARN{fill:var(--warn)}.f-ERROR{fill:var(--error)}.f-SKIP{fill:var(--skip)}
#matrix>summary{cursor:pointer}
.matrix tr.first td{border-top:2px solid var(--line)}
.cell{display:inline-block;font:11px/1.6 ui-monospace,monospace;border-radius:3px;padding:0 .3em;margin:.1rem 0;color:#fff;background:var(--skip);text-decoration:none}
.cell.s-PASS{background:var(--pass)}.cell.s-FAIL{background:var(--fail)}.cell.s-WARN{background:var(--warn)}.cell.s-ERROR{background:var(--error)}
ul.problems,ul.unseen{list-style:none;padding:0;margin:.3rem 0}
ul.problems li,ul.unseen li{margin:.25rem 0;overflow-wrap:anywhere}
ul.unseen summary{cursor:pointer}
.mostly{color:var(--warn)}
[hidden]{display:none!important}
`

const htmlJS = `
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="status"]'));
  var spec = document.getElementById("spec");
  var level = document.getElementById("level");
  var q = document.getElementById("q");
  var rows = Array.prototype.slice.call(document.querySelectorAll("details.result"));
  var shown = document.getElementById("shown");
  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    var s = spec.value, l = level.value, text = q.value.toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var show = on[r.dataset.status] === true && (s === "" || r.dataset.spec === s) &&
        (l === "" || r.dataset.level === l) &&
        (text === "" || r.dataset.text.indexOf(text) >= 0);
      r.hidden = !show;
      if (show) { n++; }
    });
    shown.textContent = String(n);
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  spec.addEventListener("change", apply);
  level.addEventListener("change", apply);
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.classList.contains("result")) { el.hidden = false; el.open = true; el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", reveal);
  q.addEventListener("input", apply);
  document.getElementById("expand").addEventListener("click", function () {
    rows.forEach(function (r) { if (!r.hidden) { r.open = true; } });
  });
  document.getElementById("collapse").addEventListener("click", function () {
    rows.forEach(function (r) { r.open = false; });
  });
  apply();
  reveal();
})();
`
