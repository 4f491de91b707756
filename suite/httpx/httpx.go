// Package httpx is the recording HTTP client of the suite. It is pinned and
// unhelpful on purpose: it never follows redirects, never retries a failed
// request, never
// falls back to another client authentication style, caps every response
// body, puts a deadline on every request, and records every exchange with
// secrets redacted so that a result can show exactly what happened. The one
// request it sends again is one the target answered 429 Too Many Requests
// (or 503 with Retry-After), a bounded number of times (throttle.go).
package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// Defaults of a Client.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultMaxBody  = 1 << 20
	maxRecordedBody = 16 << 10
)

// Exchange is one recorded request and its response (or the error instead).
type Exchange struct {
	Request  Request   `json:"request"`
	Response *Response `json:"response,omitempty"`
	Error    string    `json:"error,omitempty"`
	// Note says why the exchange was made ("register confidential client").
	Note       string `json:"note,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// Request is the recorded form of a request.
type Request struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers,omitempty"`
	Body    string              `json:"body,omitempty"`
}

// Response is the recorded form of a response.
type Response struct {
	Status    int                 `json:"status"`
	Headers   map[string][]string `json:"headers,omitempty"`
	Body      string              `json:"body,omitempty"`
	Truncated bool                `json:"truncated,omitempty"`
}

// Observer sees every exchange with the raw (unredacted) bodies, e.g. to
// validate it against the OpenAPI contract. It must be safe for concurrent use.
type Observer interface {
	Observe(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte)
}

// Transport is shared by every Client of a run: connection pool, limits,
// redaction, the origin policy and observers.
type Transport struct {
	rt        http.RoundTripper
	timeout   time.Duration
	maxBody   int64
	secrets   secretSet
	mu        sync.Mutex
	observers []Observer
	policy    *Policy
	health    health
	roots     *x509.CertPool
}

// NewTransport builds a transport with a per-request timeout and a response
// size cap; zero values take the defaults.
func NewTransport(timeout time.Duration, maxBody int64) *Transport {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	tr := &http.Transport{
		Proxy:                  nil, // never through a proxy: targets are addressed directly
		MaxIdleConnsPerHost:    16,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	return &Transport{rt: tr, timeout: timeout, maxBody: maxBody}
}

// TrustRoots makes the transport verify servers' certificates with pool
// instead of the system's roots (target config tls.ca_file); nil keeps the
// system's roots. Verification itself is never turned off.
func (t *Transport) TrustRoots(pool *x509.CertPool) {
	t.roots = pool
	if tr, ok := t.rt.(*http.Transport); ok {
		tr.TLSClientConfig = t.TLSConfig()
	}
}

// TLSConfig is the TLS client configuration of the transport's requests,
// for a probe that opens a TLS connection of its own (a handshake limited
// to one version): the same roots, TLS 1.2 at least.
func (t *Transport) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: t.roots, MinVersion: tls.VersionTLS12}
}

// WithRoundTripper replaces the underlying round tripper (tests).
func (t *Transport) WithRoundTripper(rt http.RoundTripper) *Transport { t.rt = rt; return t }

// AddSecret registers a credential to redact from everything recorded and
// reported, in every form it may travel in: raw, form-urlencoded,
// path-escaped, JSON-escaped, and those escaped once more. Values shorter
// than 4 bytes are ignored (they would redact noise).
func (t *Transport) AddSecret(s string) { t.secrets.add(s, Credential) }

// AddAccessToken registers an access token: redacted like a credential,
// and also allowed to the protected resource's origin (see Policy).
func (t *Transport) AddAccessToken(s string) { t.secrets.add(s, AccessToken) }

// AddCredentials registers a client's secret together with the forms HTTP
// Basic authentication gives it: base64 of "id:secret", with the raw and the
// form-urlencoded id and secret (RFC 6749 §2.3.1), in the standard and URL
// alphabets, with and without padding.
func (t *Transport) AddCredentials(id, secret string) { t.secrets.addPair(id, secret) }

// AddObserver registers an observer of every exchange.
func (t *Transport) AddObserver(o Observer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.observers = append(t.observers, o)
}

// Timeout is the per-request deadline.
func (t *Transport) Timeout() time.Duration { return t.timeout }

// CloseIdle closes idle connections.
func (t *Transport) CloseIdle() {
	if c, ok := t.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// Redact replaces every registered secret in s, in every form, with
// [REDACTED]; so is the beginning of a secret cut short by the end of s or
// by an ellipsis (a text truncated for display).
func (t *Transport) Redact(s string) string { return t.secrets.redact(s) }

// RedactText is Redact for free text that may quote a server's answer
// (messages, logs, bodies): it also hides the values of secret-bearing JSON
// members and URL parameters (access_token, code, ...) that were never
// registered.
func (t *Transport) RedactText(s string) string {
	return redactParams(redactJSONMembers(t.secrets.redact(s)))
}

// Client records the exchanges of one check (or of one fixture) on a shared
// Transport. It is safe for concurrent use.
type Client struct {
	tr    *Transport
	mu    sync.Mutex
	log   []Exchange
	note  string
	files []Attachment
}

// Attachment is evidence that is not an HTTP exchange, such as a screenshot
// of the page a browser was stuck on.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// Attach records evidence with the exchanges; the runner adds it to the
// check's result.
func (c *Client) Attach(a Attachment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files = append(c.files, a)
}

// Attachments returns a copy of the recorded evidence.
func (c *Client) Attachments() []Attachment {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Attachment(nil), c.files...)
}

// NewClient returns a client with an empty log.
func (t *Transport) NewClient() *Client { return &Client{tr: t} }

// Transport returns the shared transport.
func (c *Client) Transport() *Transport { return c.tr }

// Exchanges returns a copy of the recorded exchanges.
func (c *Client) Exchanges() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Exchange(nil), c.log...)
}

// Last returns the last n recorded exchanges.
func (c *Client) Last(n int) []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > len(c.log) {
		n = len(c.log)
	}
	return append([]Exchange(nil), c.log[len(c.log)-n:]...)
}

// Record appends exchanges recorded elsewhere (a fixture made for this check).
func (c *Client) Record(ex ...Exchange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, ex...)
}

// Result is a received response with its body read (at most the cap).
type Result struct {
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool
	URL       *url.URL
	// Exchange is the recorded (redacted) form of this request/response.
	Exchange Exchange
}

// Snippet is the body for a message: trimmed, cut after 160 bytes (at a
// character boundary) with an ellipsis, or "(empty body)".
func (r *Result) Snippet() string {
	s := strings.TrimSpace(string(r.Body))
	if s == "" {
		return "(empty body)"
	}
	if len(s) > 160 {
		cut := 160
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// ErrBodyTooLarge is wrapped in nothing: a truncated body is reported by
// Result.Truncated, not as an error, so that checks can still judge headers.

// Do sends req and reads the response. Transport errors (connection refused,
// timeout) come back as the error; any HTTP status is a Result.
func (c *Client) Do(ctx context.Context, req *http.Request, note string) (*Result, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		req.ContentLength = int64(len(b))
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "authspec")
	}
	for attempt := 1; ; attempt++ {
		res, err := c.once(ctx, req, reqBody, note)
		if err != nil {
			return nil, err
		}
		wait, again := retryWait(res.Status, res.Header, attempt)
		if !again {
			if res.Status == http.StatusTooManyRequests {
				return nil, &ThrottledError{Method: req.Method, URL: redactURL(c.tr, req.URL), Attempts: attempt, RetryAfter: res.Header.Get("Retry-After")}
			}
			return res, nil
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, &ThrottledError{Method: req.Method, URL: redactURL(c.tr, req.URL), Attempts: attempt, RetryAfter: res.Header.Get("Retry-After")}
		}
		if reqBody != nil {
			req.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		note = retryNote(note)
	}
}

// retryNote is the note of an exchange sent again after a 429 or 503.
func retryNote(note string) string {
	const suffix = " (sent again: the target asked to retry later)"
	if strings.HasSuffix(note, suffix) {
		return note
	}
	return note + suffix
}

// once sends req one time and records the exchange.
func (c *Client) once(ctx context.Context, req *http.Request, reqBody []byte, note string) (*Result, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.tr.timeout)
	defer cancel()
	req = req.WithContext(ctx)
	start := time.Now()
	c.tr.learnRequest(req, reqBody)
	ex := Exchange{Request: c.recordRequest(req, reqBody), Note: note}
	if err := c.tr.check(req, reqBody); err != nil {
		ex.Error = err.Error()
		c.Record(ex)
		return nil, err
	}
	var reused bool
	traced := req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
	}))
	resp, err := c.tr.rt.RoundTrip(traced)
	if err != nil && reused && staleConnection(err) {
		// The server closed a kept-alive connection as the request went
		// out (its idle timeout): nothing came back, so it is sent again on
		// a new connection, as browsers do.
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, fmt.Errorf("read request body: %w", err)
			}
		}
		resp, err = c.tr.rt.RoundTrip(req)
	}
	if err != nil {
		ex.Error = c.tr.Redact(describeErr(err, c.tr.timeout))
		ex.DurationMS = time.Since(start).Milliseconds()
		c.Record(ex)
		return nil, c.tr.transportError(parent, req, ex.Error, err)
	}
	defer resp.Body.Close()
	body, truncated, rerr := readCapped(resp.Body, c.tr.maxBody)
	ex.DurationMS = time.Since(start).Milliseconds()
	res := &Result{Status: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated, URL: req.URL}
	c.tr.learnResponse(resp, body)
	ex.Response = c.recordResponse(resp, body, truncated)
	if rerr != nil {
		ex.Error = c.tr.Redact(describeErr(rerr, c.tr.timeout))
		c.Record(ex)
		return nil, c.tr.transportError(parent, req, "reading the response body: "+ex.Error, rerr)
	}
	c.tr.health.note(req.URL, false)
	c.Record(ex)
	res.Exchange = ex
	c.tr.mu.Lock()
	obs := c.tr.observers
	c.tr.mu.Unlock()
	for _, o := range obs {
		o.Observe(req, reqBody, resp, body)
	}
	return res, nil
}

func redactURL(t *Transport, u *url.URL) string { return t.Redact(u.String()) }

// transportError builds the error of a request that got no answer, and
// counts it against the origin unless the caller gave up (parent is the
// caller's context, without the request's own timeout).
func (t *Transport) transportError(parent context.Context, req *http.Request, msg string, err error) error {
	cancelled := parent.Err() != nil
	if !cancelled {
		t.health.note(req.URL, true)
	}
	return &TransportError{Method: req.Method, URL: redactURL(t, req.URL), Origin: Origin(req.URL), Msg: msg, Cancelled: cancelled, Err: err}
}

func describeErr(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no response within %s (timeout)", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func readCapped(r io.Reader, max int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(b)) > max {
		return b[:max], true, nil
	}
	return b, false, err
}

var secretHeaders = map[string]bool{"Authorization": true, "Cookie": true, "Set-Cookie": true, "Proxy-Authorization": true}

func (c *Client) recordHeaders(h http.Header) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			if secretHeaders[http.CanonicalHeaderKey(k)] {
				cp[i] = redactAuthorization(v)
			} else {
				cp[i] = c.tr.Redact(v)
			}
		}
		out[k] = cp
	}
	return out
}

// redactAuthorization keeps the scheme and the shape of the credentials,
// so that a reader sees "Basic" or "Bearer" was used and, for a malformed
// header, what was malformed (two tokens, a doubled space, no token at
// all), and hides every credential: "Bearer a  b" is recorded as
// "Bearer [REDACTED]  [REDACTED]". A first word that is not a known
// scheme may itself be a credential and is hidden too.
func redactAuthorization(v string) string {
	var b strings.Builder
	inWord, first := false, true
	for i, r := range v {
		if r == ' ' || r == '\t' {
			b.WriteRune(r)
			inWord = false
			continue
		}
		if inWord {
			continue
		}
		inWord = true
		if first {
			first = false
			word, _, _ := strings.Cut(v[i:], " ")
			if knownSchemes[strings.ToLower(word)] {
				b.WriteString(word)
				continue
			}
		}
		b.WriteString(Redacted)
	}
	return b.String()
}

// knownSchemes are the HTTP authentication schemes kept in recorded
// Authorization headers (IANA HTTP Authentication Scheme Registry).
var knownSchemes = map[string]bool{"basic": true, "bearer": true, "digest": true, "dpop": true,
	"hoba": true, "mutual": true, "negotiate": true, "ntlm": true, "oauth": true, "privatetoken": true,
	"scram-sha-1": true, "scram-sha-256": true, "vapid": true, "concealed": true, "gnap": true}

var secretParams = []string{"client_secret", "code", "code_verifier", "refresh_token", "access_token",
	"token", "password", "registration_access_token", "csrf_token", "id_token"}

// redactBody hides secret-bearing form parameters and JSON members even when
// they were not registered as secrets (codes and tokens minted by the target),
// then cuts the body at limit: redaction comes first, so that a secret
// straddling the limit is not left half visible.
func (c *Client) redactBody(b []byte, limit int) (string, bool) {
	s := c.tr.Redact(string(b))
	if v, err := url.ParseQuery(s); err == nil && strings.Contains(s, "=") && !strings.ContainsAny(s, "{}\n") {
		changed := false
		for _, p := range secretParams {
			if _, ok := v[p]; ok {
				v.Set(p, Redacted)
				changed = true
			}
		}
		if changed {
			s = v.Encode()
		}
	} else {
		s = redactJSONMembers(s)
	}
	if len(s) > limit {
		return s[:limit], true
	}
	return s, false
}

func (c *Client) recordRequest(req *http.Request, body []byte) Request {
	u := *req.URL
	if u.RawQuery != "" {
		q := u.Query()
		for _, p := range secretParams {
			if q.Has(p) {
				q.Set(p, "[REDACTED]")
			}
		}
		u.RawQuery = q.Encode()
	}
	r := Request{Method: req.Method, URL: c.tr.Redact(u.String()), Headers: c.recordHeaders(req.Header)}
	if len(body) > 0 {
		r.Body, _ = c.redactBody(body, maxRecordedBody)
	}
	return r
}

func (c *Client) recordResponse(resp *http.Response, body []byte, truncated bool) *Response {
	h := c.recordHeaders(resp.Header)
	if loc := resp.Header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil && u.RawQuery != "" {
			q := u.Query()
			for _, p := range secretParams {
				if q.Has(p) {
					q.Set(p, "[REDACTED]")
				}
			}
			u.RawQuery = q.Encode()
			h["Location"] = []string{c.tr.Redact(u.String())}
		}
	}
	r := &Response{Status: resp.StatusCode, Headers: h, Truncated: truncated}
	if len(body) > 0 {
		var cut bool
		r.Body, cut = c.redactBody(body, maxRecordedBody)
		r.Truncated = r.Truncated || cut
	}
	return r
}

// Redacted returns a copy of ex with redact applied to every text: URL,
// headers, bodies, error and note.
func (ex Exchange) Redacted(redact func(string) string) Exchange {
	out := ex
	out.Request.URL = redact(ex.Request.URL)
	out.Request.Headers = redactHeaderMap(ex.Request.Headers, redact)
	out.Request.Body = redact(ex.Request.Body)
	out.Error, out.Note = redact(ex.Error), redact(ex.Note)
	if ex.Response != nil {
		resp := *ex.Response
		resp.Headers = redactHeaderMap(ex.Response.Headers, redact)
		resp.Body = redact(ex.Response.Body)
		out.Response = &resp
	}
	return out
}

func redactHeaderMap(h map[string][]string, redact func(string) string) map[string][]string {
	if h == nil {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = redact(v)
		}
		out[redact(k)] = cp
	}
	return out
}

// staleConnection reports whether err is a kept-alive connection that the
// server closed before answering: the end of the stream, or a reset,
// before any response.
func staleConnection(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(err.Error(), "server closed idle connection")
}
