package rfc6750

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// callScoped calls scoped_resource with a token lacking its scope. It is
// SKIP when no scoped resource is configured or the token is accepted.
func callScoped(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	u := t.Target.Config.ScopedResource
	if u == "" {
		return nil, suite.SkipErr("no scoped_resource configured: name a URL of the resource that needs a scope the suite's tokens (scopes:) lack")
	}
	_, tok, err := resourceToken(ctx, t)
	if err != nil {
		return nil, err
	}
	res, err := callWith(ctx, t, u, "Bearer "+tok, "call the scoped resource with a token lacking its scope")
	if err != nil {
		return nil, err
	}
	if res.Status >= 200 && res.Status <= 299 {
		return nil, suite.SkipErr("scoped_resource %s accepts the suite's token (HTTP %d): it must need a scope the configured scopes do not include", u, res.Status)
	}
	return res, nil
}

func callResource(ctx context.Context, t *suite.T, token, note string) (*httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Target.Resource, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return notServed(t.HTTP.Do(ctx, req, note))
}

// notServed turns a 404 or 410 into SKIP: a resource indicator need not be
// a served URL (RFC 8707 §2), and with nothing there, there is no resource
// server to judge.
func notServed(res *httpx.Result, err error) (*httpx.Result, error) {
	if err == nil && (res.Status == http.StatusNotFound || res.Status == http.StatusGone) {
		return nil, suite.SkipErr("the resource answers HTTP %d: nothing is served at that URL; give resource: (or scoped_resource:) the URL of a protected resource to judge it", res.Status)
	}
	return res, err
}

// callWith calls the resource at u with the Authorization header authz
// (none when empty), sent exactly as given.
func callWith(ctx context.Context, t *suite.T, u, authz, note string) (*httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	return notServed(t.HTTP.Do(ctx, req, note))
}

// resourceToken obtains an access token for the configured resource with
// the confidential client (authorization code flow), and makes sure the
// resource accepts it in the usual form ("Bearer <token>"): otherwise the
// check cannot judge anything and is SKIP.
func resourceToken(ctx context.Context, t *suite.T) (*fixture.Client, string, error) {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return nil, "", err
	}
	res, err := callWith(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the protected resource with a fresh access token")
	if err != nil {
		return nil, "", err
	}
	if res.Status < 200 || res.Status > 299 {
		return nil, "", suite.SkipErr("the protected resource %s answered HTTP %d to a fresh access token requested for it; cannot judge (see rfc8707-2-audience-restricted)", t.Target.Resource, res.Status)
	}
	return ts.Client, ts.AccessToken, nil
}
