package rfc6749

import (
	"context"
	"fmt"
	"time"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// protectedResourceChecks returns the checks of RFC 6749 §7, Accessing
// Protected Resources.
func protectedResourceChecks() []*suite.Check {
	return []*suite.Check{expiredTokenRefused}
}

var expiredTokenRefused = &suite.Check{
	ID: "rfc6749-7-expired-token-refused", Spec: suite.RFC6749, Section: "7", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The resource refuses an access token once its expires_in has passed",
	Quote: "The resource server MUST validate the access token and ensure that it has not expired and that its scope covers the requested resource.",
	Run:   runExpiredTokenRefused,
}

// runExpiredTokenRefused uses an access token at the resource, waits for
// the expires_in of its token response to pass, and uses it again. The
// wait is as long as the token's lifetime: the check SKIPs when the run
// does not let it wait that long (--check-timeout, --max-wait).
func runExpiredTokenRefused(ctx context.Context, t *suite.T) error {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	c := ts.Client
	secs, ok := ts.Raw["expires_in"].(float64)
	if !ok || secs <= 0 {
		return suite.SkipErr("the token response has no expires_in in seconds: when the token expires is not known")
	}
	active, base, err := probe.AccessTokenActive(ctx, t, c, ts.AccessToken)
	if err != nil {
		return err
	}
	if !active {
		return suite.SkipErr("the resource does not accept the access token as issued, so its refusal after expiry says nothing")
	}
	lifetime := time.Duration(secs) * time.Second
	if err := t.WaitFor(ctx, lifetime+5*time.Second, fmt.Sprintf("the access token's expires_in (%s) to pass", lifetime)); err != nil {
		return err
	}
	active, res, err := probe.AccessTokenActive(ctx, t, c, ts.AccessToken)
	if err != nil {
		return err
	}
	waited := lifetime + 5*time.Second
	if skew := t.Target.Config.Skew(); active {
		// A resource may allow some clock skew past the expiry (RFC
		// 7519 §4.1.4): judge only after it.
		t.Logf("the token is still accepted 5s after its expires_in; waiting out the resource's clock skew (%s, clock_skew)", skew)
		if err := t.WaitFor(ctx, skew, fmt.Sprintf("the clock skew the resource may allow (%s, clock_skew in the config)", skew)); err != nil {
			return err
		}
		waited += skew
		if active, res, err = probe.AccessTokenActive(ctx, t, c, ts.AccessToken); err != nil {
			return err
		}
	}
	if active {
		return expect.Fail(res, "HTTP 401 (error=\"invalid_token\"): the token has expired", "accepted",
			"the resource accepted the access token %s after its expires_in of %s", waited.Round(time.Second), lifetime).
			WithEvidence(base.Exchange).
			WithFix("check the expiry of every access token at the resource (the exp of a JWT, the expiry of the token's record) and refuse expired ones with 401 invalid_token")
	}
	return nil
}
