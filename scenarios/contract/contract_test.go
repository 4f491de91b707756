package contract

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/openapi"
)

// violations validates one response against the contract as the recorder
// would, with the request's authentication style.
func violations(t *testing.T, method, role string, status int, header http.Header, body, auth string) []openapi.Violation {
	t.Helper()
	c, err := openapi.Load()
	require.NoError(t, err)
	_, vs, err := c.Check(method, role, status, header, []byte(body))
	require.NoError(t, err)
	for i := range vs {
		vs[i].Auth = auth
	}
	return vs
}

func hdr(kv ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// TestOnlyRFCRequirementsAreJudged: what only openapi.yaml says is never a
// failure; what an RFC requires is, with that RFC named.
func TestOnlyRFCRequirementsAreJudged(t *testing.T) {
	cases := []struct {
		name, method, role string
		status             int
		header             http.Header
		body, auth, ref    string // ref "" = not judged
	}{
		{"GET /token answered 404", "GET", "/token", 404, hdr(), `{}`, "no credentials", ""},
		{"GET /token answered 400", "GET", "/token", 400, hdr(), `{"error":"invalid_request"}`, "no credentials", ""},
		{"GET /token answered 405 with Allow but no JSON", "GET", "/token", 405, http.Header{"Allow": {"POST"}}, `method not allowed`, "no credentials", ""},
		{"POST to a resource that is no MCP server answered 405", "POST", "/mcp", 405, http.Header{"Allow": {"GET"}}, ``, "Bearer", ""},
		{"resource challenge of another scheme", "GET", "/mcp", 401, hdr("WWW-Authenticate", `Basic realm="x"`), `{}`, "no credentials", ""},
		{"405 without Allow", "GET", "/token", 405, hdr(), `{"error":"x"}`, "no credentials", "RFC 9110 §15.5.6"},
		{"401 without challenge after body credentials", "POST", "/token", 401, hdr(), `{"error":"invalid_client"}`, "post", "RFC 9110 §15.5.2"},
		{"401 without challenge after Basic", "POST", "/token", 401, hdr(), `{"error":"invalid_client"}`, "Basic", "RFC 6749 §5.2"},
		{"resource 401 without challenge", "GET", "/mcp", 401, hdr(), `{}`, "no credentials", "RFC 6750 §3"},
		{"token response without no-store", "POST", "/token", 200, hdr(), `{"access_token":"a","token_type":"Bearer"}`, "Basic", "RFC 6749 §5.1"},
		{"error that is not JSON", "POST", "/revoke", 400, http.Header{"Content-Type": {"text/plain"}}, `invalid_request`, "Basic", "RFC 6749 §5.2"},
		{"secret without expiry", "POST", "/register", 201, hdr("Cache-Control", "no-store"), `{"client_id":"x","client_secret":"s"}`, "no credentials", "RFC 7591 §3.2.1"},
		{"registration without no-store", "POST", "/register", 201, hdr(), `{"client_id":"x"}`, "no credentials", ""},
		{"metadata not JSON", "GET", "/.well-known/oauth-authorization-server", 200, http.Header{"Content-Type": {"text/plain"}}, `{"issuer":"https://a","response_types_supported":["code"]}`, "no credentials", "RFC 8414 §3.2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs := violations(t, tc.method, tc.role, tc.status, tc.header, tc.body, tc.auth)
			require.NotEmpty(t, vs, "the contract itself should object")
			var refs []string
			for _, v := range vs {
				if b := basisOf(v); b != nil {
					refs = append(refs, b.ref)
				}
			}
			if tc.ref == "" {
				assert.Empty(t, refs, "%v", vs)
				return
			}
			assert.Contains(t, refs, tc.ref, "%v", vs)
		})
	}
}

// TestTrueCounts: the message counts every mismatch and every response,
// however many lines it lists.
func TestTrueCounts(t *testing.T) {
	var vs []openapi.Violation
	for i := 1; i <= 81; i++ {
		vs = append(vs, openapi.Violation{Operation: "token", Method: "POST", Role: "/token", Status: 401, Message: "response header \"WWW-Authenticate\" missing",
			Kind: openapi.KindHeader, Header: "WWW-Authenticate", Auth: "post", Response: i})
		if i%3 == 0 { // a second mismatch in the same response
			vs = append(vs, openapi.Violation{Operation: "token", Method: "POST", Role: "/token", Status: 401, Message: "body /error: property \"error\" is missing",
				Kind: openapi.KindBody, Auth: "post", Response: i})
		}
	}
	assert.Equal(t, 81, responses(vs))
	bases := make([]*basis, len(vs))
	for i := range vs {
		bases[i] = basisOf(vs[i])
	}
	out := listed(vs, bases)
	assert.Equal(t, maxLines+1, strings.Count(out, "\n")+1)
	assert.Contains(t, out, fmt.Sprintf("… and %d more", len(vs)-maxLines))
	assert.Contains(t, out, "(token, post)")
}
