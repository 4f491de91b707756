// Package expect holds the assertions checks use. Each returns nil or a
// *suite.Failure that says what was expected, what came back, and carries
// the exchange that shows it. A malformed response (bad JSON, missing
// headers) is the target's fault and is reported as a failure, never as a
// crash.
package expect

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
)

// Fail builds a failure with the exchange of res attached (res may be nil).
// Add to it in the same expression:
//
//	return expect.Fail(res, "HTTP 400", "HTTP 200", "the server accepted %s", what).
//		WithFix("refuse ...").WithEvidence(setup.Exchange)
func Fail(res *httpx.Result, want, got, format string, args ...any) *suite.Failure {
	f := &suite.Failure{Message: fmt.Sprintf(format, args...), Want: want, Got: got}
	if res != nil {
		f.Exchanges = []httpx.Exchange{res.Exchange}
	}
	return f
}

// WithFix adds a remedy to err when it is a failure (from Status, OAuthError
// and the like, which may return nil); other errors pass through unchanged.
// A failure built here takes its remedy with Failure.WithFix.
func WithFix(err error, fix string) error {
	var f *suite.Failure
	if errors.As(err, &f) && f.Fix == "" {
		f.Fix = fix
	}
	return err
}

// Observation turns a failure into a WARN whatever the check's level: for
// behaviour where specifications are in tension.
func Observation(err error) error {
	var f *suite.Failure
	if errors.As(err, &f) {
		f.Observation = true
	}
	return err
}

// Evidence attaches more exchanges to a failure (e.g. the request that set
// up what the failing response contradicts).
func Evidence(err error, ex ...httpx.Exchange) error {
	var f *suite.Failure
	if errors.As(err, &f) {
		f.Exchanges = append(ex, f.Exchanges...)
	}
	return err
}

// Status requires one of the wanted statuses.
func Status(res *httpx.Result, want ...int) error {
	for _, w := range want {
		if res.Status == w {
			return nil
		}
	}
	ws := make([]string, len(want))
	for i, w := range want {
		ws[i] = strconv.Itoa(w) + " " + http.StatusText(w)
	}
	return Fail(res, "HTTP "+strings.Join(ws, " or "), fmt.Sprintf("HTTP %d %s%s", res.Status, http.StatusText(res.Status), BodyHint(res)),
		"%s", statusMessage(res, ws))
}

// statusMessage says what was answered and what the requirement calls for,
// naming the request by why it was made when the exchange says so.
func statusMessage(res *httpx.Result, want []string) string {
	msg := fmt.Sprintf("answered HTTP %d %s where the requirement calls for HTTP %s",
		res.Status, http.StatusText(res.Status), strings.Join(want, " or "))
	if note := strings.TrimSpace(res.Exchange.Note); note != "" {
		return note + ": " + msg
	}
	return "the server " + msg
}

// JSONObject parses the body as a JSON object. The media type must be
// application/json (or +json) when strictType is true.
func JSONObject(res *httpx.Result, strictType bool) (map[string]any, error) {
	if strictType {
		mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, Fail(res, "Content-Type: application/json", fmt.Sprintf("Content-Type: %q", res.Header.Get("Content-Type")),
				"the response is not declared as JSON")
		}
	}
	if res.Truncated {
		return nil, Fail(res, "a complete JSON object", "a body larger than the response cap", "the response body is too large")
	}
	var m map[string]any
	if err := json.Unmarshal(res.Body, &m); err != nil || m == nil {
		return nil, Fail(res, "a JSON object", describeJSONErr(res.Body, err), "the response body is not a JSON object")
	}
	return m, nil
}

func describeJSONErr(b []byte, err error) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "an empty body"
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	if err != nil {
		return fmt.Sprintf("%q (%v)", s, err)
	}
	return fmt.Sprintf("%q", s)
}

// ErrorResponse requires an RFC 6749 §5.2 error response with HTTP 400
// and one of codes (any code if none): how a token endpoint refuses a
// request.
func ErrorResponse(res *httpx.Result, codes ...string) error {
	_, err := OAuthError(res, []int{http.StatusBadRequest}, codes...)
	return err
}

// Refused judges a request that a sentence says the server must deny
// (a replayed code, a code of another client, a wrong redirect_uri): an
// answer that issues what was asked is the FAIL. Any other answer denied
// it, which is all such a sentence asks. How a denial should look (HTTP 400
// and the §5.2 error code, one of codes when given) is a requirement of its
// own, which the checks of RFC 6749 §5.2 and the OpenAPI contract judge: a
// denial of another form is logged on t, never failed here, so that one
// defect of the error responses is not reported again under every
// sentence that only asks for a denial.
func Refused(t *suite.T, res *httpx.Result, codes ...string) error {
	if honoured(res) {
		return Fail(res, "the request refused (RFC 6749 §5.2: HTTP 400 and an error code)", Outcome(res), "the request was honoured")
	}
	if _, err := OAuthError(res, []int{http.StatusBadRequest}, codes...); err != nil {
		t.Logf("refused, which is what the sentence asks; the refusal is not in the form of RFC 6749 §5.2 (%v), which other checks judge", err)
	}
	return nil
}

// RefusedWith is Refused for a sentence that names the error the refusal
// carries (RFC 7636 §4.6: "an error response indicating "invalid_grant"
// ... MUST be returned"): a refusal whose error code is not one of codes
// fails too; its status, which the sentence does not give, is logged when
// it is not §5.2's 400.
func RefusedWith(t *suite.T, res *httpx.Result, codes ...string) error {
	if honoured(res) {
		return Fail(res, "error="+strings.Join(codes, " or "), Outcome(res), "the request was honoured")
	}
	statuses := []int{res.Status}
	if _, err := OAuthError(res, statuses, codes...); err != nil {
		return err
	}
	if res.Status != http.StatusBadRequest {
		t.Logf("refused with error=%s, as the sentence asks, but with HTTP %d where RFC 6749 §5.2 gives 400 (other checks judge the status)", ErrorCode(res), res.Status)
	}
	return nil
}

// honoured reports whether a token-endpoint style answer granted the
// request: a 2xx answer, unless its JSON body is an error without an
// access token (some servers send errors with 200, which is no grant).
func honoured(res *httpx.Result) bool {
	if res.Status < 200 || res.Status > 299 {
		return false
	}
	var m map[string]any
	if json.Unmarshal(res.Body, &m) == nil {
		_, isErr := m["error"]
		_, hasToken := m["access_token"]
		if isErr && !hasToken {
			return false
		}
	}
	return true
}

// OAuthError requires an RFC 6749 §5.2 error response: one of the statuses,
// a JSON object whose "error" is one of codes (any code if codes is empty).
// It returns the parsed body.
func OAuthError(res *httpx.Result, statuses []int, codes ...string) (map[string]any, error) {
	if err := Status(res, statuses...); err != nil {
		return nil, err
	}
	m, err := JSONObject(res, false)
	if err != nil {
		return nil, err
	}
	code, _ := m["error"].(string)
	if code == "" {
		return m, Fail(res, `a JSON member "error"`, "none", "the error response has no error code")
	}
	if len(codes) > 0 && !slices.Contains(codes, code) {
		return m, Fail(res, "error="+strings.Join(codes, " or "), "error="+code, "wrong error code")
	}
	return m, nil
}

// Header requires a non-empty header.
func Header(res *httpx.Result, name string) (string, error) {
	v := res.Header.Get(name)
	if strings.TrimSpace(v) == "" {
		return "", Fail(res, "a "+name+" header", "none", "the response has no %s header", name)
	}
	return v, nil
}

// NoStore requires Cache-Control: no-store (RFC 6749 §5.1).
func NoStore(res *httpx.Result) error {
	if HasDirective(res, "Cache-Control", "no-store") {
		return nil
	}
	return Fail(res, "Cache-Control: no-store", HeaderLine(res, "Cache-Control"), "the response may be cached")
}

// HasDirective reports whether a comma-separated header of res (such as
// Cache-Control) carries directive, in any letter case.
func HasDirective(res *httpx.Result, header, directive string) bool {
	for _, v := range res.Header.Values(header) {
		for _, d := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), directive) {
				return true
			}
		}
	}
	return false
}

// Member returns a string member of a JSON object, failing when absent or
// not a string.
func Member(res *httpx.Result, m map[string]any, name string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", Fail(res, fmt.Sprintf("a %q member", name), "absent; members: "+keys(m), "the response lacks %q", name)
	}
	s, ok := v.(string)
	if !ok {
		return "", Fail(res, fmt.Sprintf("%q as a string", name), fmt.Sprintf("%T %v", v, v), "%q has the wrong type", name)
	}
	return s, nil
}

func keys(m map[string]any) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	if len(ks) == 0 {
		return "(none)"
	}
	return strings.Join(ks, ", ")
}

// Keys lists the members of a JSON object, sorted, for messages.
func Keys(m map[string]any) string { return keys(m) }

// StringList returns a member that must be an array of strings ("" ok=false
// when absent).
func StringList(m map[string]any, name string) ([]string, bool, error) {
	v, ok := m[name]
	if !ok {
		return nil, false, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, true, fmt.Errorf("%q is %T, not an array", name, v)
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, true, fmt.Errorf("%q holds a %T, not a string", name, e)
		}
		out = append(out, s)
	}
	return out, true, nil
}
