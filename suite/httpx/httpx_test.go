package httpx_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/httpx"
)

func TestClient_NeverFollowsRedirects(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere?code=secretcode&state=s", http.StatusFound)
	}))
	defer ts.Close()
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/start", nil)
	res, err := hc.Do(context.Background(), req, "go")
	require.NoError(t, err)
	assert.Equal(t, http.StatusFound, res.Status)
	require.Len(t, hc.Exchanges(), 1)
	loc := hc.Exchanges()[0].Response.Headers["Location"][0]
	assert.NotContains(t, loc, "secretcode", "codes in Location are redacted")
	assert.Contains(t, loc, "state=s")
}

func TestClient_TimeoutAndBodyCap(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-r.Context().Done() // answers only once the client has given up
			return
		}
		_, _ = io.WriteString(w, strings.Repeat("x", 5000))
	}))
	defer ts.Close()
	tr := httpx.NewTransport(100*time.Millisecond, 1000)
	hc := tr.NewClient()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/slow", nil)
	_, err := hc.Do(context.Background(), req, "slow")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timeout")
	assert.Contains(t, hc.Exchanges()[0].Error, "timeout")

	// The same cap, with a timeout that is only a safety net.
	req, _ = http.NewRequest(http.MethodGet, ts.URL+"/big", nil)
	res, err := httpx.NewTransport(time.Minute, 1000).NewClient().Do(context.Background(), req, "big")
	require.NoError(t, err)
	assert.True(t, res.Truncated)
	assert.Len(t, res.Body, 1000)
}

func TestClient_RedactsSecrets(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"at-123456","refresh_token":"rt-654321","client_secret":"s3cr3t+/x","scope":"read"}`)
	}))
	defer ts.Close()
	tr := httpx.NewTransport(time.Minute, 0) // a safety net
	tr.AddSecret("s3cr3t+/x")
	hc := tr.NewClient()
	req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader("grant_type=x&client_secret=s3cr3t%2B%2Fx&code=abc"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("id", "s3cr3t+/x")
	_, err := hc.Do(context.Background(), req, "token")
	require.NoError(t, err)
	ex := hc.Exchanges()[0]
	all := ex.Request.Body + ex.Response.Body + strings.Join(ex.Request.Headers["Authorization"], "")
	for _, secret := range []string{"s3cr3t", "at-123456", "rt-654321", "code=abc"} {
		assert.NotContains(t, all, secret)
	}
	assert.Equal(t, "Basic [REDACTED]", ex.Request.Headers["Authorization"][0])
	assert.Contains(t, ex.Response.Body, `"scope":"read"`)
}

func TestClient_ConnectionRefused(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	_, err := hc.Do(context.Background(), req, "gone")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refused")
	te := httpx.AsTransport(err)
	require.NotNil(t, te, "a request without an answer is a TransportError")
	assert.False(t, te.Cancelled)
	assert.Equal(t, url, te.Origin)
}

// upAndGone returns the URL of a server that answers every request with 404
// and that of a server that was closed: a port that nothing answers on.
func upAndGone(t *testing.T) (up, gone string) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	return srv.URL, down.URL
}

// TestTransport_ConsecutiveFailures: requests without an answer count
// against their origin until one is answered; a caller giving up does not
// count.
func TestTransport_ConsecutiveFailures(t *testing.T) {
	up, gone := upAndGone(t)
	tr := httpx.NewTransport(time.Minute, 0)
	hc := tr.NewClient()
	get := func(ctx context.Context, u string) error {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		_, err := hc.Do(ctx, req, "probe")
		return err
	}
	for i := 0; i < 3; i++ {
		require.Error(t, get(context.Background(), gone+"/x"))
	}
	assert.Equal(t, 3, tr.ConsecutiveFailures(gone))
	assert.Equal(t, 0, tr.ConsecutiveFailures(up))
	require.NoError(t, get(context.Background(), up))
	assert.Equal(t, 0, tr.ConsecutiveFailures(up), "a 404 is an answer")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := get(ctx, gone)
	require.Error(t, err)
	assert.True(t, httpx.AsTransport(err).Cancelled)
	assert.Equal(t, 3, tr.ConsecutiveFailures(gone), "the caller gave up: not the target's doing")
}

func TestTransport_AddSecretConcurrentWithRedact(t *testing.T) {
	tr := httpx.NewTransport(time.Minute, 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			tr.AddSecret(strings.Repeat("s", 4+i%50) + string(rune('a'+i%26)))
		}
	}()
	for i := 0; i < 200; i++ {
		_ = tr.Redact("ssssssssa and more")
	}
	<-done
	assert.Equal(t, "[REDACTED]", tr.Redact("ssssa"))
}

// TestTransport_Probe: any answer is an answer; a closed port is not.
func TestTransport_Probe(t *testing.T) {
	up, gone := upAndGone(t)
	tr := httpx.NewTransport(time.Minute, 0)
	require.NoError(t, tr.Probe(context.Background(), up+"/.well-known/x"))
	err := tr.Probe(context.Background(), gone+"/.well-known/x")
	te := httpx.AsTransport(err)
	require.NotNil(t, te, "%v", err)
	assert.False(t, te.Cancelled)
}
