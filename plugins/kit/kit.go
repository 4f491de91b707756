// Package kit writes authspec plugins in Go. A plugin is a main package
// built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o my.wasm ./myplugin
//
// that registers itself from init (main is never called in a reactor):
//
//	func init() {
//		kit.Register(kit.Plugin{Name: "acme", Checks: []kit.Check{{
//			Info: abi.CheckInfo{ID: "token-lifetime", Kind: abi.KindCheck, Title: "...",
//				Spec: "ACME policy", Section: "1", Level: "MUST"},
//			Run: func(t *kit.T) abi.Result { ... },
//		}}})
//	}
//	func main() {}
//
// The kit exports the ABI v1 entry points and hides the memory plumbing;
// T gives HTTP through the host, the authorization step, logging, and
// helpers for the usual OAuth client chores. docs/plugins.md has the ABI.
package kit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite/plugin/abi"
)

// Plugin is what a plugin registers.
type Plugin struct {
	Name        string
	Version     string
	Description string
	Checks      []Check
}

// Check is one client flow or check with the code that runs it.
type Check struct {
	Info abi.CheckInfo
	Run  func(t *T) abi.Result
}

var registered *Plugin

// Register declares the plugin; call it once, from init.
func Register(p Plugin) { registered = &p }

func describe() []byte {
	if registered == nil {
		return mustJSON(abi.Description{ABI: abi.Version})
	}
	d := abi.Description{Name: registered.Name, ABI: abi.Version, Version: registered.Version, Description: registered.Description}
	for _, c := range registered.Checks {
		d.Checks = append(d.Checks, c.Info)
	}
	return mustJSON(d)
}

func run(input []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			out = mustJSON(Errorf("the plugin panicked: %v", r))
		}
	}()
	var in abi.Input
	if err := json.Unmarshal(input, &in); err != nil {
		return mustJSON(Errorf("the plugin cannot read its input: %v", err))
	}
	if registered == nil {
		return mustJSON(Errorf("no plugin registered (call kit.Register from init)"))
	}
	for _, c := range registered.Checks {
		if c.Info.ID == in.Check {
			return mustJSON(c.Run(&T{In: in}))
		}
	}
	return mustJSON(Errorf("the plugin has no check %q", in.Check))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(Errorf("the plugin cannot encode its result: %v", err))
	}
	return b
}

// Pass is a passing result.
func Pass() abi.Result { return abi.Result{Status: abi.StatusPass} }

// Fail reports that the target broke the requirement: what was expected,
// what came, and how to fix it.
func Fail(msg, want, got, fix string) abi.Result {
	return abi.Result{Status: abi.StatusFail, Message: msg, Want: want, Got: got, Fix: fix}
}

// Skipf reports that the check cannot run against this target, and why.
func Skipf(format string, args ...any) abi.Result {
	return abi.Result{Status: abi.StatusSkip, Message: fmt.Sprintf(format, args...)}
}

// Errorf reports that the plugin itself could not do its job.
func Errorf(format string, args ...any) abi.Result {
	return abi.Result{Status: abi.StatusError, Message: fmt.Sprintf(format, args...)}
}

// T is the context of one run of a check.
type T struct {
	In abi.Input
}

// Logf writes a line to the check's log in the report.
func (t *T) Logf(format string, args ...any) { hostLog(fmt.Sprintf(format, args...)) }

// Response is a response received through the host.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("HTTP %d: the body is not the expected JSON: %w", r.Status, err)
	}
	return nil
}

// Do sends one request through the host (no redirects are followed). The
// host allows only the target's origins and the plugin's callback.
func (t *T) Do(method, rawURL string, header http.Header, body string, note string) (*Response, error) {
	req := abi.HTTPRequest{Method: method, URL: rawURL, Header: header, Body: body, Note: note}
	var res abi.HTTPResponse
	if err := hostCall(hostHTTP, req, &res); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, rawURL, err)
	}
	if res.Error != "" {
		return nil, fmt.Errorf("%s %s: %s", method, rawURL, res.Error)
	}
	return &Response{Status: res.Status, Header: http.Header(res.Header), Body: []byte(res.Body), Truncated: res.Truncated}, nil
}

// Get sends a GET with optional headers given as name, value pairs.
func (t *T) Get(rawURL, note string, headers ...string) (*Response, error) {
	return t.Do(http.MethodGet, rawURL, pairs(headers), "", note)
}

// PostForm sends an application/x-www-form-urlencoded POST.
func (t *T) PostForm(rawURL string, form url.Values, note string, headers ...string) (*Response, error) {
	h := pairs(headers)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return t.Do(http.MethodPost, rawURL, h, form.Encode(), note)
}

// PostJSON sends a JSON POST.
func (t *T) PostJSON(rawURL string, v any, note string, headers ...string) (*Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode the request body: %w", err)
	}
	h := pairs(headers)
	h.Set("Content-Type", "application/json")
	return t.Do(http.MethodPost, rawURL, h, string(b), note)
}

func pairs(kv []string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// Authorize has the host take authURL through the target's pages (browser
// recipe, session, consent) and returns the redirect the client received.
// flow is "approve" or "deny".
func (t *T) Authorize(authURL, redirectURI, flow string) (*url.URL, error) {
	return t.authorize(abi.AuthorizeRequest{URL: authURL, RedirectURI: redirectURI, Flow: flow})
}

func (t *T) authorize(req abi.AuthorizeRequest) (*url.URL, error) {
	redirectURI := req.RedirectURI
	var res abi.AuthorizeResponse
	if err := hostCall(hostAuthorize, req, &res); err != nil {
		return nil, fmt.Errorf("authorize: %w", err)
	}
	if res.Error != "" {
		return nil, fmt.Errorf("authorize: %s", res.Error)
	}
	if res.Callback == "" {
		if res.Interactive {
			return nil, &SkipError{Reason: "the server shows a page that needs a person: run with the browser and give login/consent steps in the target config"}
		}
		return nil, fmt.Errorf("authorize: the authorization request did not come back to %s (last response HTTP %d)", redirectURI, res.Status)
	}
	u, err := url.Parse(res.Callback)
	if err != nil {
		return nil, fmt.Errorf("authorize: the host returned a malformed callback %q: %w", res.Callback, err)
	}
	return u, nil
}

// Random returns n random bytes from the host.
func Random(n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		hostRandom(b)
	}
	return b
}

// RandomString returns a URL-safe random string of n bytes of entropy.
func RandomString(n int) string { return base64.RawURLEncoding.EncodeToString(Random(n)) }

// PKCE returns a fresh RFC 7636 S256 verifier and its challenge.
func PKCE() (verifier, challenge string) {
	verifier = RandomString(32)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// Metadata returns a string member of the target's RFC 8414 metadata.
func (t *T) Metadata(name string) string {
	s, _ := t.In.Target.Metadata[name].(string)
	return s
}

// MetadataList returns a string-array member of the target's metadata.
func (t *T) MetadataList(name string) []string {
	return StringList(t.In.Target.Metadata[name])
}

// StringList converts a decoded JSON array of strings.
func StringList(v any) []string {
	arr, _ := v.([]any)
	var out []string
	for _, e := range arr {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// HasFeature reports whether the target offers feature f.
func (t *T) HasFeature(f string) bool {
	for _, have := range t.In.Target.Features {
		if have == f {
			return true
		}
	}
	return false
}

// Short abbreviates a body for messages.
func Short(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// SkipError says the flow cannot run against this target (not a failure of
// the target); Outcome turns it into SKIP.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return e.Reason }
