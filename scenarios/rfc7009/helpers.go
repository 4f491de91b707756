package rfc7009

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

func revoke(ctx context.Context, t *suite.T, c *fixture.Client, form url.Values, note string) (*httpx.Result, error) {
	return t.PostForm(ctx, t.Target.Metadata.RevocationEndpoint, c, form, note)
}
