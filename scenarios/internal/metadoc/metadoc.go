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
	"slices"
	"sort"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
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
		if arr, ok := v.([]any); ok && len(arr) == 0 && !slices.Contains(allowed, k) {
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
			out = append(out, fmt.Sprintf("%s is %s", n, expect.Describe(v)))
			continue
		}
		for _, e := range arr {
			if _, ok := e.(string); !ok {
				out = append(out, fmt.Sprintf("%s holds %s", n, expect.Describe(e)))
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// userScopes make sense only with a user; a client credentials request may
// refuse them.
var userScopes = []string{"openid", "offline_access"}

// maxScopes bounds the token requests of one check.
const maxScopes = 20

// ScopeRefusal is an advertised scope the token endpoint refused.
type ScopeRefusal struct {
	Scope string
	Res   *httpx.Result
}

// RefusedScope asks the token endpoint, with the client credentials grant
// and the run's confidential client, for each advertised scope in turn (with
// the resources, if any) and returns the first one refused as
// invalid_scope, or nil. Scopes that need a user are not tried. When the
// client cannot use the grant at all the error is a Skipped.
func RefusedScope(ctx context.Context, t *suite.T, scopes, resources []string) (*ScopeRefusal, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	for i, sc := range scopes {
		if i == maxScopes {
			t.Logf("only the first %d scopes were tried", maxScopes)
			break
		}
		if slices.Contains(userScopes, sc) {
			t.Logf("scope %s: needs a user; not tried with client_credentials", sc)
			continue
		}
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {sc}}
		for _, r := range resources {
			form.Add("resource", r)
		}
		res, err := t.Token(ctx, c, form, "client_credentials request for the advertised scope "+sc)
		if err != nil {
			return nil, err
		}
		if res.Status == http.StatusOK {
			_, _ = t.ParseTokens(res) // redact the tokens
			continue
		}
		switch code := expect.ErrorCode(res); code {
		case "invalid_scope":
			return &ScopeRefusal{Scope: sc, Res: res}, nil
		case "unauthorized_client", "invalid_client", "unsupported_grant_type":
			return nil, suite.SkipErr("the client cannot use the client_credentials grant (error=%s), so scopes cannot be tried", code)
		default:
			t.Logf("scope %s: HTTP %d %s", sc, res.Status, code)
		}
	}
	return nil, nil
}
