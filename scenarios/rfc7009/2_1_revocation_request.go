package rfc7009

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// The sentences of RFC 7009 §2 and §2.1 that several checks quote.
const (
	quoteSupport    = "Implementations MUST support the revocation of refresh tokens and SHOULD support the revocation of access tokens (see Implementation Note). (RFC 7009 §2)"
	quoteInvalidate = "In the next step, the authorization server invalidates the token. The invalidation takes place immediately, and the token cannot be used again after the revocation."
	quoteValidation = "The authorization server first validates the client credentials (in case of a confidential client) and then verifies whether the token was issued to the client making the revocation request. If this validation fails, the request is refused and the client is informed of the error by the authorization server as described below."
)

// requestChecks returns the checks of RFC 7009 §2.1, Revocation Request.
func requestChecks() []*suite.Check {
	return []*suite.Check{
		accessRevoked, refreshRevokedCheck, refreshRevokesAccess, clientAuth, foreignToken,
		foreignRefresh, hintNotBinding, tokenRequired,
	}
}

func needProbe(t *suite.T) error {
	if ok, why := probe.CanProbe(t); !ok {
		return suite.SkipErr("%s", why)
	}
	return nil
}

var accessRevoked = &suite.Check{
	ID: "rfc7009-2.1-access-token-revoked", Spec: suite.RFC7009, Section: "2.1", Level: suite.Should,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A revoked access token is no longer accepted (unless the server answers unsupported_token_type)",
	Quote: quoteInvalidate + " — " + quoteSupport,
	Run:   runAccessRevoked,
}

func runAccessRevoked(ctx context.Context, t *suite.T) error {
	if err := needProbe(t); err != nil {
		return err
	}
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	if err := accessTokenWorks(ctx, t, ts.Client, ts.AccessToken, "before revocation"); err != nil {
		return err
	}
	res, err := revoke(ctx, t, ts.Client, url.Values{"token": {ts.AccessToken}, "token_type_hint": {"access_token"}}, "revoke the access token")
	if err != nil {
		return err
	}
	if err := accessRevocationRefused(res); err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return expect.WithFix(err, "answer 200 when the token is revoked, or error=unsupported_token_type when access tokens cannot be revoked (RFC 7009 §2.2.1)")
	}
	active, after, err := probe.AccessTokenActive(ctx, t, ts.Client, ts.AccessToken)
	if err != nil || !active {
		return err
	}
	if t.Target.Resource != "" && !t.Target.Config.SynchronousRevocation {
		// RFC 7009 §2.1: "there could be a propagation delay" to the
		// resource; the authorization server's own view is introspection.
		if !probe.CanIntrospect(t, ts.Client) {
			return suite.SkipErr("the protected resource still accepts the access token right after its revocation; RFC 7009 §2.1 allows a propagation delay to the resource: " +
				"advertise introspection, or set synchronous_revocation: true if the resource must refuse it at once")
		}
		if active, after, err = probe.IntrospectActive(ctx, t, ts.Client, ts.AccessToken); err != nil || !active {
			return err
		}
	}
	return expect.Fail(after, "the revoked access token refused", "accepted",
		"the revocation endpoint answered 200, which means the token was revoked, but the access token still works").
		WithEvidence(res.Exchange).
		WithFix("invalidate the token in the store the resource servers consult; if access tokens cannot be revoked (self-contained tokens), answer error=unsupported_token_type (RFC 7009 §2.2.1) instead of 200")
}

// accessRevocationRefused turns the answers RFC 7009 gives a server that
// does not revoke an access token now into SKIP: unsupported_token_type
// (§2.2.1: the server does not revoke access tokens, which §2 leaves to it)
// and 503 (§2.2.1: the token still exists, retry later).
func accessRevocationRefused(res *httpx.Result) error {
	switch {
	case res.Status == http.StatusServiceUnavailable:
		return suite.SkipErr("the revocation endpoint answered 503: RFC 7009 §2.2.1 tells the client to assume the token still exists and retry later")
	case res.Status == http.StatusBadRequest && expect.ErrorCode(res) == "unsupported_token_type":
		return suite.SkipErr("the server does not revoke access tokens: it answered error=unsupported_token_type, the answer RFC 7009 §2.2.1 defines for this; " +
			"revoking access tokens is a SHOULD (RFC 7009 §2, e.g. not done for self-contained tokens), so there is no revocation to judge")
	}
	return nil
}

// accessTokenWorks is the baseline of a "no longer accepted" check: the
// access token is accepted now, or the check is SKIP.
func accessTokenWorks(ctx context.Context, t *suite.T, owner *fixture.Client, token, when string) error {
	active, res, err := probe.AccessTokenActive(ctx, t, owner, token)
	if err != nil {
		return err
	}
	if !active {
		return suite.SkipErr("the fresh access token is not accepted %s (HTTP %d), so a refusal afterwards would prove nothing", when, res.Status)
	}
	return nil
}

var refreshRevokedCheck = &suite.Check{
	ID: "rfc7009-2.1-refresh-token-revoked", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
	Destroys: true,
	Requires: append([]vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode}, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A revoked refresh token that worked before can no longer be used",
	Quote: quoteInvalidate + " — " + quoteSupport,
	Run:   runRefreshRevoked,
}

func runRefreshRevoked(ctx context.Context, t *suite.T) error {
	return refreshRevoked(ctx, t, "refresh_token", "revoke the refresh token", "use the revoked refresh token",
		"refuse revoked refresh tokens with invalid_grant")
}

var hintNotBinding = &suite.Check{
	ID: "rfc7009-2.1-hint-not-binding", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
	Destroys: true,
	Requires: append([]vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode}, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A wrong token_type_hint does not stop the revocation",
	Quote: "If the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types.",
	Run:   runHintNotBinding,
}

func runHintNotBinding(ctx context.Context, t *suite.T) error {
	return refreshRevoked(ctx, t, "access_token", "revoke the refresh token with token_type_hint=access_token",
		"use the refresh token revoked under a wrong hint", "when the hinted token type has no match, search the other token types")
}

// refreshRevoked revokes, with hint, a refresh token that was just shown to
// work, then requires the token endpoint to refuse it.
func refreshRevoked(ctx context.Context, t *suite.T, hint, note, useNote, fix string) error {
	c, rt, base, err := workingRefreshToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, c, url.Values{"token": {rt}, "token_type_hint": {hint}}, note)
	if err != nil {
		return err
	}
	if res.Status == http.StatusServiceUnavailable {
		return suite.SkipErr("the revocation endpoint answered 503: RFC 7009 §2.2.1 tells the client to assume the token still exists and retry later")
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return expect.WithFix(err, "revoke refresh tokens and answer 200: RFC 7009 §2 makes their revocation a MUST")
	}
	ref, err := t.Refresh(ctx, c, rt, useNote)
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Evidence(expect.Refused(t, ref, "invalid_grant"), base.Exchange, res.Exchange), fix)
}

// workingRefreshToken gets fresh tokens and proves that their refresh token
// works by using it once: the baseline without which a refusal after the
// revocation would prove nothing. It returns the refresh token to use next
// (the new one when the server rotates refresh tokens, RFC 6749 §6) and the
// baseline exchange.
func workingRefreshToken(ctx context.Context, t *suite.T) (*fixture.Client, string, *httpx.Result, error) {
	ts, err := t.RefreshableTokens(ctx, nil, nil)
	if err != nil {
		return nil, "", nil, err
	}
	base, err := t.Refresh(ctx, ts.Client, ts.RefreshToken, "baseline: the refresh token works before any revocation")
	if err != nil {
		return nil, "", nil, err
	}
	next, err := t.ParseTokens(base)
	if err != nil {
		return nil, "", nil, suite.SkipErr("the fresh refresh token was refused before any revocation (%s), so a refusal afterwards would prove nothing", expect.ErrorCode(base))
	}
	if next.RefreshToken != "" {
		return ts.Client, next.RefreshToken, base, nil
	}
	return ts.Client, ts.RefreshToken, base, nil
}

var refreshRevokesAccess = &suite.Check{
	ID: "rfc7009-2.1-refresh-revokes-access", Spec: suite.RFC7009, Section: "2.1", Level: suite.Should,
	Destroys: true,
	Requires: append([]vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode}, vocab.FeatureRefresh), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Revoking a refresh token also invalidates the access tokens of the same grant (when the server revokes access tokens)",
	Quote: "If the particular token is a refresh token and the authorization server supports the revocation of access tokens, then the authorization server SHOULD also invalidate all access tokens based on the same authorization grant (see Implementation Note).",
	Run:   runRefreshRevokesAccess,
}

func runRefreshRevokesAccess(ctx context.Context, t *suite.T) error {
	if err := needProbe(t); err != nil {
		return err
	}
	ts, err := t.RefreshableTokens(ctx, nil, nil)
	if err != nil {
		return err
	}
	if err := accessTokenWorks(ctx, t, ts.Client, ts.AccessToken, "before the refresh token is revoked"); err != nil {
		return err
	}
	res, err := revoke(ctx, t, ts.Client, url.Values{"token": {ts.RefreshToken}}, "revoke the refresh token")
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return suite.SkipErr("revoking the refresh token answered HTTP %d (rfc7009-2.1-refresh-token-revoked judges that)", res.Status)
	}
	active, after, err := probe.AccessTokenActive(ctx, t, ts.Client, ts.AccessToken)
	if err != nil || !active {
		return err
	}
	// The SHOULD binds only a server that revokes access tokens: find out
	// by revoking this one.
	own, err := revoke(ctx, t, ts.Client, url.Values{"token": {ts.AccessToken}, "token_type_hint": {"access_token"}},
		"does the server revoke access tokens at all? revoke the access token itself")
	if err != nil {
		return err
	}
	if err := accessRevocationRefused(own); err != nil {
		return err
	}
	stillActive, _, err := probe.AccessTokenActive(ctx, t, ts.Client, ts.AccessToken)
	if err != nil {
		return err
	}
	if own.Status != http.StatusOK || stillActive {
		return suite.SkipErr("the access token stays valid even when revoked itself (HTTP %d): the server does not revoke access tokens, so the SHOULD does not apply (rfc7009-2.1-access-token-revoked reports it)", own.Status)
	}
	return expect.Fail(after, "the access token of the revoked grant refused", "accepted",
		"revoking the refresh token left the access token of the same grant valid, though the server does revoke access tokens").
		WithEvidence(res.Exchange).
		WithFix("revoke every token of the grant when its refresh token is revoked")
}

var clientAuth = &suite.Check{
	ID: "rfc7009-2.1-client-authentication", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Revocation refuses a confidential client's wrong credentials with invalid_client",
	Quote: quoteValidation + " — invalid_client Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). (RFC 6749 §5.2, referenced by RFC 7009 §2.2.1)",
	Keywordless: "RFC 7009 §2.1 states the revocation protocol in the indicative: validating the client's credentials is the first step of every request, " +
		"and a request that fails it is refused with an RFC 6749 §5.2 error (RFC 7009 §2.2.1), whose code for failed client authentication is invalid_client",
	Run: runClientAuth,
}

func runClientAuth(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := func() url.Values { return url.Values{"token": {"authspec-unknown-token-" + fixture.RandomState()}} }
	ok, err := revoke(ctx, t, c, form(), "control: revoke a made-up token with the right client credentials")
	if err != nil {
		return err
	}
	if ok.Status != http.StatusOK {
		return suite.SkipErr("the revocation endpoint refuses the client's right credentials too (%s), so a refusal of wrong ones would prove nothing (see rfc7009-2.2-invalid-token-200)", expect.Outcome(ok))
	}
	bad := *c
	bad.Secret = "authspec-wrong-secret"
	res, err := revoke(ctx, t, &bad, form(), "revoke with a wrong client secret")
	if err != nil {
		return err
	}
	_, err = expect.OAuthError(res, []int{http.StatusUnauthorized, http.StatusBadRequest}, "invalid_client")
	return expect.WithFix(expect.Evidence(err, ok.Exchange), "authenticate the client at the revocation endpoint as at the token endpoint")
}

var foreignToken = &suite.Check{
	ID: "rfc7009-2.1-foreign-token-not-revoked", Spec: suite.RFC7009, Section: "2.1", Level: suite.MustNot,
	Destroys: true,
	Requires: append([]vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode}, vocab.FeatureDCR), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A client cannot revoke a token issued to another client",
	Quote: quoteValidation,
	Keywordless: "RFC 7009 §2.1 states the revocation protocol in the indicative: the server verifies that the token was issued to the requesting client " +
		"and refuses the request when it was not, so it never revokes another client's token",
	Run: runForeignToken,
}

func runForeignToken(ctx context.Context, t *suite.T) error {
	if err := needProbe(t); err != nil {
		return err
	}
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	if err := accessTokenWorks(ctx, t, ts.Client, ts.AccessToken, "before another client tries to revoke it"); err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, ts.Client)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, other, url.Values{"token": {ts.AccessToken}}, "another client revokes the first client's access token")
	if err != nil {
		return err
	}
	active, after, err := probe.AccessTokenActive(ctx, t, ts.Client, ts.AccessToken)
	if err != nil || active {
		return err
	}
	return expect.Fail(after, "the token still valid for its owner", "revoked",
		"a client revoked a token that was issued to another client").
		WithEvidence(res.Exchange).
		WithFix("check that the token was issued to the authenticated client before revoking it")
}

var foreignRefresh = &suite.Check{
	ID: "rfc7009-2.1-foreign-refresh-not-revoked", Spec: suite.RFC7009, Section: "2.1", Level: suite.MustNot,
	Destroys: true,
	Requires: append([]vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode}, vocab.FeatureRefresh, vocab.FeatureDCR), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A client cannot revoke a refresh token issued to another client: the token still works for its owner",
	Quote: quoteValidation,
	Keywordless: "RFC 7009 §2.1 states the revocation protocol in the indicative: the server verifies that the token was issued to the requesting client " +
		"and refuses the request when it was not, so it never revokes another client's token",
	Run: runForeignRefresh,
}

// runForeignRefresh has another client revoke a refresh token that was
// just shown to work, then requires the token to work for its owner. The
// answer to the revocation request is not judged: 200 is lawful (RFC 7009
// §2.2: the client submitted an invalid token), and so is an error.
func runForeignRefresh(ctx context.Context, t *suite.T) error {
	c, rt, base, err := workingRefreshToken(ctx, t)
	if err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, c)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, other, url.Values{"token": {rt}, "token_type_hint": {"refresh_token"}}, "another client revokes the first client's refresh token")
	if err != nil {
		return err
	}
	ref, err := t.Refresh(ctx, c, rt, "the owner uses its refresh token after another client tried to revoke it")
	if err != nil {
		return err
	}
	if _, perr := t.ParseTokens(ref); perr == nil {
		return nil
	}
	return expect.Fail(ref, "new tokens for the owner of the refresh token", expect.Outcome(ref),
		"the refresh token worked for its owner, then another client revoked it").
		WithEvidence(base.Exchange, res.Exchange).
		WithFix("check that the token was issued to the authenticated client before revoking it")
}

var tokenRequired = &suite.Check{
	ID: "rfc7009-2.1-token-required", Spec: suite.RFC7009, Section: "2.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A revocation request without the token parameter is refused with invalid_request",
	Quote: "token REQUIRED. The token that the client wants to get revoked. — The error presentation conforms to the definition in Section 5.2 of [RFC6749]. (§2.2.1) — " +
		"invalid_request The request is missing a required parameter, includes an unsupported parameter value (other than grant type), repeats a parameter, includes multiple credentials, utilizes more than one mechanism for authenticating the client, or is otherwise malformed. (RFC 6749 §5.2)",
	Keywordless: "REQUIRED binds the client's request; the server's side is the error RFC 7009 §2.2.1 takes from RFC 6749 §5.2, " +
		"whose definition names invalid_request for a request missing a required parameter",
	Run: runTokenRequired,
}

func runTokenRequired(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	res, err := revoke(ctx, t, c, url.Values{}, "revocation request without a token")
	if err != nil {
		return err
	}
	// A server whose revocation endpoint is its token endpoint (RFC 8414
	// lets the two URLs be one) cannot tell a revocation request without
	// token from a token request without grant_type: its answer is the
	// token endpoint's, which rfc6749-5.2-missing-grant-type-invalid-request
	// judges.
	md := t.Target.Metadata
	if md.RevocationEndpoint == md.TokenEndpoint && expect.ErrorCode(res) == "unsupported_grant_type" {
		return suite.SkipErr("the revocation endpoint is the token endpoint, which answered the request without token as a token request without grant_type (%s): "+
			"a revocation request is told apart only by its token, so this is the token endpoint's answer, which rfc6749-5.2-missing-grant-type-invalid-request judges", expect.Outcome(res))
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_request"), "answer a revocation request without token with HTTP 400 error=invalid_request (RFC 6749 §5.2)")
}
