package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format names a report format, as given to --format.
type Format string

// Formats.
const (
	FormatJSON     Format = "json"  // report.json, the source of truth (WriteJSON)
	FormatJUnit    Format = "junit" // junit.xml (WriteJUnit)
	FormatMarkdown Format = "md"    // report.md, for a CI step summary (WriteMarkdown)
	FormatHTML     Format = "html"  // report.html, one self-contained page (WriteHTML)
)

type writer struct {
	file  string
	write func(io.Writer, *Report) error
}

// writers is the registry of formats; formatOrder is the order in which
// they are listed in messages.
var (
	writers = map[Format]writer{
		FormatJSON:     {"report.json", WriteJSON},
		FormatJUnit:    {"junit.xml", WriteJUnit},
		FormatMarkdown: {"report.md", WriteMarkdown},
		FormatHTML:     {"report.html", WriteHTML},
	}
	formatOrder = []Format{FormatJSON, FormatJUnit, FormatMarkdown, FormatHTML}
)

// AllFormats returns every format.
func AllFormats() []Format { return append([]Format(nil), formatOrder...) }

// FileName is the name of the file that Write writes for f ("" if f is unknown).
func (f Format) FileName() string { return writers[f].file }

func formatList() string {
	names := make([]string, len(formatOrder))
	for i, f := range formatOrder {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// ParseFormats parses a comma-separated list of formats such as
// "json,junit,md". Names are case-insensitive and may be surrounded by
// spaces; "markdown" is accepted for "md". Duplicates are dropped.
func ParseFormats(s string) ([]Format, error) {
	var out []Format
	seen := map[Format]bool{}
	for _, part := range strings.Split(s, ",") {
		name := strings.ToLower(strings.TrimSpace(part))
		if name == "markdown" {
			name = string(FormatMarkdown)
		}
		f := Format(name)
		switch {
		case name == "" && strings.TrimSpace(s) == "":
			return nil, fmt.Errorf("no format given (formats: %s)", formatList())
		case name == "":
			return nil, fmt.Errorf("empty format in %q (formats: %s)", s, formatList())
		case writers[f].write == nil:
			return nil, fmt.Errorf("unknown format %q (formats: %s)", strings.TrimSpace(part), formatList())
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// Render writes r to w in format f.
func Render(w io.Writer, f Format, r *Report) error {
	wr, ok := writers[f]
	if !ok {
		return fmt.Errorf("unknown format %q (formats: %s)", f, formatList())
	}
	return wr.write(w, r)
}

// Write renders r in each format into dir (created with mode 0755 if
// needed) and returns the paths of the files written, in the order of
// formats: report.json, junit.xml, report.md, report.html.
//
// Each file is rendered in memory, written to a temporary file in dir and
// renamed over its final name, so that a reader (a CI step, a browser) never
// sees a half-written report and a failed render leaves the previous file in
// place. On error, the paths written so far are returned with it.
func Write(dir string, formats []Format, r *Report) ([]string, error) {
	for _, f := range formats {
		if _, ok := writers[f]; !ok {
			return nil, fmt.Errorf("unknown format %q (formats: %s)", f, formatList())
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create report directory: %w", err)
	}
	var written []string
	for _, f := range formats {
		wr := writers[f]
		var buf bytes.Buffer
		if err := wr.write(&buf, r); err != nil {
			return written, fmt.Errorf("render %s: %w", f, err)
		}
		path := filepath.Join(dir, wr.file)
		if err := writeFileAtomic(path, buf.Bytes()); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// writeFileAtomic writes data to a temporary file next to path, then renames
// it to path. The file ends with mode 0644.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
