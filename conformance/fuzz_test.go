package conformance

import (
	"bytes"
	"testing"
)

// FuzzParseBaseline: a baseline file is parsed or refused, never panics,
// and what parses writes back to an equivalent file.
func FuzzParseBaseline(f *testing.F) {
	f.Add([]byte("version: 1\nknown_failures:\n  - id: rfc6749-5.1-token-type\n    reason: x\n"))
	f.Add([]byte("version: 1\nknown_failures: []\n"))
	f.Add([]byte("version: 1\ntarget: a\nknown_failures: [{id: a, reason: b}, {id: c, reason: d}]\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBaseline(data)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := b.Write(&buf); err != nil {
			t.Fatalf("write: %v", err)
		}
		b2, err := ParseBaseline(buf.Bytes())
		if err != nil {
			t.Fatalf("a written baseline does not parse: %v\n%s", err, buf.String())
		}
		if len(b2.Known) != len(b.Known) {
			t.Fatalf("round trip changed the entries: %d != %d", len(b2.Known), len(b.Known))
		}
	})
}
