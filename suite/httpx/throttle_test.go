package httpx_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/httpx"
)

// throttling answers the first n requests with status and retryAfter, the
// others 200 echoing the body.
func throttling(t *testing.T, n int32, status int, retryAfter string) (*httptest.Server, *atomic.Int32) {
	var seen atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if seen.Add(1) <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(ts.Close)
	return ts, &seen
}

func post(t *testing.T, hc *httpx.Client, u string) (*httpx.Result, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader("grant_type=x"))
	require.NoError(t, err)
	return hc.Do(context.Background(), req, "token request")
}

func TestClient_RetriesAfter429(t *testing.T) {
	ts, seen := throttling(t, 2, http.StatusTooManyRequests, "0")
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	res, err := post(t, hc, ts.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, "grant_type=x", string(res.Body), "the body is sent again")
	assert.EqualValues(t, 3, seen.Load())
	ex := hc.Exchanges()
	require.Len(t, ex, 3, "every attempt is recorded")
	assert.Equal(t, http.StatusTooManyRequests, ex[0].Response.Status)
	assert.Contains(t, ex[2].Note, "sent again")
}

func TestClient_ThrottledEveryTime(t *testing.T) {
	ts, seen := throttling(t, 100, http.StatusTooManyRequests, "0")
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	res, err := post(t, hc, ts.URL)
	assert.Nil(t, res)
	th := httpx.AsThrottled(err)
	require.NotNil(t, th, "%v", err)
	assert.Equal(t, 3, th.Attempts)
	assert.EqualValues(t, 3, seen.Load(), "bounded")
}

func TestClient_LongRetryAfterNotWaited(t *testing.T) {
	ts, seen := throttling(t, 100, http.StatusTooManyRequests, "3600")
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	_, err := post(t, hc, ts.URL)
	require.NotNil(t, httpx.AsThrottled(err))
	assert.EqualValues(t, 1, seen.Load(), "an hour is not waited")
}

func TestClient_503(t *testing.T) {
	t.Run("without Retry-After it is the answer", func(t *testing.T) {
		ts, seen := throttling(t, 1, http.StatusServiceUnavailable, "")
		res, err := post(t, httpx.NewTransport(time.Minute, 0).NewClient(), ts.URL)
		require.NoError(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, res.Status)
		assert.EqualValues(t, 1, seen.Load())
	})
	t.Run("with Retry-After it is sent again", func(t *testing.T) {
		ts, _ := throttling(t, 1, http.StatusServiceUnavailable, "0")
		res, err := post(t, httpx.NewTransport(time.Minute, 0).NewClient(), ts.URL)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.Status)
	})
	t.Run("the last 503 is returned as it is", func(t *testing.T) {
		ts, seen := throttling(t, 100, http.StatusServiceUnavailable, "0")
		res, err := post(t, httpx.NewTransport(time.Minute, 0).NewClient(), ts.URL)
		require.NoError(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, res.Status)
		assert.EqualValues(t, 3, seen.Load())
	})
}
