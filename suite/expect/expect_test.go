package expect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// TestStatus_SaysWhatWasAnswered: a wrong status is told in the words of
// the requirement, naming the request by why it was made.
func TestStatus_SaysWhatWasAnswered(t *testing.T) {
	res := &httpx.Result{Status: 200, Exchange: httpx.Exchange{Note: "redeem the authorization code a second time"}}
	assert.NoError(t, expect.Status(res, 200))

	var f *suite.Failure
	require.ErrorAs(t, expect.Status(res, 400, 401), &f)
	assert.Equal(t, "redeem the authorization code a second time: answered HTTP 200 OK where the requirement calls for HTTP 400 Bad Request or 401 Unauthorized", f.Message)
	assert.Equal(t, "HTTP 400 Bad Request or 401 Unauthorized", f.Want)

	require.ErrorAs(t, expect.Status(&httpx.Result{Status: 500}, 200), &f)
	assert.Equal(t, "the server answered HTTP 500 Internal Server Error where the requirement calls for HTTP 200 OK", f.Message)
}
