package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCIMD_NoRequestsToLocalNetworkInProduction: with --cimd on, a URL
// client_id naming a loopback or private address is refused without a
// request reaching it (no server-side request forgery), and http is refused.
func TestCIMD_NoRequestsToLocalNetworkInProduction(t *testing.T) {
	hit := false
	doc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer doc.Close()
	s, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDOn})
	require.NoError(t, err)
	for _, id := range []string{doc.URL + "/client.json", "https://127.0.0.1:1/client.json", "https://localhost/c.json", "http://example.com/c.json", "https://example.com", "https://u:p@example.com/c.json", "https://example.com/a/../c.json"} {
		_, err := s.authorizeClient(context.Background(), id, "")
		var ce *cimdError
		assert.True(t, errors.As(err, &ce), "%s: %v", id, err)
	}
	assert.False(t, hit, "no request reached the loopback document")
	// The dialer itself refuses private and loopback addresses, whatever
	// a host name resolves to.
	for _, addr := range []string{"127.0.0.1:443", "10.0.0.1:443", "192.168.1.1:443", "169.254.169.254:443", "[::1]:443"} {
		conn, err := s.cimdClient().Transport.(*http.Transport).DialContext(context.Background(), "tcp", addr)
		if conn != nil {
			_ = conn.Close()
		}
		assert.ErrorContains(t, err, "not allowed", addr)
	}
}

// TestCIMD_Off: by default URL client_ids are unknown clients and the
// metadata does not advertise the feature.
func TestCIMD_Off(t *testing.T) {
	s, err := New(Config{Issuer: "http://127.0.0.1:1"})
	require.NoError(t, err)
	assert.False(t, s.Metadata().ClientIDMetadataDocumentSupported)
	_, err = s.authorizeClient(context.Background(), "https://example.com/client.json", "")
	var ce *cimdError
	assert.False(t, errors.As(err, &ce))
	assert.Error(t, err)
}

// TestCIMD_AddressPolicy: with --cimd on, documents are fetched only from
// globally reachable unicast addresses, judged after unwrapping the IPv4
// address an IPv6 address carries; with --cimd loopback, only from
// loopback addresses.
func TestCIMD_AddressPolicy(t *testing.T) {
	cases := []struct {
		addr     string
		on, loop bool // allowed with --cimd on, with --cimd loopback
	}{
		{"93.184.215.14", true, false},
		{"8.8.8.8", true, false},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", true, false},
		{"::ffff:93.184.215.14", true, false},                  // 4-in-6 mapped, public inside
		{"64:ff9b::5db8:d70e", true, false},                    // NAT64 of 93.184.215.14
		{"2002:5db8:d70e::1", true, false},                     // 6to4 of 93.184.215.14
		{"127.0.0.1", false, true},                             // loopback
		{"127.255.0.9", false, true},                           // loopback
		{"::1", false, true},                                   // loopback
		{"::ffff:127.0.0.1", false, true},                      // mapped loopback
		{"0.0.0.0", false, false},                              // this host
		{"0.1.2.3", false, false},                              // 0/8
		{"10.1.2.3", false, false},                             // private
		{"100.64.0.1", false, false},                           // shared address space (CGN)
		{"100.100.100.200", false, false},                      // a cloud metadata address lives here
		{"169.254.169.254", false, false},                      // link-local, cloud metadata
		{"172.16.0.1", false, false},                           // private
		{"192.0.0.8", false, false},                            // IETF protocol assignments
		{"192.0.2.1", false, false},                            // TEST-NET-1
		{"192.88.99.1", false, false},                          // 6to4 relay anycast
		{"192.168.1.1", false, false},                          // private
		{"198.18.0.1", false, false},                           // benchmarking
		{"198.19.255.255", false, false},                       // benchmarking
		{"198.51.100.1", false, false},                         // TEST-NET-2
		{"203.0.113.1", false, false},                          // TEST-NET-3
		{"224.0.0.1", false, false},                            // multicast
		{"240.0.0.1", false, false},                            // reserved
		{"255.255.255.255", false, false},                      // broadcast
		{"::", false, false},                                   // unspecified
		{"::ffff:169.254.169.254", false, false},               // mapped link-local
		{"::ffff:10.0.0.1", false, false},                      // mapped private
		{"::a9fe:a9fe", false, false},                          // IPv4-compatible (deprecated)
		{"64:ff9b::a9fe:a9fe", false, false},                   // NAT64 of 169.254.169.254
		{"64:ff9b::a00:1", false, false},                       // NAT64 of 10.0.0.1
		{"64:ff9b:1::a9fe:a9fe", false, false},                 // local-use NAT64
		{"2002:a9fe:a9fe::1", false, false},                    // 6to4 of 169.254.169.254
		{"2002:7f00:1::1", false, false},                       // 6to4 of 127.0.0.1
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false, false}, // Teredo
		{"2001:db8::1", false, false},                          // documentation
		{"2001:2::1", false, false},                            // benchmarking
		{"3fff::1", false, false},                              // documentation (RFC 9637)
		{"100::1", false, false},                               // discard-only
		{"fc00::1", false, false},                              // unique local
		{"fd12:3456::1", false, false},                         // unique local
		{"fe80::1", false, false},                              // link-local
		{"fec0::1", false, false},                              // site-local (deprecated)
		{"ff02::1", false, false},                              // multicast
		{"5f00::1", false, false},                              // SRv6 SIDs
	}
	on, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDOn})
	require.NoError(t, err)
	loop, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDLoopback})
	require.NoError(t, err)
	for _, tc := range cases {
		ip := net.ParseIP(tc.addr)
		require.NotNil(t, ip, tc.addr)
		assert.Equal(t, tc.on, on.cimdAddrAllowed(ip), "--cimd on, %s", tc.addr)
		assert.Equal(t, tc.loop, loop.cimdAddrAllowed(ip), "--cimd loopback, %s", tc.addr)
		// The dialer applies the same policy to the address it is about to
		// connect to, whatever a name resolved to (its control function is
		// called here directly: no connection is attempted).
		for _, s := range []*Server{on, loop} {
			err := s.cimdDialControl("tcp", net.JoinHostPort(tc.addr, "443"), nil)
			if s.cimdAddrAllowed(ip) {
				assert.NoError(t, err, "%s: %s", s.cimd, tc.addr)
			} else {
				assert.ErrorContains(t, err, "not allowed", "%s: %s", s.cimd, tc.addr)
			}
		}
		// An address literal in the client_id is refused before any request.
		if !tc.on {
			_, err := on.authorizeClient(context.Background(), "https://"+net.JoinHostPort(tc.addr, "443")+"/client.json", "")
			var ce *cimdError
			assert.True(t, errors.As(err, &ce), "%s: %v", tc.addr, err)
		}
	}
}

// cimdDocServer serves one client metadata document on loopback, with the
// given response headers and status, and counts its fetches.
type cimdDocServer struct {
	*httptest.Server
	mu      sync.Mutex
	fetches int
	status  int
	header  http.Header
}

func newCIMDDocServer(t *testing.T) *cimdDocServer {
	d := &cimdDocServer{status: http.StatusOK, header: http.Header{}}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.fetches++
		status := d.status
		for k, v := range d.header {
			w.Header()[k] = v
		}
		d.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"client_id": d.URL + "/client.json", "client_name": "Doc",
			"redirect_uris": []string{"http://127.0.0.1:8765/cb"}})
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *cimdDocServer) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fetches
}

// TestCIMD_CachedByHTTPHeaders: a fetched document is reused while it is
// fresh by its Cache-Control or Expires header, within bounds, so that
// authorization requests do not each make the server fetch it again.
func TestCIMD_CachedByHTTPHeaders(t *testing.T) {
	cases := []struct {
		name    string
		header  map[string]string
		fresh   time.Duration // still served from the cache at this age
		refetch time.Duration // fetched again at this age
	}{
		{"max-age", map[string]string{"Cache-Control": "public, max-age=300"}, 299 * time.Second, 301 * time.Second},
		{"no headers: the minimum", nil, cimdMinTTL - time.Second, cimdMinTTL + time.Second},
		{"no-store: the minimum", map[string]string{"Cache-Control": "no-store"}, cimdMinTTL - time.Second, cimdMinTTL + time.Second},
		{"max-age below the minimum", map[string]string{"Cache-Control": "max-age=1"}, cimdMinTTL - time.Second, cimdMinTTL + time.Second},
		{"max-age above the maximum", map[string]string{"Cache-Control": "max-age=999999999"}, cimdMaxTTL - time.Second, cimdMaxTTL + time.Second},
		{"Expires", map[string]string{"Date": "Mon, 02 Jan 2006 15:04:05 GMT", "Expires": "Mon, 02 Jan 2006 15:14:05 GMT"}, 599 * time.Second, 601 * time.Second},
		{"max-age wins over Expires", map[string]string{"Cache-Control": "max-age=120", "Date": "Mon, 02 Jan 2006 15:04:05 GMT", "Expires": "Mon, 02 Jan 2006 16:04:05 GMT"}, 119 * time.Second, 121 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newCIMDDocServer(t)
			for k, v := range tc.header {
				d.header.Set(k, v)
			}
			now := time.Now()
			s, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDLoopback, Now: func() time.Time { return now }})
			require.NoError(t, err)
			id := d.URL + "/client.json"
			t0 := now
			for range 3 {
				_, err := s.authorizeClient(context.Background(), id, "")
				require.NoError(t, err)
			}
			assert.Equal(t, 1, d.count(), "fetched once for three requests")
			now = t0.Add(tc.fresh)
			_, err = s.authorizeClient(context.Background(), id, "")
			require.NoError(t, err)
			assert.Equal(t, 1, d.count(), "still fresh at %s", tc.fresh)
			now = t0.Add(tc.refetch)
			_, err = s.authorizeClient(context.Background(), id, "")
			require.NoError(t, err)
			assert.Equal(t, 2, d.count(), "fetched again at %s", tc.refetch)
		})
	}
}

// TestCIMD_CacheIsBounded: the cache holds at most cimdCacheSize documents.
func TestCIMD_CacheIsBounded(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=3600")
		_ = json.NewEncoder(w).Encode(map[string]any{"client_id": "http://" + r.Host + r.URL.Path,
			"redirect_uris": []string{"http://127.0.0.1:8765/cb"}})
	}))
	defer srv.Close()
	s, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDLoopback})
	require.NoError(t, err)
	for i := range cimdCacheSize + 50 {
		_, err := s.authorizeClient(context.Background(), fmt.Sprintf("%s/c/%d.json", srv.URL, i), "")
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, s.cimdCache.len(), cimdCacheSize)
}

// TestCIMD_ErrorsDoNotEchoStatus: a failed fetch says the same whatever the
// remote answered, so that the error page is no oracle for scanning.
func TestCIMD_ErrorsDoNotEchoStatus(t *testing.T) {
	d := newCIMDDocServer(t)
	s, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDLoopback})
	require.NoError(t, err)
	var msgs []string
	for _, status := range []int{http.StatusNotFound, http.StatusInternalServerError, http.StatusForbidden} {
		d.mu.Lock()
		d.status = status
		d.mu.Unlock()
		_, err := s.authorizeClient(context.Background(), fmt.Sprintf("%s/client-%d.json", d.URL, status), "")
		var ce *cimdError
		require.True(t, errors.As(err, &ce), "%v", err)
		assert.NotContains(t, ce.msg, fmt.Sprint(status))
		msgs = append(msgs, ce.msg)
	}
	// Nothing listens on port 9 of 127.0.0.1 either.
	_, err = s.authorizeClient(context.Background(), "http://127.0.0.1:9/client.json", "")
	var ce *cimdError
	require.True(t, errors.As(err, &ce), "%v", err)
	msgs = append(msgs, ce.msg)
	for _, m := range msgs[1:] {
		assert.Equal(t, msgs[0], m, "every failed retrieval reads alike")
	}
}

// TestCIMD_RedirectURIAllowList: a metadata document's redirect URIs
// follow the registration policy.
func TestCIMD_RedirectURIAllowList(t *testing.T) {
	for _, bad := range []string{"view-source:https://a.example/cb", "https://u:p@a.example/cb", "ms-msdt:/x"} {
		doc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"client_id": "http://" + r.Host + r.URL.Path, "redirect_uris": []string{bad}})
		}))
		s, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDLoopback})
		require.NoError(t, err)
		_, err = s.authorizeClient(context.Background(), doc.URL+"/client.json", bad)
		var ce *cimdError
		assert.True(t, errors.As(err, &ce), "%s: %v", bad, err)
		doc.Close()
	}
}
