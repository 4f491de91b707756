package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// refreshTokenProtectionChecks returns the checks of RFC 9700 §4.14.2,
// Recommendations (Refresh Token Protection).
func refreshTokenProtectionChecks() []*suite.Check {
	return []*suite.Check{publicRefreshRotation, replayRevokesFamily, refreshTokenIntegrity}
}

var refreshTokenIntegrity = &suite.Check{
	ID: "rfc9700-4.14.2-refresh-token-integrity", Spec: suite.RFC9700, Section: "4.14.2", Level: suite.Must,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "A refresh token altered in one character of its last part is refused (an unchecked signature or grant reference does not refresh)",
	Quote: "Authorization servers MUST ensure the integrity of the refresh token value in this case, for example, using signatures.",
	Run:   runRefreshTokenIntegrity,
}

// runRefreshTokenIntegrity refreshes once with the token as issued (the
// control), then with the current refresh token altered in the
// second-to-last character of its last "."-separated part: where a token
// carries its grant and a signature (RFC 9700 §4.14.2, implementation
// note), that is the signature, whose every bit counts there (only a
// base64url value's last character can hold spare bits). An opaque random
// token altered so is simply unknown. Either way no token may come back.
func runRefreshTokenIntegrity(ctx context.Context, t *suite.T) error {
	ts, err := t.RefreshableTokens(ctx, nil, nil)
	if err != nil {
		return err
	}
	c := ts.Client
	control, err := t.Refresh(ctx, c, ts.RefreshToken, "control: refresh with the refresh token as issued")
	if err != nil {
		return err
	}
	next, err := t.ParseTokens(control)
	if err != nil {
		return suite.SkipErr("the refresh token as issued does not refresh (%v): the RFC 6749 §6 checks judge refreshing, and an altered one says nothing", err)
	}
	current := ts.RefreshToken
	if next.RefreshToken != "" {
		current = next.RefreshToken
	}
	res, err := t.Refresh(ctx, c, alterTail(current), "refresh with the refresh token altered in one character of its last part")
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(res); err == nil {
		return expect.Fail(res, "error=invalid_grant", "tokens",
			"a refresh token altered in one character still refreshes: the server does not check the integrity of the value it issued "+
				"(an unchecked signature, or a grant reference trusted as it is)").
			WithEvidence(control.Exchange).
			WithFix("verify the whole refresh token: look it up by its full value, or verify its signature (MAC) before trusting the grant it names")
	}
	return nil
}

// alterTail changes the second-to-last character of the last
// "."-separated part of tok (or of tok, for a part of one character).
func alterTail(tok string) string {
	b := []byte(tok)
	i := len(b) - 2
	if dot := strings.LastIndexByte(tok, '.'); dot >= 0 && len(tok)-dot-1 < 2 || i < 0 {
		i = len(b) - 1
	}
	if i < 0 {
		return "authspec-altered"
	}
	// Never the same letter in the other case: a case-insensitive lookup
	// (a database collation) would find the same token.
	switch b[i] {
	case 'A', 'a':
		b[i] = 'B'
	default:
		b[i] = 'A'
	}
	return string(b)
}

var publicRefreshRotation = &suite.Check{
	ID: "rfc9700-4.14.2-public-refresh-rotation", Spec: suite.RFC9700, Section: "4.14.2", Level: suite.Must,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileOAuth21},
	Title: "Refresh tokens of public clients rotate (a used one stops working), unless they are sender-constrained",
	Quote: "Authorization servers MUST utilize one of these methods to detect refresh token replay by malicious actors for public clients:",
	Run:   runPublicRefreshRotation,
}

// runPublicRefreshRotation refreshes once as the public client and uses
// the exchanged refresh token again: refused is rotation. Accepted, it may
// be a window for a client's retry (the token stays usable until its
// replacement is first used, which some servers keep so that a lost
// refresh response is not the end of a grant), or no invalidation at all:
// judgeRetryWindow tells them apart on a second grant.
func runPublicRefreshRotation(ctx context.Context, t *suite.T) error {
	c, ts, next, err := rotate(ctx, t)
	if err != nil {
		return err
	}
	if next.RefreshToken == "" || next.RefreshToken == ts.RefreshToken {
		return expect.Fail(next.Result, "a new refresh_token", "the same or none",
			"the public client's refresh token is not rotated").
			WithFix("issue a new refresh token at every refresh of a public client and invalidate the old one")
	}
	if err := waitReuseInterval(ctx, t); err != nil {
		return err
	}
	old, err := t.Refresh(ctx, c, ts.RefreshToken, "reuse the rotated refresh token")
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(old); err != nil {
		return expect.WithFix(expect.Refused(t, old, "invalid_grant"), "invalidate a refresh token once it has been exchanged")
	}
	if d := t.Target.Config.RefreshReuseInterval; d > 0 {
		return expect.Fail(old, "error=invalid_grant", "tokens",
			"the rotated refresh token still refreshes after the refresh_reuse_interval (%s) and a second: it is not invalidated", d).
			WithEvidence(next.Result.Exchange).
			WithFix("invalidate a refresh token once it has been exchanged, or once the reuse interval has passed")
	}
	return judgeRetryWindow(ctx, t, c, old)
}

// judgeRetryWindow runs, on a second grant of c, the refresh, a refresh
// with its replacement, and a reuse of the first refresh token: still
// accepted then, the token is never invalidated (FAIL); refused, the
// server keeps a window for a client's retry until the replacement is
// used, and first (the reuse right after the rotation) is an observation:
// RFC 9700 §4.14.2 describes rotation as invalidating the previous token in
// a sentence without a keyword.
func judgeRetryWindow(ctx context.Context, t *suite.T, c *fixture.Client, first *httpx.Result) error {
	unsure := func(err error) error {
		return expect.Fail(first, "error=invalid_grant", "tokens",
			"the rotated refresh token still refreshes right after its exchange, and the run could not tell a window for a client's retry "+
				"(until the replacement is used) from no invalidation at all: %v", err).
			WithFix("invalidate a refresh token once it has been exchanged").AsObservation()
	}
	ts, err := t.RefreshableTokens(ctx, c, nil)
	if err != nil {
		return unsure(fmt.Errorf("a second grant: %w", err))
	}
	r1, err := t.Refresh(ctx, c, ts.RefreshToken, "second grant: refresh")
	if err != nil {
		return err
	}
	n1, err := t.ParseTokens(r1)
	if err != nil || n1.RefreshToken == "" || n1.RefreshToken == ts.RefreshToken {
		return unsure(fmt.Errorf("the second grant's refresh gave no new refresh token (%v)", err))
	}
	r2, err := t.Refresh(ctx, c, n1.RefreshToken, "second grant: refresh with the replacement")
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(r2); err != nil {
		return unsure(fmt.Errorf("the replacement did not refresh: %w", err))
	}
	r3, err := t.Refresh(ctx, c, ts.RefreshToken, "second grant: reuse the first refresh token after its replacement was used")
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(r3); err == nil {
		return expect.Fail(r3, "error=invalid_grant", "tokens",
			"a public client's refresh token still refreshes after it was exchanged and its replacement was used: it is never invalidated, so a replay is not detected").
			WithEvidence(first.Exchange, r2.Exchange).
			WithFix("invalidate a refresh token once it has been exchanged (a window for a client's retry may last until its replacement is first used)")
	}
	return expect.Fail(first, "error=invalid_grant", "tokens",
		"the rotated refresh token stays usable until its replacement is first used (a window for a client's retry; refused after that), so a replay "+
			"inside that window is not detected. RFC 9700 §4.14.2 describes rotation as \"The previous refresh token is invalidated\", in a sentence without a keyword: an observation").
		WithEvidence(r2.Exchange, r3.Exchange).
		WithFix("invalidate a refresh token as soon as it has been exchanged, or bind public clients' refresh tokens to a key (DPoP)").
		AsObservation()
}

// waitReuseInterval waits the target's refresh_reuse_interval, if any,
// and a second, before a rotated refresh token is used again.
func waitReuseInterval(ctx context.Context, t *suite.T) error {
	d := t.Target.Config.RefreshReuseInterval
	if d <= 0 {
		return nil
	}
	return t.WaitFor(ctx, d+time.Second, "the refresh_reuse_interval, during which the server accepts a rotated refresh token")
}

var replayRevokesFamily = &suite.Check{
	ID: "rfc9700-4.14.2-replay-revokes-family", Spec: suite.RFC9700, Section: "4.14.2", Level: suite.Should,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode, vocab.FeatureRefresh}, Profiles: []vocab.Profile{vocab.ProfileOAuth21},
	Title: "Replaying a rotated refresh token revokes the active one",
	Quote: "The authorization server cannot determine which party submitted the invalid refresh token, but it will revoke the active refresh token.",
	Keywordless: "The sentence describes refresh token rotation, one of the two methods that \"Authorization servers MUST utilize ... to detect refresh token replay by malicious actors for public clients\"; " +
		"it has no keyword of its own, and whether the revocation is part of that MUST is not settled (rotation without it still refuses the replayed token), so a newest token that survives a replay is a WARN.",
	Run: runReplayRevokesFamily,
}

// runReplayRevokesFamily replays a refresh token whose replacement has
// been used (a replay on every server, a window for a client's retry
// over), then uses the newest one.
func runReplayRevokesFamily(ctx context.Context, t *suite.T) error {
	c, ts, next, err := rotate(ctx, t)
	if err != nil {
		return err
	}
	if next.RefreshToken == "" || next.RefreshToken == ts.RefreshToken {
		return suite.SkipErr("refresh tokens are not rotated (see rfc9700-4.14.2-public-refresh-rotation)")
	}
	r2, err := t.Refresh(ctx, c, next.RefreshToken, "refresh with the replacement")
	if err != nil {
		return err
	}
	newest, err := t.ParseTokens(r2)
	if err != nil {
		return suite.SkipErr("the replacement refresh token did not refresh (%v); the RFC 6749 §6 checks judge refreshing", err)
	}
	if newest.RefreshToken == "" || newest.RefreshToken == next.RefreshToken {
		return suite.SkipErr("the second refresh did not rotate the refresh token (see rfc9700-4.14.2-public-refresh-rotation)")
	}
	if err := waitReuseInterval(ctx, t); err != nil {
		return err
	}
	replay, err := t.Refresh(ctx, c, ts.RefreshToken, "replay the first refresh token")
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(replay); err == nil {
		return suite.SkipErr("the replayed refresh token was accepted: it is not invalidated (see rfc9700-4.14.2-public-refresh-rotation), so there is no replay to detect")
	}
	res, err := t.Refresh(ctx, c, newest.RefreshToken, "use the newest refresh token after the replay")
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return expect.Fail(res, "error=invalid_grant (family revoked)", "tokens",
			"after a replay of a rotated refresh token, the newest one still works").
			WithEvidence(replay.Exchange).
			WithFix("on a replayed rotated refresh token, revoke the whole token family")
	}
	return nil
}

// rotate gets tokens for the public client and refreshes once. Refresh
// tokens bound to a key (token_type DPoP) are the other lawful method:
// SKIP; so is a first refresh that fails (the RFC 6749 §6 checks judge it).
func rotate(ctx context.Context, t *suite.T) (*fixture.Client, *fixture.TokenSet, *fixture.TokenSet, error) {
	c, err := t.Public(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ts, err := t.RefreshableTokens(ctx, c, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if strings.EqualFold(ts.TokenType, "DPoP") {
		return nil, nil, nil, suite.SkipErr("the tokens are DPoP-bound (token_type DPoP): sender-constrained refresh tokens are the other method RFC 9700 §4.14.2 allows, and authspec does not send DPoP proofs")
	}
	res, err := t.Refresh(ctx, c, ts.RefreshToken, "refresh as the public client")
	if err != nil {
		return nil, nil, nil, err
	}
	next, err := t.ParseTokens(res)
	if err != nil {
		return nil, nil, nil, suite.SkipErr("the public client's first refresh failed (%v); the RFC 6749 §6 checks judge refreshing", err)
	}
	return c, ts, next, nil
}
