package probe

import (
	"context"
	"fmt"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// The probes below are made once per run and shared by every check that
// judges the same answer (an RFC 6750 check and an MCP check of the same
// requirement see the same exchange): Call decides how the resource is
// called.

// Unauthenticated is the resource's answer to a request without a token.
func Unauthenticated(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	return shared(ctx, t, "probe.no-token", func(ctx context.Context, t *suite.T) (*httpx.Result, error) {
		return Call(ctx, t, t.Target.Resource, "", "call the protected resource without a token")
	})
}

// InvalidToken is the resource's answer to a well-formed bearer token that
// no server issued.
func InvalidToken(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	return shared(ctx, t, "probe.invalid-token", func(ctx context.Context, t *suite.T) (*httpx.Result, error) {
		return Call(ctx, t, t.Target.Resource, "Bearer authspec-invalid-"+fixture.RandomState(), "call the protected resource with a made-up access token")
	})
}

// Malformed is the resource's answer to an Authorization header that is not
// credentials = "Bearer" 1*SP b64token (RFC 6750 §2.1): a space inside the
// token.
func Malformed(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	return shared(ctx, t, "probe.malformed", func(ctx context.Context, t *suite.T) (*httpx.Result, error) {
		return Call(ctx, t, t.Target.Resource, "Bearer authspec malformed token", "call the protected resource with a malformed Authorization header")
	})
}

// Scoped is the answer of scoped_resource to a token issued for the resource
// that lacks the scope scoped_resource needs. It is SKIP when no scoped
// resource is configured, when the token does not work at the resource
// itself (nothing would show that the scope is what is missing), or when
// scoped_resource accepts it.
func Scoped(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	return shared(ctx, t, "probe.scoped", func(ctx context.Context, t *suite.T) (*httpx.Result, error) {
		u := t.Target.Config.ScopedResource
		if u == "" {
			return nil, suite.SkipErr("no scoped_resource configured: name a URL of the resource that needs a scope the suite's tokens (scopes:) lack")
		}
		ts, _, err := AcceptedToken(ctx, t)
		if err != nil {
			return nil, err
		}
		res, err := Call(ctx, t, u, "Bearer "+ts.AccessToken, "call the scoped resource with a token lacking its scope")
		if err != nil {
			return nil, err
		}
		if Accepted(res) {
			return nil, suite.SkipErr("scoped_resource %s accepts the suite's token (HTTP %d): it must need a scope the configured scopes do not include", u, res.Status)
		}
		return res, nil
	})
}

// AcceptedToken gets an access token for the resource with the run's
// confidential client (authorization code flow) and makes sure the resource
// accepts it ("Bearer <token>", called as Call does): otherwise a check
// that varies the request cannot judge anything, and is SKIP. The answer
// is the baseline the check compares with.
func AcceptedToken(ctx context.Context, t *suite.T) (*fixture.TokenSet, *httpx.Result, error) {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	res, err := Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the protected resource with a fresh access token")
	if err != nil {
		return nil, nil, err
	}
	if !Accepted(res) {
		return nil, res, suite.SkipErr("the protected resource %s answered HTTP %d to a fresh access token requested for it: nothing to compare with "+
			"(is resource: the identifier the server issues tokens for? see rfc8707-2-audience-restricted)", t.Target.Resource, res.Status)
	}
	return ts, res, nil
}

func shared(ctx context.Context, t *suite.T, key string, fn func(ctx context.Context, t *suite.T) (*httpx.Result, error)) (*httpx.Result, error) {
	v, err := t.Shared(ctx, key, func(ctx context.Context, t *suite.T) (any, error) {
		return fn(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return v.(*httpx.Result), nil
}

// QueryTokenAnswer is the answer to a request carrying the accepted token
// only as the access_token query parameter (Res), beside the answers that
// give it meaning: the token works in the Authorization header
// (Baseline), and a request without a token is refused (None).
type QueryTokenAnswer struct{ Res, Baseline, None *httpx.Result }

// QueryToken sends the token the resource accepts in the Authorization
// header as the access_token query parameter instead (RFC 6750 §2.3):
// ignored, the request is one without a token. what names the resource in
// messages ("the protected resource"). A resource that serves requests
// without any token is a SKIP: an ignored query token cannot be told apart.
func QueryToken(ctx context.Context, t *suite.T, what string) (*QueryTokenAnswer, error) {
	ts, baseline, err := AcceptedToken(ctx, t)
	if err != nil {
		return nil, err
	}
	none, err := Unauthenticated(ctx, t)
	if err != nil {
		return nil, err
	}
	if Accepted(none) {
		return nil, suite.SkipErr("%s serves a request without any token (HTTP %d): a token in the query string that is ignored cannot be told apart (set resource: to a URL that needs a token)", what, none.Status)
	}
	u, err := url.Parse(t.Target.Resource)
	if err != nil {
		return nil, fmt.Errorf("resource URL: %w", err)
	}
	q := u.Query()
	q.Set("access_token", ts.AccessToken)
	u.RawQuery = q.Encode()
	res, err := Call(ctx, t, u.String(), "", "call "+what+" with the access token in the query string only")
	if err != nil {
		return nil, err
	}
	return &QueryTokenAnswer{Res: res, Baseline: baseline, None: none}, nil
}
