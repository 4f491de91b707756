package rfc9126

import (
	"context"
	"fmt"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// authorizationRequestChecks returns the checks of RFC 9126 §4,
// Authorization Request.
func authorizationRequestChecks() []*suite.Check {
	return []*suite.Check{expiredRefused, singleUse}
}

// expiryMargin is how long after expires_in the check uses the request_uri.
const expiryMargin = 2 * time.Second

var expiredRefused = &suite.Check{
	ID: "rfc9126-4-expired-refused", Spec: suite.RFC9126, Section: "4", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title: "A request_uri used after its expires_in gets no code",
	Quote: "An expired request_uri MUST be rejected as invalid.",
	Run:   runExpiredRefused,
}

// runExpiredRefused waits out the lifetime the PAR response gave, when the
// check's deadline allows it, and uses the request_uri then.
func runExpiredRefused(ctx context.Context, t *suite.T) error {
	p, err := push(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	if p.ExpiresIn <= 0 {
		return suite.SkipErr("the PAR response gives no expires_in to wait for (rfc9126-2.2-created-response reports it)")
	}
	wait := time.Duration(p.ExpiresIn*float64(time.Second)) + expiryMargin
	if err := t.WaitFor(ctx, wait, fmt.Sprintf("the request_uri to expire (expires_in %g)", p.ExpiresIn)); err != nil {
		return err
	}
	res, err := t.TryAuthorize(ctx, p.Request)
	if err != nil {
		return err
	}
	return expect.Evidence(refused(res, "a request_uri past its expires_in",
		"refuse a request_uri once the lifetime its expires_in gave has passed"), p.Res.Exchange)
}

var singleUse = &suite.Check{
	ID: "rfc9126-4-single-use", Spec: suite.RFC9126, Section: "4", Level: suite.Should,
	Requires: par, Profiles: profiles,
	Title: "A request_uri used a second time, by another user agent, gets no second code",
	Quote: "Authorization servers SHOULD treat request_uri values as one-time use but MAY allow for duplicate requests due to a user reloading/refreshing their user agent.",
	Run:   runSingleUse,
}

// runSingleUse uses a request_uri twice: the first use is the baseline.
// The second comes from another user agent, a fresh login without the
// cookies of the first (fixture.FlowLogin): a server "MAY allow for
// duplicate requests due to a user reloading/refreshing their user agent",
// and a reload is the same agent again.
func runSingleUse(ctx context.Context, t *suite.T) error {
	p, err := push(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	if _, err := authorized(ctx, t, p); err != nil {
		return err
	}
	again := *p.Request
	again.Flow = fixture.FlowLogin
	res, err := t.TryAuthorize(ctx, &again)
	if err != nil {
		return err
	}
	return expect.Evidence(refused(res, "a request_uri used before, by another user agent (a reload by the same agent may be let through)",
		"record the request_uri as used at its first use at the authorization endpoint and refuse it afterwards, at least to any other user agent"), p.Res.Exchange)
}
