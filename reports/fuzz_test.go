package reports

import (
	"bytes"
	"io"
	"testing"
)

// FuzzRead: any bytes given as a report.json either fail to load with an
// error or load into a report that every writer renders without panicking
// (authspec report re-renders files it did not write itself).
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleReport(f)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"tool":"authspec","results":[{"id":"x","status":"FAIL","exchanges":[{"request":{"method":"GET","url":"::"}}],"attachments":[{"name":"a","content_type":"image/png","data":"AAAA"}]}]}`))
	f.Add([]byte(`{"tool":"authspec","baseline":{"stale":["a"]},"results":null}`))
	f.Add([]byte(`{"tool":"authspec","duration_ms":-1,"results":[{"status":"\u0000","level":"MUST","section":"1.a.2"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, w := range []func(io.Writer, *Report) error{WriteJSON, WriteJUnit, WriteMarkdown, WriteHTML} {
			_ = w(io.Discard, r)
		}
		_ = r.GatingFailures()
	})
}
