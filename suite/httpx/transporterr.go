package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
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

// probeTimeout bounds Probe: a safety net far above any normal answer, so
// that a busy target or machine is not taken for a dead one.
const probeTimeout = 15 * time.Second

// Probe asks whether the target at rawURL still answers: a GET, recorded
// nowhere, that waits for the response headers up to max(15 s, 3 times
// the request timeout). Any HTTP answer, whatever its status, is nil; no
// answer is a *TransportError.
func (t *Transport) Probe(ctx context.Context, rawURL string) error {
	timeout := max(probeTimeout, 3*t.timeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", "authspec")
	rt := t.rt
	if ht, ok := rt.(*http.Transport); ok {
		ht = ht.Clone()
		ht.ResponseHeaderTimeout = timeout
		defer ht.CloseIdleConnections()
		rt = ht
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return &TransportError{Method: req.Method, URL: redactURL(t, req.URL), Origin: Origin(req.URL),
			Msg: t.Redact(describeErr(err, timeout)), Cancelled: ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded), Err: err}
	}
	_ = resp.Body.Close()
	t.health.note(req.URL, false)
	return nil
}
