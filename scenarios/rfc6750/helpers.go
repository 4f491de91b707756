package rfc6750

import (
	"context"
	"net/http"
	"net/url"

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

// revokedRefusal revokes an access token the resource accepts (RFC 7009)
// and calls the resource with it: the refusal the check judges, with the
// exchanges that led to it (the resource accepting the token, the
// revocation). SKIP when the token cannot be revoked, or when the resource
// still accepts it (RFC 7009 §2.1 allows a propagation delay); judged names
// what the check would have judged of the refusal.
func revokedRefusal(ctx context.Context, t *suite.T, judged string) (*httpx.Result, []httpx.Exchange, error) {
	c, tok, baseline, err := resourceToken(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	rev, err := t.PostForm(ctx, t.Target.Metadata.RevocationEndpoint, c,
		url.Values{"token": {tok}, "token_type_hint": {"access_token"}}, "revoke the access token (RFC 7009)")
	if err != nil {
		return nil, nil, err
	}
	if rev.Status != http.StatusOK {
		return nil, nil, suite.SkipErr("the revocation endpoint answered HTTP %d; cannot get a revoked token", rev.Status)
	}
	res, err := callWith(ctx, t, t.Target.Resource, "Bearer "+tok, "call the protected resource with the revoked token")
	if err != nil {
		return nil, nil, err
	}
	if probe.Accepted(res) {
		return nil, nil, suite.SkipErr("the resource still accepts the revoked token: no refusal whose %s could be judged "+
			"(RFC 7009 §2.1 allows a propagation delay to the resource; rfc7009-2.1-access-token-revoked judges the revocation)", judged)
	}
	return res, []httpx.Exchange{baseline.Exchange, rev.Exchange}, nil
}
