package suite

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIssued(t *testing.T) {
	i := NewIssued("https://as.example/token?x=1", "https://as.example/register")
	post := func(u, body string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
		return r
	}
	resp := func(status int) *http.Response { return &http.Response{StatusCode: status} }
	code := url.Values{"grant_type": {"authorization_code"}, "code": {"c1"}}.Encode()

	i.Observe(post("https://as.example/token", code), []byte(code), resp(200), []byte(`{"access_token":"a1","refresh_token":"r1","token_type":"Bearer"}`))
	// The same token again (a server may reuse one), a refusal, another
	// endpoint, a GET: nothing new.
	i.Observe(post("https://as.example/token", code), []byte(code), resp(200), []byte(`{"access_token":"a1"}`))
	i.Observe(post("https://as.example/token", "code=c2&grant_type=authorization_code"), []byte("code=c2&grant_type=authorization_code"), resp(400), []byte(`{"error":"invalid_grant"}`))
	i.Observe(post("https://as.example/introspect", ""), nil, resp(200), []byte(`{"access_token":"x"}`))
	get, _ := http.NewRequest(http.MethodGet, "https://as.example/token", nil)
	i.Observe(get, nil, resp(200), []byte(`{"access_token":"y"}`))
	// Client credentials: a token, no code; bad JSON is ignored.
	i.Observe(post("https://as.example/token", "grant_type=client_credentials"), []byte("grant_type=client_credentials"), resp(200), []byte(`{"access_token":"a2"}`))
	i.Observe(post("https://as.example/token", ""), nil, resp(200), []byte(`{"access_token":`))
	i.Observe(post("https://as.example/register", "{}"), []byte("{}"), resp(201), []byte(`{"client_id":"x","client_secret":"s1","registration_access_token":"g1"}`))

	assert.Equal(t, []string{"c1"}, i.Values(IssuedCode))
	assert.Equal(t, []string{"a1", "a2"}, i.Values(IssuedAccessToken))
	assert.Equal(t, []string{"r1"}, i.Values(IssuedRefreshToken))
	assert.Equal(t, []string{"s1"}, i.Values(IssuedClientSecret))
	assert.Equal(t, []string{"g1"}, i.Values(IssuedRegistrationToken))

	for n := range 2 * maxIssued {
		i.add(IssuedAccessToken, strings.Repeat("t", n+1))
	}
	assert.Len(t, i.Values(IssuedAccessToken), maxIssued, "bounded")
	var none *Issued
	assert.Empty(t, none.Values(IssuedCode))
}
