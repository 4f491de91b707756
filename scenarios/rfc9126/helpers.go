package rfc9126

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// par is what every check of pushed authorization requests needs.
var par = []vocab.Feature{vocab.FeaturePAR, vocab.FeatureConfidential, vocab.FeatureAuthCode}

var profiles = []vocab.Profile{vocab.ProfileFAPI2Security}

// pushed is a pushed authorization request the target accepted.
type pushed struct {
	// Request is the authorization request to send: client_id and the
	// request_uri (the pushed parameters are in Pushed).
	Request *fixture.AuthRequest
	// Pushed is the request as it was pushed.
	Pushed     *fixture.AuthRequest
	Res        *httpx.Result
	RequestURI string
	ExpiresIn  float64
	// At is when the target answered the push.
	At time.Time
}

// late reports whether the request_uri's expires_in has run out since the
// push, and how long ago the push was: a refusal then may be its expiry,
// which says nothing about what a check judges.
func (p *pushed) late() (time.Duration, bool) {
	since := time.Since(p.At)
	return since, p.ExpiresIn > 0 && since >= time.Duration(p.ExpiresIn*float64(time.Second))
}

// push pushes the run's usual authorization request of c (nil: the run's
// confidential client), changed by adjust, and returns what the target
// issued. A push the target does not accept is SKIP: the check needs a
// request_uri, and rfc9126-2.2-created-response reports why there is none.
func push(ctx context.Context, t *suite.T, c *fixture.Client, adjust func(r *fixture.AuthRequest)) (*pushed, error) {
	r, err := t.AuthRequestFor(ctx, c, adjust)
	if err != nil {
		return nil, err
	}
	if r.State == "" && !r.NoState {
		r.State = fixture.RandomState()
	}
	res, err := t.Push(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	var body struct {
		RequestURI string  `json:"request_uri"`
		ExpiresIn  float64 `json:"expires_in"`
	}
	if (res.Status != http.StatusCreated && res.Status != http.StatusOK) || json.Unmarshal(res.Body, &body) != nil || body.RequestURI == "" {
		return nil, suite.SkipErr("the pushed authorization request was not accepted: HTTP %d%s (rfc9126-2.2-created-response reports it)", res.Status, expect.BodyHint(res))
	}
	a := *r
	a.RequestURI = body.RequestURI
	return &pushed{Request: &a, Pushed: r, Res: res, RequestURI: body.RequestURI, ExpiresIn: body.ExpiresIn, At: time.Now()}, nil
}

// pushPublic pushes the usual request of the run's public client: the
// baseline of the redirect_uri checks (parPublic).
func pushPublic(ctx context.Context, t *suite.T) (*pushed, error) {
	c, err := t.Public(ctx)
	if err != nil {
		return nil, err
	}
	return push(ctx, t, c, nil)
}

// authorized runs the authorization of a pushed request and returns the
// code it came back with: the baseline of the checks that a changed use of
// a request_uri is refused. No code is SKIP.
func authorized(ctx context.Context, t *suite.T, p *pushed) (*fixture.AuthzResult, error) {
	res, err := t.Authorize(ctx, p.Request)
	if err != nil {
		return nil, err
	}
	if res.Param("code") == "" {
		return nil, suite.SkipErr("the authorization request with the request_uri of a pushed request came back without a code (rfc9126-5-request-uri-usable reports it)")
	}
	return res, nil
}

// refused judges an authorization that must not come back with a code.
func refused(res *fixture.AuthzResult, what, fix string) error {
	if res.Param("code") == "" {
		return nil
	}
	last := res.Last
	return expect.Fail(last, "no authorization code: the request refused", "a code in "+redacted(res), "the authorization server issued a code for %s", what).WithFix(fix)
}

// redacted names where the callback went, without its parameters.
func redacted(res *fixture.AuthzResult) string {
	if res.Callback == nil {
		return "the response"
	}
	u := *res.Callback
	u.RawQuery = ""
	return u.String()
}
