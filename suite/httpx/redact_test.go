package httpx_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/httpx"
)

const (
	clientID = "my client/1"
	// secret holds every character that an encoding rewrites.
	secret = `s3cr3t+/=?&<>"\ x%é`
)

func jsonForm(s string, html, slash bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(s)
	out := strings.TrimSpace(b.String())
	out = out[1 : len(out)-1]
	if slash {
		out = strings.ReplaceAll(out, "/", `\/`)
	}
	return out
}

// secretForms are the forms in which secret travels: raw, in a form or a
// query, in a path, in JSON (as encoding/json writes it, with and without
// its HTML escapes, with \/ as other encoders write it), and HTTP Basic
// credentials of clientID and secret (RFC 6749 §2.3.1: form-urlencoded
// first) in both base64 alphabets, with and without padding.
func secretForms() map[string]string {
	forms := map[string]string{
		"raw":               secret,
		"query-escaped":     url.QueryEscape(secret),
		"path-escaped":      url.PathEscape(secret),
		"query-escaped x2":  url.QueryEscape(url.QueryEscape(secret)),
		"lower-case hex":    strings.ToLower(url.QueryEscape(secret)),
		"json":              jsonForm(secret, true, false),
		"json without html": jsonForm(secret, false, false),
		"json with \\/":     jsonForm(secret, true, true),
		"json of query":     jsonForm(url.QueryEscape(secret), true, false),
		"go-quoted json":    strings.Trim(strconv.Quote(jsonForm(secret, true, false)), `"`),
		"go-quoted ascii":   strings.Trim(strconv.QuoteToASCII(secret), `"`),
	}
	pairs := map[string]string{
		"raw":             clientID + ":" + secret,
		"form-urlencoded": url.QueryEscape(clientID) + ":" + url.QueryEscape(secret),
	}
	encs := map[string]*base64.Encoding{"std": base64.StdEncoding, "url": base64.URLEncoding,
		"std unpadded": base64.RawStdEncoding, "url unpadded": base64.RawURLEncoding}
	for pn, p := range pairs {
		for en, enc := range encs {
			b := enc.EncodeToString([]byte(p))
			forms["basic "+pn+" "+en] = b
			forms["basic "+pn+" "+en+" in a query"] = url.QueryEscape(b)
			forms["basic "+pn+" "+en+" in json with \\/"] = jsonForm(b, true, true)
		}
	}
	return forms
}

func TestRedact_EveryEncodedForm(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	tr.AddCredentials(clientID, secret)
	for name, form := range secretForms() {
		t.Run(name, func(t *testing.T) {
			got := tr.Redact("before " + form + " after")
			assert.Equal(t, "before [REDACTED] after", got)
		})
	}
}

func TestRedact_LearnsBasicCredentialsFromRequests(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A careless server: echoes the Authorization header.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": "bad " + r.Header.Get("Authorization")})
	}))
	defer ts.Close()
	tr := httpx.NewTransport(time.Minute, 0)
	hc := tr.NewClient()
	req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	_, err := hc.Do(context.Background(), req, "token")
	require.NoError(t, err)
	body := hc.Exchanges()[0].Response.Body
	assert.Contains(t, body, "bad Basic [REDACTED]")
	for name, form := range secretForms() {
		assert.NotContains(t, body, form, name)
	}
}

func TestRedact_OverlappingSecretsAreOneStretch(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	tr.AddSecret("abcdef12")
	tr.AddSecret("ef12ghij")
	tr.AddSecret("0123456789")
	tr.AddSecret("3456")
	assert.Equal(t, "xx[REDACTED]yy", tr.Redact("xxabcdef12ghijyy"))
	assert.Equal(t, "<[REDACTED]>", tr.Redact("<0123456789>"))
	assert.Equal(t, "[REDACTED]", tr.Redact("abcdef12abcdef12"), "adjacent secrets")
	assert.Equal(t, "nothing here", tr.Redact("nothing here"))
}

func TestRedact_SecretCutForDisplay(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	tr.AddSecret("tok-0123456789abcdef")
	assert.Equal(t, `got {"access_token":"[REDACTED]…`, tr.Redact(`got {"access_token":"tok-0123456789…`),
		"a secret cut by an ellipsis")
	assert.Equal(t, `body: tok-[REDACTED]`, tr.Redact(`body: tok-tok-01234`), "a secret cut by the end of the text")
	assert.Equal(t, `tok-0123 and more`, tr.Redact(`tok-0123 and more`), "a mere prefix in the middle of a text is not a secret")
}

// TestClient_RedactsBeforeTruncating: the recorded body is cut at 16 KiB;
// a secret straddling the cut must not stay partly visible.
func TestClient_RedactsBeforeTruncating(t *testing.T) {
	const tok = "XyZsecretvalue-0123456789"
	for _, keep := range []int{1, 3, 4, 10, len(tok) - 1} {
		t.Run(fmt.Sprint(keep), func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, strings.Repeat(".", 16<<10-keep)+tok+strings.Repeat(".", 100))
			}))
			defer ts.Close()
			tr := httpx.NewTransport(time.Minute, 0)
			tr.AddSecret(tok)
			hc := tr.NewClient()
			req, _ := http.NewRequest(http.MethodGet, ts.URL, nil)
			_, err := hc.Do(context.Background(), req, "big")
			require.NoError(t, err)
			rec := hc.Exchanges()[0].Response
			assert.True(t, rec.Truncated)
			assert.Len(t, rec.Body, 16<<10)
			assert.NotContains(t, rec.Body[16<<10-keep:], tok[:keep], "the beginning of the secret at the cut")
		})
	}
}

// TestClient_LearnsIssuedSecrets: codes, tokens and client secrets a
// target hands out are redacted from then on, wherever they appear.
func TestClient_LearnsIssuedSecrets(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/authorize":
			http.Redirect(w, r, "http://127.0.0.1:1/cb?code=code-4711-abcdef&state=s", http.StatusFound)
		case "/register":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"client_id":"c-1","client_secret":"cs-\u00e9+/secret","registration_access_token":"rat-98765"}`)
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"access_token":"at-123456","refresh_token":"rt-654321","token_type":"Bearer"`) // malformed
		}
	}))
	defer ts.Close()
	tr := httpx.NewTransport(time.Minute, 0)
	hc := tr.NewClient()
	for _, p := range []string{"/authorize", "/register", "/token"} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+p, nil)
		_, err := hc.Do(context.Background(), req, p)
		require.NoError(t, err)
	}
	text := "code-4711-abcdef cs-é+/secret rat-98765 at-123456 rt-654321 " +
		base64.StdEncoding.EncodeToString([]byte("c-1:"+url.QueryEscape("cs-é+/secret")))
	assert.Equal(t, strings.TrimSpace(strings.Repeat("[REDACTED] ", 6)), tr.Redact(text))
}

func TestRedactText_SecretMembersAndParameters(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	got := tr.RedactText(`HTTP 200: {"access_token": "never-registered", "scope":"read"} then cb?code=abc123&state=xyz`)
	assert.Equal(t, `HTTP 200: {"access_token": "[REDACTED]", "scope":"read"} then cb?code=[REDACTED]&state=xyz`, got)
	assert.Equal(t, "response_type=code&code_challenge=abc", tr.RedactText("response_type=code&code_challenge=abc"))
}

func TestRedact_ManySecretsStayFast(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	for i := 0; i < 2000; i++ {
		tr.AddCredentials(fmt.Sprintf("client-%d", i), fmt.Sprintf("secret+/%08d", i))
	}
	text := strings.Repeat("an ordinary response body without any secret, ", 100) + "secret+/00001999"
	assert.True(t, strings.HasSuffix(tr.Redact(text), "[REDACTED]"))
}

func BenchmarkRedact(b *testing.B) {
	tr := httpx.NewTransport(time.Minute, 0)
	for i := 0; i < 300; i++ {
		tr.AddCredentials(fmt.Sprintf("client-%d", i), fmt.Sprintf("secret+/%08d-abcdefghijklmnop", i))
		tr.AddAccessToken(fmt.Sprintf("access-token-%08d-abcdefghijklmnopqrstuvwxyz", i))
	}
	text := strings.Repeat(`{"error":"invalid_request","error_description":"the request is missing a parameter"} `, 40)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = tr.Redact(text)
	}
}

// TestRedact_HostileTextStaysFast: a body of one repeated character
// against a secret made of it would cost length × length to compare; the
// comparison is bounded, and such a text is hidden whole.
func TestRedact_HostileTextStaysFast(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	tr.AddSecret(strings.Repeat("A", 8000) + "{")
	text := `{"access_token":"` + strings.Repeat("A", 1<<20)
	done := make(chan string)
	go func() { done <- tr.Redact(text) }()
	select {
	case got := <-done:
		assert.Equal(t, httpx.Unredactable, got)
	case <-time.After(time.Minute): // a safety net far above the milliseconds it takes
		t.Fatal("redaction did not finish")
	}
	tr.AddSecret(strings.Repeat("B", 9<<10))
	assert.Equal(t, "xBBBBx", tr.Redact("xBBBBx"), "values longer than 8 KiB are not registered")
}

// TestRedact_SecretsSharingAPrefix: JWTs share their header; hundreds of
// them in one text are each redacted, not given up on.
func TestRedact_SecretsSharingAPrefix(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	const header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
	var toks []string
	for i := 0; i < 1000; i++ {
		tok := fmt.Sprintf("%seyJzdWIiOiIl%08dIn0.sig%08d", header, i, i)
		tr.AddAccessToken(tok)
		toks = append(toks, tok)
	}
	text := strings.Join(toks[:500], " and ") + " " + header + "not-a-token"
	got := tr.Redact(text)
	assert.Equal(t, strings.Repeat("[REDACTED] and ", 499)+"[REDACTED] "+header+"not-a-token", got)
}
