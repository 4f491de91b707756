package server_test

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
)

// benchLoopback posts client_credentials requests to h over a real loopback
// connection and reports requests per second. Parallelism is GOMAXPROCS.
func benchLoopback(b *testing.B, h http.Handler) {
	ts := httptest.NewServer(h)
	defer ts.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	body := url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}}.Encode()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/token", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth("bench", "bench-secret")
			res, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkTokenClientCredentials measures token issuance by the reference
// server (memory store) over loopback.
func BenchmarkTokenClientCredentials(b *testing.B) {
	// The rate limits and the caps on a client's tokens bound what one
	// source or client may ask and keep; a benchmark is that one client,
	// measuring the server without them.
	limits := server.Limits{Token: server.NoRateLimit, Registration: server.NoRateLimit,
		MaxTokens: math.MaxInt32, MaxClientTokens: math.MaxInt32}
	srv, err := server.New(server.Config{Issuer: "http://127.0.0.1", Limits: limits,
		Clients: []server.StaticClient{{
			ID: "bench", Secret: "bench-secret",
			Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}},
		}}})
	if err != nil {
		b.Fatal(err)
	}
	benchLoopback(b, srv.Handler())
}

// BenchmarkBareHandler is the baseline: a net/http handler that reads the
// form and writes a token-sized JSON body, measured the same way.
func BenchmarkBareHandler(b *testing.B) {
	const resp = `{"access_token":"0123456789abcdefghijklmnopqrstuvwxyzABCDEFG","token_type":"Bearer","expires_in":3600,"scope":"read"}`
	benchLoopback(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, resp)
	}))
}
