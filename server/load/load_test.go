// Package load_test puts the reference server under a bounded loopback load:
// token issuance (client_credentials) and dynamic registration, with the
// memory store and with SQLite. Every request must succeed, the heap must
// come back to its size after the run, and the figures (req/s, p50, p99)
// are logged; `make bench` prints them.
package load_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/sqlite"
)

type figures struct {
	requests, errors int
	elapsed          time.Duration
	p50, p99         time.Duration
}

func (f figures) String() string {
	return fmt.Sprintf("%d requests, %d errors, %.0f req/s, p50 %s, p99 %s",
		f.requests, f.errors, float64(f.requests)/f.elapsed.Seconds(), f.p50.Round(10*time.Microsecond), f.p99.Round(10*time.Microsecond))
}

// hammer sends n requests made by mk with the given concurrency and
// measures them; a response whose status is not ok counts as an error.
func hammer(t testing.TB, n, workers int, mk func(i int) *http.Request, ok int) figures {
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var firstErr sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				res, err := hc.Do(mk(i))
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				lat[i] = time.Since(t0)
				if err != nil || res.StatusCode != ok {
					errs.Add(1)
					firstErr.Do(func() {
						if err != nil {
							t.Errorf("request %d: %v", i, err)
						} else {
							t.Errorf("request %d: HTTP %d", i, res.StatusCode)
						}
					})
				}
			}
		}()
	}
	wg.Wait()
	f := figures{requests: n, errors: int(errs.Load()), elapsed: time.Since(start)}
	slices.Sort(lat)
	f.p50, f.p99 = lat[n/2], lat[n*99/100]
	return f
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	stores := map[string]func(t *testing.T) store.Store{
		"memory": func(t *testing.T) store.Store { return nil },
		"sqlite": func(t *testing.T) store.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "load.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
	}
	for _, name := range []string{"memory", "sqlite"} {
		t.Run(name, func(t *testing.T) {
			var h http.Handler
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
			defer ts.Close()
			srv, err := server.New(server.Config{Issuer: ts.URL, Store: stores[name](t), Clients: []server.StaticClient{{
				ID: "load", Secret: "load-secret", Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}},
			}}})
			if err != nil {
				t.Fatal(err)
			}
			h = srv.Handler()
			body := url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}}.Encode()
			token := func(int) *http.Request {
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/token", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth("load", "load-secret")
				return req
			}
			register := func(i int) *http.Request {
				doc := fmt.Sprintf(`{"redirect_uris":["http://127.0.0.1:%d/cb"],"client_name":"load %d","token_endpoint_auth_method":"client_secret_basic"}`, 1024+i%60000, i)
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/register", bytes.NewReader([]byte(doc)))
				req.Header.Set("Content-Type", "application/json")
				return req
			}
			tokens, regs := 4000, 1000
			if name == "sqlite" {
				tokens, regs = 2000, 500
			}
			hammer(t, 200, 8, token, http.StatusOK) // warm up
			before := heapAfterGC()
			tf := hammer(t, tokens, 16, token, http.StatusOK)
			rf := hammer(t, regs, 8, register, http.StatusCreated)
			after := heapAfterGC()
			t.Logf("%s token endpoint: %s", name, tf)
			t.Logf("%s registration:   %s", name, rf)
			t.Logf("%s heap: %.1f MiB before, %.1f MiB after", name, float64(before)/(1<<20), float64(after)/(1<<20))
			if tf.errors+rf.errors > 0 {
				t.Fatalf("%d failed requests", tf.errors+rf.errors)
			}
			// Issued tokens and registered clients are kept (memory store) until
			// they expire; what must not grow is everything else.
			perRequest := float64(int64(after)-int64(before)) / float64(tokens+regs)
			if perRequest > 8<<10 {
				t.Errorf("the heap grew by %.0f bytes per request: something is retained per request", perRequest)
			}
		})
	}
}
