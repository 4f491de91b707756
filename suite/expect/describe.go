package expect

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/authspec/authspec/suite/httpx"
)

// The helpers below render what a target sent for the want and got lines
// of a failure.

// Describe renders a JSON value with its JSON type: `a string "x"`,
// `an array ["a"]`, `null`; a nil (absent or null member) is "absent (or
// null)". Long values are cut at 120 bytes.
func Describe(v any) string {
	if v == nil {
		return "absent (or null)"
	}
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = "(not JSON)"
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	switch v.(type) {
	case string:
		return "a string " + s
	case float64, json.Number, int, int64:
		return "a number " + s
	case bool:
		return "a boolean " + s
	case map[string]any:
		return "an object " + s
	case []any, []string:
		return "an array " + s
	}
	return s
}

// HeaderLine shows the header name of res as it came ("WWW-Authenticate:
// Bearer ..."), or says there was none.
func HeaderLine(res *httpx.Result, name string) string {
	v := strings.Join(res.Header.Values(name), ", ")
	if v == "" {
		return "no " + name + " header"
	}
	return name + ": " + v
}

// BodyHint is ": " and the body of res (httpx.Result.Snippet), or "" when
// the body is empty: for appending to a status.
func BodyHint(res *httpx.Result) string {
	if strings.TrimSpace(string(res.Body)) == "" {
		return ""
	}
	return ": " + res.Snippet()
}

// Outcome describes a response briefly for messages: its status and the
// OAuth error code, if any.
func Outcome(res *httpx.Result) string {
	if code := ErrorCode(res); code != "" {
		return fmt.Sprintf("HTTP %d error=%s", res.Status, code)
	}
	return fmt.Sprintf("HTTP %d", res.Status)
}

// ErrorCode is the "error" member of a JSON error response, or "".
func ErrorCode(res *httpx.Result) string {
	var m struct {
		Error any `json:"error"`
	}
	if json.Unmarshal(res.Body, &m) != nil {
		return ""
	}
	code, _ := m.Error.(string)
	return code
}
