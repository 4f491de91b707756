// Package metadoc holds what the RFC 8414 and RFC 9728 checks share about
// metadata documents: fetching a document and judging the shape of its
// members.
package metadoc

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
)

// Fetch GETs a metadata document. The document is nil when the answer is
// not a 200 with a JSON object; the result is always returned when the
// request could be made.
func Fetch(ctx context.Context, t *suite.T, u, note string) (map[string]any, *httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("metadata request %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := t.HTTP.Do(ctx, req, note)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	if res.Status != http.StatusOK || res.Truncated {
		return nil, res, nil
	}
	var m map[string]any
	if err := json.Unmarshal(res.Body, &m); err != nil {
		return nil, res, nil
	}
	return m, res, nil
}

// IsJSON reports whether the response declares the media type
// application/json (parameters such as charset are allowed).
func IsJSON(res *httpx.Result) bool {
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// EmptyArrays lists, sorted, the members of m whose value is an empty JSON
// array, leaving out the members in allowed.
func EmptyArrays(m map[string]any, allowed ...string) []string {
	var out []string
	for k, v := range m {
		if arr, ok := v.([]any); ok && len(arr) == 0 && !contains(allowed, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// NotStringArrays describes, sorted, the members among names that are
// present in m but are not JSON arrays of strings.
func NotStringArrays(m map[string]any, names []string) []string {
	var out []string
	for _, n := range names {
		v, ok := m[n]
		if !ok {
			continue
		}
		arr, ok := v.([]any)
		if !ok {
			out = append(out, fmt.Sprintf("%s is %s", n, Describe(v)))
			continue
		}
		for _, e := range arr {
			if _, ok := e.(string); !ok {
				out = append(out, fmt.Sprintf("%s holds %s", n, Describe(e)))
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// Describe renders a JSON value with its JSON type, for messages.
func Describe(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	switch v.(type) {
	case string:
		return "a string " + s
	case float64:
		return "a number " + s
	case bool:
		return "a boolean " + s
	case nil:
		return "null"
	case map[string]any:
		return "an object " + s
	case []any:
		return "an array " + s
	}
	return s
}

// IsLoopback reports whether u names a loopback host (localhost,
// 127.0.0.0/8, ::1): local test servers may use http there.
func IsLoopback(u *url.URL) bool {
	h := strings.ToLower(u.Hostname())
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "::1" || strings.HasPrefix(h, "127.")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
