package rfc7009

import (
	"context"
	"fmt"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

func revoke(ctx context.Context, t *suite.T, c *fixture.Client, form url.Values, note string) (*httpx.Result, error) {
	return t.PostForm(ctx, t.Target.Metadata.RevocationEndpoint, c, form, note)
}

// outcome describes a response briefly: its status and OAuth error code.
func outcome(res *httpx.Result) string {
	if code := expect.ErrorCode(res); code != "" {
		return fmt.Sprintf("HTTP %d error=%s", res.Status, code)
	}
	return fmt.Sprintf("HTTP %d", res.Status)
}
