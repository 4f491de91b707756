package httpx

import (
	"errors"
	"net/url"
	"sync"
)

// TransportError is a request that got no HTTP answer: the connection was
// refused or reset, TLS failed, no response came within the timeout, or the
// body broke off. It says nothing about what the target does with such a
// request, so a check that meets one ends in ERROR, never in FAIL (the
// runner classifies it so even when a check wrapped it in a failure).
type TransportError struct {
	Method string
	// URL is the request URL, redacted.
	URL string
	// Origin is the origin the request went to (scheme://host[:port]).
	Origin string
	// Msg describes what went wrong, redacted.
	Msg string
	// Cancelled is set when the caller gave up (the check's deadline, an
	// interrupted run) rather than the target failing to answer.
	Cancelled bool
	Err       error
}

func (e *TransportError) Error() string { return e.Method + " " + e.URL + ": " + e.Msg }
func (e *TransportError) Unwrap() error { return e.Err }

// IsTransport reports whether err is (or wraps) a TransportError.
func IsTransport(err error) bool {
	var te *TransportError
	return errors.As(err, &te)
}

// AsTransport returns the TransportError in err's chain, or nil.
func AsTransport(err error) *TransportError {
	var te *TransportError
	if errors.As(err, &te) {
		return te
	}
	return nil
}

// health counts, per origin, the requests in a row that got no answer.
type health struct {
	mu      sync.Mutex
	failing map[string]int
}

func (h *health) note(u *url.URL, failed bool) {
	o := Origin(u)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !failed {
		delete(h.failing, o)
		return
	}
	if h.failing == nil {
		h.failing = map[string]int{}
	}
	h.failing[o]++
}

// ConsecutiveFailures is the number of requests to origin (as Origin
// writes it) in a row that got no answer (transport errors other than the
// caller giving up); any answer, whatever its status, resets it.
func (t *Transport) ConsecutiveFailures(origin string) int {
	t.health.mu.Lock()
	defer t.health.mu.Unlock()
	return t.health.failing[origin]
}
