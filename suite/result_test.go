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
	hc := httpx.NewTransport(time.Second, 0).NewClient()
	req, _ := http.NewRequest(http.MethodPost, gone+"/token", nil)
	_, terr := hc.Do(context.Background(), req, "token request")
	require.Error(t, terr)
	unanswered := hc.Exchanges()[0]
	answered := httpx.Exchange{Request: httpx.Request{Method: "POST", URL: gone + "/token"}, Response: &httpx.Response{Status: 400}}

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
	} {
		r := suite.NewResult(c)
		r.Classify(c, tc.err, tc.recorded)
		assert.Equal(t, tc.want, r.Status, "%s: %s", name, r.Message)
		if tc.want == suite.Error {
			assert.Contains(t, r.Message, "answer", name)
		}
	}
}
