// Package testutil holds what the tests of several packages share.
package testutil

import (
	"bytes"
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
