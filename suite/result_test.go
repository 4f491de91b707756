package suite_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
)

// TestClassify_UnansweredIsError: a verdict that rests on a request that
// got no answer is ERROR, however the check wrapped it.
func TestClassify_UnansweredIsError(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	gone := ts.URL
	ts.Close()
	hc := httpx.NewTransport(time.Minute, 0).NewClient()
	req, _ := http.NewRequest(http.MethodPost, gone+"/token", nil)
	_, terr := hc.Do(context.Background(), req, "token request")
	require.Error(t, terr)
	unanswered := hc.Exchanges()[0]
	answered := httpx.Exchange{Request: httpx.Request{Method: "POST", URL: gone + "/token"}, Response: &httpx.Response{Status: 400}}

	throttled := &httpx.ThrottledError{Method: "POST", URL: gone + "/par", Attempts: 3}
	c := &suite.Check{ID: "x-1-y", Level: suite.Must}
	for name, tc := range map[string]struct {
		err      error
		recorded []httpx.Exchange
		want     suite.Status
	}{
		"transport error":             {terr, nil, suite.Error},
		"wrapped transport error":     {fmt.Errorf("token request: %w", terr), nil, suite.Error},
		"failure caused by it":        {suite.Failf("the token request failed").WithCause(terr), nil, suite.Error},
		"failure with it as evidence": {&suite.Failure{Message: "refused", Exchanges: []httpx.Exchange{unanswered}}, nil, suite.Error},
		"failure after it":            {suite.Failf("no token"), []httpx.Exchange{answered, unanswered}, suite.Error},
		"failure on an answer":        {suite.Failf("wrong code"), []httpx.Exchange{unanswered, answered}, suite.Fail},
		"failure with an answer":      {&suite.Failure{Message: "wrong code", Exchanges: []httpx.Exchange{answered}}, []httpx.Exchange{unanswered}, suite.Fail},
		"skip":                        {suite.SkipErr("no"), []httpx.Exchange{unanswered}, suite.Skip},
		"rate-limited":                {fmt.Errorf("push: %w", throttled), []httpx.Exchange{answered}, suite.Skip},
		"failure caused by a 429":     {suite.Failf("the push failed").WithCause(throttled), []httpx.Exchange{answered}, suite.Skip},
	} {
		r := suite.NewResult(c)
		r.Classify(c, tc.err, tc.recorded)
		assert.Equal(t, tc.want, r.Status, "%s: %s", name, r.Message)
		if tc.want == suite.Error {
			assert.Contains(t, r.Message, "answer", name)
		}
	}
}

// TestClassify_FailureKeepsWhatLedToIt: a failure that names only the
// second redemption of a code still shows the first, and the two are
// numbered apart; the recording after the evidence is left out.
func TestClassify_FailureKeepsWhatLedToIt(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"a","token_type":"Bearer"}`))
	}))
	defer ts.Close()
	hc := httpx.NewTransport(30*time.Second, 0).NewClient()
	post := func(note string) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/token", nil)
		_, err := hc.Do(context.Background(), req, note)
		require.NoError(t, err)
	}
	post("register client")
	post("redeem the code")
	post("redeem the code")
	post("afterwards")
	rec := hc.Exchanges()
	c := &suite.Check{ID: "x-1-code-single-use", Level: suite.Must}
	var r suite.Result
	r.Classify(c, &suite.Failure{Message: "the code was redeemed twice", Exchanges: rec[2:3]}, rec)
	require.Equal(t, suite.Fail, r.Status)
	var notes []string
	for _, ex := range r.Exchanges {
		notes = append(notes, ex.Note)
	}
	assert.Equal(t, []string{"register client", "redeem the code (1 of 2)", "redeem the code (2 of 2)"}, notes)
	assert.Equal(t, "redeem the code", rec[1].Note, "the recording is not changed")

	// Evidence from elsewhere comes first, as before.
	other := httpx.Exchange{Note: "setup", Request: httpx.Request{Method: "GET", URL: "https://elsewhere/"}}
	r = suite.Result{}
	r.Classify(c, &suite.Failure{Message: "m", Exchanges: []httpx.Exchange{other, rec[0]}}, rec)
	require.Len(t, r.Exchanges, 2)
	assert.Equal(t, "setup", r.Exchanges[0].Note)
	assert.Equal(t, "register client", r.Exchanges[1].Note)
}
