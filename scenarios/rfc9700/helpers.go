package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// registrationWorks is the control of the registration checks: a plain
// registration must succeed, or a refusal says nothing.
func registrationWorks(ctx context.Context, t *suite.T) error {
	_, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), nil))
	return err
}

// pagesPassable is the control of a check that judges a request ending on
// a page without a code as refused: the run's usual request must get a
// code, or the page may be a login page that authspec could not pass
// (SKIP).
func pagesPassable(ctx context.Context, t *suite.T, c *fixture.Client) error {
	if _, err := t.CodeFor(ctx, c, nil); err != nil {
		return suite.SkipErr("the run's usual authorization request gets no code either (%v), so a page without a code says nothing", err)
	}
	return nil
}

// refusedAtRegistration accepts an RFC 7591 error response (400 with a JSON
// error) as a refusal; anything else is not a judgement of the request.
func refusedAtRegistration(r *regclient.Registration, what string) error {
	if r.Res.Status == http.StatusBadRequest {
		if body, err := expect.JSONObject(r.Res, false); err == nil {
			if e, _ := body["error"].(string); e != "" {
				return nil
			}
		}
	}
	return suite.SkipErr("registering %s failed with HTTP %d, not with an RFC 7591 error response; nothing to judge", what, r.Res.Status)
}

// get sends a GET without cookies and follows no redirect.
func get(ctx context.Context, t *suite.T, u, note string) (*httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build the request to %s: %w", u, err)
	}
	return t.HTTP.Do(ctx, req, note)
}

// location is the absolute target of a redirect, or nil.
func location(res *httpx.Result) *url.URL {
	if res.Status < 300 || res.Status > 399 || res.Header.Get("Location") == "" {
		return nil
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		return nil
	}
	if base, err := url.Parse(res.Exchange.Request.URL); err == nil {
		loc = base.ResolveReference(loc)
	}
	return loc
}
