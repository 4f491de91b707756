package rfc6749

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/authspec/authspec/scenarios/internal/pages"
	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// authorizationResponseChecks returns the checks of RFC 6749 §4.1.2,
// Authorization Response.
func authorizationResponseChecks() []*suite.Check {
	return []*suite.Check{stateAfterLogin, codeSingleUse, replayRevokesTokens, stateEchoed, codeExpires}
}

var codeExpires = &suite.Check{
	ID: "rfc6749-4.1.2-code-expires", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An authorization code is refused once its lifetime has passed",
	Quote: "The authorization code MUST expire shortly after it is issued to mitigate the risk of leaks. A maximum authorization code lifetime of 10 minutes is RECOMMENDED.",
	Run:   runCodeExpires,
}

// runCodeExpires redeems a code after the lifetime the server documents
// (code_lifetime) and fails when it is accepted. Without code_lifetime it
// waits the 10 minutes RFC 6749 §4.1.2 recommends at most and reports a
// code still accepted then as a WARN: "shortly" is made precise only by
// the lifetime the server documents, and the 10 minutes are a SHOULD.
func runCodeExpires(ctx context.Context, t *suite.T) error {
	lifetime, documented := t.Target.Config.CodeLifetime, true
	what := fmt.Sprintf("the code lifetime the server documents (code_lifetime: %s) to pass", lifetime)
	if lifetime <= 0 {
		lifetime, documented = 10*time.Minute, false
		what = "the longest code lifetime RFC 6749 §4.1.2 recommends (10 minutes) to pass; set code_lifetime to the lifetime your server documents to wait that instead"
	}
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	if err := t.WaitFor(ctx, lifetime+5*time.Second, what); err != nil {
		return err
	}
	res, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	if !tokenreq.Issued(res) {
		return freshCodeRedeemed(ctx, t, g.Client)
	}
	f := expect.Fail(res, "error=invalid_grant: the code has expired", "HTTP 200 with tokens",
		"the code was redeemed %s after it was issued", (lifetime + 5*time.Second).Round(time.Second)).
		WithFix("give authorization codes a short lifetime (10 minutes at most, RFC 6749 §4.1.2) and refuse them with invalid_grant once it has passed")
	if !documented {
		return f.AsObservation() // the 10 minutes are RECOMMENDED; code_lifetime makes the MUST precise
	}
	return f
}

// freshCodeRedeemed is the control of a refused redemption: a code of c
// redeemed at once is accepted, else the refusal says nothing (SKIP).
func freshCodeRedeemed(ctx context.Context, t *suite.T, c *fixture.Client) error {
	_, res, err := t.RedeemNew(ctx, c, nil)
	if err != nil {
		return err
	}
	if !tokenreq.Issued(res) {
		return suite.SkipErr("a fresh code redeemed at once is refused too (%s), so the refusal of the old one says nothing", expect.Outcome(res))
	}
	return nil
}

var codeSingleUse = &suite.Check{
	ID: "rfc6749-4.1.2-code-single-use", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Must,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An authorization code can be redeemed only once",
	Quote: "If an authorization code is used more than once, the authorization server MUST deny the request",
	Run:   runCodeSingleUse,
}

func runCodeSingleUse(ctx context.Context, t *suite.T) error {
	g, _, err := redeemed(ctx, t)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Refused(t, res, "invalid_grant"), "mark codes used atomically at redemption and refuse a second use with invalid_grant")
}

var replayRevokesTokens = &suite.Check{
	ID: "rfc6749-4.1.2-replay-revokes-tokens", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Should,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Replaying a code revokes the tokens issued from it",
	Quote: "If an authorization code is used more than once, the authorization server MUST deny the request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code.",
	Run:   runReplayRevokesTokens,
}

func runReplayRevokesTokens(ctx context.Context, t *suite.T) error {
	// Baseline: the token works before the replay, or its refusal after
	// the replay proves nothing.
	g, _, ts, err := probe.Redeemed(ctx, t)
	if err != nil {
		return err
	}
	replay, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	if replay.Status == http.StatusOK {
		return suite.SkipErr("the replayed code was accepted (see rfc6749-4.1.2-code-single-use)")
	}
	active, res, err := probe.AccessTokenActive(ctx, t, g.Client, ts.AccessToken)
	if err != nil {
		return err
	}
	if active && t.Target.Resource != "" && !t.Target.Config.SynchronousRevocation {
		// A resource that validates tokens by itself (a JWT, a cached
		// introspection) learns of a revocation late: "when possible".
		if !probe.CanIntrospect(t, g.Client) {
			return suite.SkipErr("the protected resource still accepts the access token right after the replay; a resource that validates tokens by itself learns of a revocation late or never " +
				"(RFC 6749 §4.1.2: \"when possible\"): advertise introspection, or set synchronous_revocation: true if the resource must refuse it at once")
		}
		if active, res, err = probe.IntrospectActive(ctx, t, g.Client, ts.AccessToken); err != nil {
			return err
		}
	}
	if active {
		return expect.Fail(res, "the access token revoked after the code replay", "still accepted",
			"a stolen code replayed after the legitimate redemption leaves the legitimate tokens in the attacker's reach").
			WithEvidence(replay.Exchange).
			WithFix("on a replayed code, revoke every token of the grant")
	}
	return nil
}

var stateEchoed = &suite.Check{
	ID: "rfc6749-4.1.2-state-echoed", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "state is returned exactly, including characters that need encoding",
	Quote: "state REQUIRED if the \"state\" parameter was present in the client authorization request. The exact value received from the client.",
	Run:   runStateEchoed,
}

func runStateEchoed(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	// Characters that need encoding, all within VSCHAR (%x20-7E), the
	// alphabet of state (RFC 6749 Appendix A.5).
	ar.State = "a b+c/d?e=f&g%h~!*'()" + fixture.RandomState()
	res, err := t.AuthorizedBack(ctx, ar)
	if err != nil {
		return err
	}
	if q := res.Callback.Query(); q.Get("code") == "" && q.Get("error") != "" {
		// §4.1.2 is the response that grants; an error response's state
		// is rfc6749-4.1.2.1-error-carries-state's to judge.
		return suite.SkipErr("the authorization request came back with error=%s rather than a code, so the authorization response of §4.1.2 was not seen (rfc6749-4.1.2.1-error-carries-state judges the state of error responses)", q.Get("error"))
	}
	if got := res.Callback.Query().Get("state"); got != ar.State {
		return expect.Fail(res.Last, fmt.Sprintf("state=%q", ar.State), fmt.Sprintf("state=%q", got),
			"the client cannot match the response to its request (CSRF protection breaks)").
			WithFix("return state byte for byte, URL-encoded in the redirect")
	}
	return nil
}

var stateAfterLogin = &suite.Check{
	ID: "rfc6749-4.1.2-state-after-login", Spec: suite.RFC6749, Section: "4.1.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "state and the PKCE challenge survive the login and consent pages",
	Quote: "state REQUIRED if the \"state\" parameter was present in the client authorization request. The exact value received from the client. — " +
		"If the values are equal, the token endpoint MUST continue processing as normal (as defined by OAuth 2.0 [RFC6749]). (RFC 7636 §4.6, for the code issued after the pages)",
	Run: runStateAfterLogin,
}

func runStateAfterLogin(ctx context.Context, t *suite.T) error {
	_, ar, err := pages.Request(ctx, t)
	if err != nil {
		return err
	}
	ar.Flow = fixture.FlowLogin // through the login page, not an earlier session
	res, err := t.Authorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Callback == nil {
		return suite.SkipErr("the login and consent did not come back to the client (%s)", lastStatus(res))
	}
	q := res.Callback.Query()
	if got := q.Get("state"); got != ar.State {
		return &suite.Failure{Message: "the state sent with the authorization request did not come back after login and consent",
			Want: fmt.Sprintf("state=%q", ar.State), Got: fmt.Sprintf("state=%q", got),
			Fix: "carry the authorization request (state, PKCE challenge, resource) through the login and consent pages"}
	}
	code := q.Get("code")
	if code == "" && q.Get("error") != "" {
		return suite.SkipErr("the flow through the login page came back with error=%s, no code: the state is judged above, the rest needs a code", q.Get("error"))
	}
	if code == "" {
		return suite.SkipErr("the redirect after consent carries neither a code nor an error (%s): the state is judged above, the rest needs a code", res.Callback.Redacted())
	}
	tok, err := t.Redeem(ctx, ar, code, nil)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(tok, http.StatusOK), "bind the PKCE challenge of the original request to the code issued after login")
}

// redeemed obtains a code and redeems it once.
func redeemed(ctx context.Context, t *suite.T) (*suite.Grant, *fixture.TokenSet, error) {
	g, res, err := t.RedeemNew(ctx, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return nil, nil, err
	}
	return g, ts, nil
}

// lastStatus describes the last response of an authorization that did not
// come back to the client.
func lastStatus(res *fixture.AuthzResult) string {
	if last := res.LastResponse(); last != nil {
		return fmt.Sprintf("last response: HTTP %d", last.Status)
	}
	return "no response recorded"
}
