package expect_test

import (
	"testing"
	"time"

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

// TestRefused: a sentence that asks only for a denial is met by any
// refusal; its form (HTTP 400 and the §5.2 code) is logged, not failed.
// RefusedWith also holds the refusal to the error code its sentence names.
func TestRefused(t *testing.T) {
	tt := suite.NewT(&suite.Env{Transport: httpx.NewTransport(time.Minute, 0)}, &suite.Check{ID: "x"})
	result := func(status int, body string) *httpx.Result {
		return &httpx.Result{Status: status, Body: []byte(body), Exchange: httpx.Exchange{Note: "redeem the code again"}}
	}
	var f *suite.Failure
	require.ErrorAs(t, expect.Refused(tt, result(200, `{"access_token":"a","token_type":"Bearer"}`), "invalid_grant"), &f)
	assert.Equal(t, "the request was honoured", f.Message)
	assert.NoError(t, expect.Refused(tt, result(400, `{"error":"invalid_grant"}`), "invalid_grant"))
	assert.Empty(t, tt.Log())
	assert.NoError(t, expect.Refused(tt, result(401, `{"error":"invalid_grant"}`), "invalid_grant"))
	assert.NoError(t, expect.Refused(tt, result(500, `{"error":"server_error"}`), "invalid_grant"))
	assert.NoError(t, expect.Refused(tt, result(200, `{"error":"invalid_grant"}`), "invalid_grant"), "an error sent with 200 grants nothing")
	assert.Len(t, tt.Log(), 3, "each refusal of another form is logged")

	assert.NoError(t, expect.RefusedWith(tt, result(401, `{"error":"invalid_grant"}`), "invalid_grant"))
	require.ErrorAs(t, expect.RefusedWith(tt, result(500, `{"error":"server_error"}`), "invalid_grant"), &f)
	assert.Equal(t, "wrong error code", f.Message)
	require.Error(t, expect.RefusedWith(tt, result(200, `{"access_token":"a"}`), "invalid_grant"))
}
