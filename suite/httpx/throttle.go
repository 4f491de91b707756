package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A target that answers 429 Too Many Requests (RFC 6585 §4) has not
// answered the request: it asks the client to come back later. The client
// does so a few times, within bounds, as any client would; a target that
// keeps refusing gives a ThrottledError, which says nothing about how it
// treats the request (the runner makes it SKIP, never a verdict). A 503
// Service Unavailable with Retry-After is retried the same way, and its
// last answer returned as it is (some sentences allow 503, RFC 7009
// §2.2.1).
const (
	// throttleAttempts bounds the requests sent for one Do.
	throttleAttempts = 3
	// maxThrottleWait is the longest Retry-After honoured; a longer one
	// ends the attempts at once.
	maxThrottleWait = 10 * time.Second
	// defaultThrottleWait is the wait after a 429 without Retry-After.
	defaultThrottleWait = time.Second
)

// ThrottledError is a request the target answered 429 Too Many Requests
// every time it was sent.
type ThrottledError struct {
	Method string
	// URL is the request URL, redacted.
	URL      string
	Attempts int
	// RetryAfter is the target's last Retry-After, as it sent it.
	RetryAfter string
}

func (e *ThrottledError) Error() string {
	after := ""
	if e.RetryAfter != "" {
		after = ", Retry-After: " + e.RetryAfter
	}
	return fmt.Sprintf("%s %s: the target answered HTTP 429 Too Many Requests %d time(s)%s", e.Method, e.URL, e.Attempts, after)
}

// AsThrottled returns the ThrottledError in err's chain, or nil.
func AsThrottled(err error) *ThrottledError {
	var te *ThrottledError
	if errors.As(err, &te) {
		return te
	}
	return nil
}

// retryWait says whether an answer with status and header is to be sent
// again after attempt (1-based), and after how long.
func retryWait(status int, h http.Header, attempt int) (time.Duration, bool) {
	if attempt >= throttleAttempts {
		return 0, false
	}
	ra := strings.TrimSpace(h.Get("Retry-After"))
	switch {
	case status == http.StatusTooManyRequests:
	case status == http.StatusServiceUnavailable && ra != "":
	default:
		return 0, false
	}
	wait := defaultThrottleWait
	if ra != "" {
		d, ok := parseRetryAfter(ra, time.Now())
		if !ok {
			return defaultThrottleWait, true
		}
		wait = d
	}
	if wait > maxThrottleWait {
		return 0, false
	}
	return wait, true
}

// parseRetryAfter reads a Retry-After value (RFC 9110 §10.2.3): a number
// of seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(0, t.Sub(now)), true
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
