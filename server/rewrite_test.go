package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRewrite_LayoutKept: a rule that changes nothing sends the handler's
// bytes, whichever layout the handler wrote: the rewrites change only what
// their behaviour changes.
func TestRewrite_LayoutKept(t *testing.T) {
	s, err := New(Config{Issuer: "http://127.0.0.1:9000"})
	require.NoError(t, err)
	tests := []struct {
		name string
		h    http.HandlerFunc
		edit func(*response)
	}{
		{"metadata, indented", s.handleMetadata, func(res *response) { editBody(res, func(*Metadata) {}) }},
		{"resource metadata", s.handleResourceMetadata, func(res *response) { editBody(res, func(*ResourceMetadata) {}) }},
		{"token response", func(w http.ResponseWriter, r *http.Request) {
			s.writeTokenResponse(w, &TokenResponse{AccessToken: "a", TokenType: "Bearer", ExpiresIn: 3600, RefreshToken: "r", Scope: "read"})
		}, func(res *response) { editBody(res, func(*TokenResponse) {}) }},
		{"introspection", func(w http.ResponseWriter, r *http.Request) {
			writeIntrospection(w, Introspection{Active: true, Scope: "read", ClientID: "c", Exp: 1767225600, Iat: 1767222000})
		}, func(res *response) { res.editMembers(func(map[string]any) {}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := httptest.NewRecorder()
			tt.h(want, httptest.NewRequest(http.MethodGet, "/", nil))
			s.on = behaviourSet{"test": true}
			got := httptest.NewRecorder()
			s.rewritten(tt.h, rule{"test", tt.edit}).ServeHTTP(got, httptest.NewRequest(http.MethodGet, "/", nil))
			assert.Equal(t, want.Code, got.Code)
			assert.Equal(t, want.Header(), got.Header())
			assert.Equal(t, want.Body.String(), got.Body.String())
		})
	}
}

// TestRewrite_NoRuleOn: a route whose behaviours are all off is served by
// its handler alone.
func TestRewrite_NoRuleOn(t *testing.T) {
	s, err := New(Config{Issuer: "http://127.0.0.1:9000"})
	require.NoError(t, err)
	h := &nopHandler{}
	assert.Same(t, h, s.rewritten(h, s.metadataRules()...))
}

type nopHandler struct{ _ int }

func (*nopHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}

func TestChallenge_RoundTrip(t *testing.T) {
	for _, h := range []string{
		`Bearer realm="authspec", resource_metadata="http://127.0.0.1:9000/.well-known/oauth-protected-resource/mcp", scope="read write"`,
		`Bearer realm="authspec", error="invalid_token", error_description="a \"quoted\" — see", scope="read"`,
	} {
		c, ok := parseChallenge(h)
		require.True(t, ok, h)
		assert.Equal(t, h, c.String())
	}
	_, ok := parseChallenge(`Basic realm="authspec"`)
	assert.False(t, ok)
	c, _ := parseChallenge(`Bearer realm="a", scope="read write"`)
	assert.Equal(t, `Bearer realm="a"`, c.without("scope").String())
	assert.Equal(t, "read write", c.get("scope"))
}
