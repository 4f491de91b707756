package plugin

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/plugin/abi"
)

var hostFunctionNames = []string{abi.HostHTTP, abi.HostAuthorize, abi.HostReply, abi.HostLog, abi.HostNowMS, abi.HostRandom}

// Limits of the host functions.
const (
	maxLogLines  = 200
	maxLogLine   = 2000
	maxRandom    = 4096
	maxHostCalls = 500 // HTTP and authorization steps per check
)

type stateKey struct{}

// callState is what the host functions of one call act on.
type callState struct {
	ctx   context.Context
	clock *budget // paused while the host works for the plugin
	t     *suite.T
	check string
	// origins the plugin may reach: the target's and its callback's.
	origins   map[string]bool
	callback  string
	redirects []string

	mu         sync.Mutex
	reply      []byte
	calls      int
	violations []string
}

func (s *callState) violate(format string, args ...any) string {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.violations) < 10 {
		s.violations = append(s.violations, msg)
	}
	return msg
}

func stateOf(ctx context.Context) *callState {
	s, _ := ctx.Value(stateKey{}).(*callState)
	return s
}

func instantiateHost(ctx context.Context, rt wazero.Runtime) error {
	_, err := rt.NewHostModuleBuilder(abi.HostModule).
		NewFunctionBuilder().WithFunc(hostHTTP).Export(abi.HostHTTP).
		NewFunctionBuilder().WithFunc(hostAuthorize).Export(abi.HostAuthorize).
		NewFunctionBuilder().WithFunc(hostReply).Export(abi.HostReply).
		NewFunctionBuilder().WithFunc(hostLog).Export(abi.HostLog).
		NewFunctionBuilder().WithFunc(func() int64 { return time.Now().UnixMilli() }).Export(abi.HostNowMS).
		NewFunctionBuilder().WithFunc(hostRandom).Export(abi.HostRandom).
		Instantiate(ctx)
	if err != nil {
		return fmt.Errorf("instantiate %s: %w", abi.HostModule, err)
	}
	return nil
}

// readMessage copies a message the guest hands the host.
func readMessage(m api.Module, ptr, n uint32) ([]byte, error) {
	if n > MaxMessageBytes {
		return nil, fmt.Errorf("the message is %d bytes; the limit is %d", n, MaxMessageBytes)
	}
	b, ok := m.Memory().Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("the message (ptr %d, len %d) is outside the plugin's memory", ptr, n)
	}
	return append([]byte(nil), b...), nil
}

// answer stores a reply for the guest to fetch with reply(); it returns its length.
func (s *callState) answer(v any) uint32 {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":"the host could not encode its reply"}`)
	}
	s.mu.Lock()
	s.reply = b
	s.mu.Unlock()
	return uint32(len(b))
}

func (s *callState) countCall() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls > maxHostCalls {
		return fmt.Errorf("more than %d requests in one check", maxHostCalls)
	}
	return nil
}

func hostReply(ctx context.Context, m api.Module, dst uint32) {
	s := stateOf(ctx)
	if s == nil {
		return
	}
	s.mu.Lock()
	b := s.reply
	s.reply = nil
	s.mu.Unlock()
	if !m.Memory().Write(dst, b) {
		s.violate("reply(): destination %d is outside the plugin's memory", dst)
	}
}

func hostLog(ctx context.Context, m api.Module, ptr, n uint32) {
	s := stateOf(ctx)
	if s == nil {
		return
	}
	b, err := readMessage(m, ptr, min(n, maxLogLine))
	if err != nil {
		s.violate("log(): %v", err)
		return
	}
	if len(s.t.Log()) < maxLogLines {
		s.t.Logf("%s: %s", s.check, strings.ToValidUTF8(string(b), "\uFFFD"))
	}
}

func hostRandom(ctx context.Context, m api.Module, ptr, n uint32) {
	s := stateOf(ctx)
	if n > maxRandom {
		if s != nil {
			s.violate("random(): %d bytes asked; the limit is %d", n, maxRandom)
		}
		return
	}
	b := make([]byte, n)
	_, _ = rand.Read(b)
	if !m.Memory().Write(ptr, b) && s != nil {
		s.violate("random(): destination outside the plugin's memory")
	}
}

func hostHTTP(ctx context.Context, m api.Module, ptr, n uint32) uint32 {
	s := stateOf(ctx)
	if s == nil {
		return 0
	}
	msg, err := readMessage(m, ptr, n)
	if err != nil {
		return s.answer(abi.HTTPResponse{Error: s.violate("http(): %v", err)})
	}
	var req abi.HTTPRequest
	if err := strictJSON(msg, &req); err != nil {
		return s.answer(abi.HTTPResponse{Error: s.violate("http(): malformed request: %v", err)})
	}
	s.clock.pause()
	defer s.clock.resume()
	return s.answer(s.send(ctx, req, "http()"))
}

// send sends req for the plugin, within what it may reach: the target's
// origins, and the run's origin policy for secrets. what names the host
// call in violations.
func (s *callState) send(ctx context.Context, req abi.HTTPRequest, what string) abi.HTTPResponse {
	if err := s.countCall(); err != nil {
		return abi.HTTPResponse{Error: s.violate("%s: %v", what, err)}
	}
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return abi.HTTPResponse{Error: fmt.Sprintf("not an http(s) URL: %q", req.URL)}
	}
	if !s.origins[origin(u)] {
		return abi.HTTPResponse{Error: s.violate("the plugin tried to reach %s, outside the target's origins (%s)", origin(u), s.originList())}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	var body *strings.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if body != nil {
		hreq, err = http.NewRequestWithContext(ctx, method, u.String(), body)
	}
	if err != nil {
		return abi.HTTPResponse{Error: fmt.Sprintf("bad request: %v", err)}
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	note := req.Note
	if note == "" {
		note = "plugin request"
	}
	res, err := s.t.HTTP.Do(ctx, hreq, s.check+": "+note)
	if httpx.IsRefused(err) {
		// A secret where the run's origin policy does not allow it: the
		// plugin's verdict cannot be trusted either.
		return abi.HTTPResponse{Error: s.violate("%s: %v", what, err)}
	}
	if err != nil {
		return abi.HTTPResponse{Error: err.Error()}
	}
	return abi.HTTPResponse{Status: res.Status, Header: res.Header, Body: strings.ToValidUTF8(string(res.Body), "\uFFFD"), Truncated: res.Truncated}
}

func hostAuthorize(ctx context.Context, m api.Module, ptr, n uint32) uint32 {
	s := stateOf(ctx)
	if s == nil {
		return 0
	}
	msg, err := readMessage(m, ptr, n)
	if err != nil {
		return s.answer(abi.AuthorizeResponse{Error: s.violate("authorize(): %v", err)})
	}
	var req abi.AuthorizeRequest
	if err := strictJSON(msg, &req); err != nil {
		return s.answer(abi.AuthorizeResponse{Error: s.violate("authorize(): malformed request: %v", err)})
	}
	if err := s.countCall(); err != nil {
		return s.answer(abi.AuthorizeResponse{Error: s.violate("authorize(): %v", err)})
	}
	u, err := url.Parse(req.URL)
	if err != nil || u.Host == "" {
		return s.answer(abi.AuthorizeResponse{Error: fmt.Sprintf("not an authorization URL: %q", req.URL)})
	}
	if !s.origins[origin(u)] {
		return s.answer(abi.AuthorizeResponse{Error: s.violate("the plugin tried to authorize at %s, outside the target's origins", origin(u))})
	}
	if !s.redirectAllowed(req.RedirectURI) {
		return s.answer(abi.AuthorizeResponse{Error: s.violate("authorize(): redirect_uri %q is neither the plugin's callback nor a loopback URI", req.RedirectURI)})
	}
	flow := fixture.FlowApprove
	switch req.Flow {
	case "", "approve":
	case "deny":
		flow = fixture.FlowDeny
	default:
		return s.answer(abi.AuthorizeResponse{Error: fmt.Sprintf("flow %q: use approve or deny", req.Flow)})
	}
	if s.t.Fixtures == nil || s.t.Fixtures.Authorizer == nil {
		return s.answer(abi.AuthorizeResponse{Error: "this run has no authorizer"})
	}
	urls := fixture.SameURL(u.String())
	if req.Push != nil {
		urls = s.pushedURLs(u, *req.Push)
	}
	s.clock.pause()
	res, err := s.t.AuthorizeEach(ctx, urls, req.RedirectURI, flow)
	s.clock.resume()
	out := abi.AuthorizeResponse{}
	if res != nil {
		if res.Callback != nil {
			out.Callback = res.Callback.String()
		}
		out.Interactive = res.Interactive
		if res.Last != nil {
			out.Status = res.Last.Status
		}
		for _, p := range res.Pages {
			s.t.Logf("%s: page %s", s.check, p.URL)
		}
	}
	if err != nil && out.Callback == "" {
		out.Error = err.Error()
		if httpx.IsRefused(err) {
			out.Error = s.violate("authorize(): %v", err)
		}
	}
	return s.answer(out)
}

// pushedURLs are the URLs of a flow the plugin pushed: u first, then, for
// each attempt after it, u with the request_uri of push sent again (a
// request_uri serves once, RFC 9126 §4).
func (s *callState) pushedURLs(u *url.URL, push abi.HTTPRequest) fixture.URLs {
	first := true
	return func(ctx context.Context) (string, error) {
		if first {
			first = false
			return u.String(), nil
		}
		if push.Note == "" {
			push.Note = "push the authorization request again"
		}
		res := s.send(ctx, push, "authorize(): push")
		if res.Error != "" {
			return "", fmt.Errorf("push the authorization request again: %s", res.Error)
		}
		var body struct {
			RequestURI string `json:"request_uri"`
		}
		if res.Status < 200 || res.Status > 299 || json.Unmarshal([]byte(res.Body), &body) != nil || body.RequestURI == "" {
			return "", &fixture.ErrUnavailable{Reason: fmt.Sprintf("the authorization request pushed again was refused: HTTP %d", res.Status)}
		}
		again := *u
		q := again.Query()
		q.Set("request_uri", body.RequestURI)
		again.RawQuery = q.Encode()
		return again.String(), nil
	}
}

func (s *callState) redirectAllowed(r string) bool {
	u, err := url.Parse(r)
	if err != nil || u.Scheme != "http" {
		return false
	}
	for _, ok := range s.redirects {
		if r == ok {
			return true
		}
	}
	h := u.Hostname()
	return h == "127.0.0.1" || h == "::1" || h == "localhost"
}

func (s *callState) originList() string {
	var out []string
	for o := range s.origins {
		out = append(out, o)
	}
	sortStrings(out)
	return strings.Join(out, ", ")
}

func origin(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(host, port)
}

// targetOrigins are the origins a plugin may reach on this target: those
// the run's origin policy trusts (the issuer's and allowed_origins) and
// those of the protected resources the config names. Endpoints the metadata
// names elsewhere are not added: a metadata document must not widen what a
// plugin, handed the client's secret, may reach.
func targetOrigins(t *suite.T) map[string]bool {
	out := map[string]bool{}
	add := func(raw string) {
		if u, err := url.Parse(raw); err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
			out[origin(u)] = true
		}
	}
	if p := t.Transport.Policy(); p != nil {
		for _, o := range append(p.Origins(), p.ResourceOrigins()...) {
			add(o)
		}
		return out
	}
	tg := t.Target
	add(tg.Issuer)
	add(tg.Resource)
	add(tg.Config.ScopedResource)
	return out
}

// callback is the plugin's loopback redirect URI for one run: a real
// listener, so that a browser following the redirect finds a page.
type callback struct {
	url string
	srv *http.Server
}

func listenCallback() (*callback, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("callback listener: %w", err)
	}
	cb := &callback{url: "http://" + ln.Addr().String() + "/callback"}
	cb.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		msg := "Authorization received. You may close this window."
		if e := r.URL.Query().Get("error"); e != "" {
			msg = "The authorization server answered error=" + e + "."
		}
		fmt.Fprintf(w, "<!doctype html><title>authspec plugin</title><p>%s</p>", html.EscapeString(msg))
	})}
	go func() { _ = cb.srv.Serve(ln) }()
	return cb, nil
}

func (c *callback) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := c.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = c.srv.Close()
	}
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{}
	}
	return u
}
