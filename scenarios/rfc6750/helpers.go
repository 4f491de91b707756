package rfc6750

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// callWith calls the resource at u with the Authorization header authz
// (none when empty), sent exactly as given, the way the resource is called
// (probe.Call: an MCP server with its JSON-RPC POST, a plain resource with
// GET, or POST when GET is not served).
func callWith(ctx context.Context, t *suite.T, u, authz, note string) (*httpx.Result, error) {
	return probe.Call(ctx, t, u, authz, note)
}

// resourceToken obtains an access token for the configured resource with
// the confidential client (authorization code flow), and makes sure the
// resource accepts it in the usual form ("Bearer <token>"): otherwise the
// check cannot judge anything and is SKIP. The resource's answer is the
// baseline the check compares with.
func resourceToken(ctx context.Context, t *suite.T) (*fixture.Client, string, *httpx.Result, error) {
	ts, baseline, err := probe.AcceptedToken(ctx, t)
	if err != nil {
		return nil, "", nil, err
	}
	return ts.Client, ts.AccessToken, baseline, nil
}
