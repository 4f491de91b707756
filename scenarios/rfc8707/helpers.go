package rfc8707

import (
	"net/http"

	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// unknownResource is an absolute URI no authorization server serves.
const unknownResource = "https://authspec.invalid/unknown-api"

// invalidTarget requires a token error response with invalid_target.
func invalidTarget(res *httpx.Result, resource, fix string) error {
	if res.Status == http.StatusOK {
		return expect.Fail(res, "error=invalid_target", "an access token",
			"the token endpoint issued a token for resource=%q", resource).
			WithFix(fix)
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_target"), fix)
}
