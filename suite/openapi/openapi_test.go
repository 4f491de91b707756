package openapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/openapi"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// jsonH is hdr with Content-Type application/json.
func jsonH(kv ...string) http.Header {
	return hdr(append([]string{"Content-Type", "application/json"}, kv...)...)
}

// response is a response of an endpoint (its role in the contract) to a
// request with method.
type response struct {
	method, role string
	status       int
	header       http.Header
	body         string
}

// check returns the violations of the contract c by r.
func (r response) check(t *testing.T, c *openapi.Contract) []openapi.Violation {
	t.Helper()
	_, vs, err := c.Check(r.method, r.role, r.status, r.header, []byte(r.body))
	require.NoError(t, err)
	return vs
}

func TestContract_Check(t *testing.T) {
	c, err := openapi.Load()
	require.NoError(t, err)
	cases := []struct {
		name          string
		resp          response
		wantViolation string // "" for none
	}{
		{"token ok", response{"POST", "/token", 200, jsonH("Cache-Control", "no-store"), `{"access_token":"a","token_type":"Bearer","expires_in":3600}`}, ""},
		{"token without no-store", response{"POST", "/token", 200, jsonH(), `{"access_token":"a","token_type":"Bearer"}`}, "Cache-Control"},
		{"token without token_type", response{"POST", "/token", 200, jsonH("Cache-Control", "no-store"), `{"access_token":"a"}`}, "token_type"},
		{"401 without WWW-Authenticate", response{"POST", "/token", 401, jsonH(), `{"error":"invalid_client"}`}, "WWW-Authenticate"},
		{"401 ok", response{"POST", "/token", 401, jsonH("WWW-Authenticate", `Basic realm="x"`), `{"error":"invalid_client"}`}, ""},
		{"undocumented status", response{"POST", "/token", 418, jsonH(), `{}`}, "418"},
		{"error not JSON", response{"POST", "/token", 400, hdr("Content-Type", "text/plain"), `invalid_request`}, "Content-Type"},
		{"redirect without Location", response{"GET", "/authorize", 302, hdr(), ``}, "Location"},
		{"registration without secret expiry", response{"POST", "/register", 201, jsonH("Cache-Control", "no-store"), `{"client_id":"x","client_secret":"s"}`}, "body"},
		{"registration ok", response{"POST", "/register", 201, jsonH("Cache-Control", "no-store"), `{"client_id":"x","client_secret":"s","client_secret_expires_at":0}`}, ""},
		{"metadata missing issuer", response{"GET", "/.well-known/oauth-authorization-server", 200, jsonH(), `{"response_types_supported":["code"]}`}, "issuer"},
		{"resource 401 without challenge", response{"GET", "/mcp", 401, jsonH(), `{}`}, "WWW-Authenticate"},
		{"client read", response{"GET", "/register/abc", 200, jsonH("Cache-Control", "no-store"), `{"client_id":"abc"}`}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs := tc.resp.check(t, c)
			if tc.wantViolation == "" {
				assert.Empty(t, vs)
				return
			}
			require.NotEmpty(t, vs)
			all := ""
			for _, v := range vs {
				all += v.Message + "\n"
			}
			assert.Contains(t, all, tc.wantViolation)
		})
	}
	_, _, err = c.Check("PATCH", "/token", 200, hdr(), nil)
	assert.ErrorIs(t, err, openapi.ErrUnknownRole)
}

func TestContract_ViolationKinds(t *testing.T) {
	c, err := openapi.Load()
	require.NoError(t, err)
	cases := []struct {
		name             string
		resp             response
		kind, headerName string
	}{
		{"missing header", response{"POST", "/token", 401, jsonH(), `{"error":"invalid_client"}`}, openapi.KindHeader, "WWW-Authenticate"},
		{"header not matching its schema", response{"GET", "/mcp", 401, jsonH("WWW-Authenticate", `Basic realm="x"`), `{}`}, openapi.KindHeader, "WWW-Authenticate"},
		{"405 without Allow", response{"GET", "/token", 405, jsonH(), `{"error":"x"}`}, openapi.KindHeader, "Allow"},
		{"undocumented status", response{"GET", "/token", 404, jsonH(), `{}`}, openapi.KindStatus, ""},
		{"content type", response{"POST", "/token", 400, hdr("Content-Type", "text/plain"), `invalid_request`}, openapi.KindContentType, "Content-Type"},
		{"body member", response{"POST", "/token", 200, jsonH("Cache-Control", "no-store"), `{"access_token":"a"}`}, openapi.KindBody, ""},
		{"body not JSON", response{"POST", "/token", 200, jsonH("Cache-Control", "no-store"), ``}, openapi.KindBody, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs := tc.resp.check(t, c)
			require.Len(t, vs, 1)
			assert.Equal(t, tc.kind, vs[0].Kind, vs[0].Message)
			assert.Equal(t, tc.headerName, vs[0].Header, vs[0].Message)
		})
	}
}

func TestAuthStyle(t *testing.T) {
	form := func(body string, kv ...string) (*http.Request, []byte) {
		r, _ := http.NewRequest(http.MethodPost, "http://as.example/token", nil)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r, []byte(body)
	}
	for want, req := range map[string]func() (*http.Request, []byte){
		"Basic":          func() (*http.Request, []byte) { return form("grant_type=x", "Authorization", "Basic YTpi") },
		"Bearer":         func() (*http.Request, []byte) { return form("", "Authorization", "bearer t") },
		"post":           func() (*http.Request, []byte) { return form("client_id=a&client_secret=b") },
		"none":           func() (*http.Request, []byte) { return form("client_id=a&grant_type=x") },
		"no credentials": func() (*http.Request, []byte) { return form("grant_type=x") },
	} {
		r, b := req()
		assert.Equal(t, want, openapi.AuthStyle(r, b))
	}
}
