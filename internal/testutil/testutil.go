// Package testutil holds what the tests of several packages share.
package testutil

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// SyncBuffer collects output that several goroutines write, such as a
// child process's two pipes or a server's log, and reads it as a whole.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// EditJSON serves what next serves, except that a JSON object it answers
// with a 2xx status to a request whose path contains path (a metadata
// document, say) passes through edit first; the status and the other
// headers stay. A test plays a server that serves the object differently.
func EditJSON(next http.Handler, path string, edit func(r *http.Request, obj map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, path) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var obj map[string]any
		if rec.Code >= 200 && rec.Code < 300 && json.Unmarshal(body, &obj) == nil && obj != nil {
			edit(r, obj)
			body, _ = json.Marshal(obj)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}
