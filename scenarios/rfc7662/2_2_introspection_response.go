package rfc7662

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// quoteInactive is RFC 7662 §2.2's rule for tokens that are not active.
const quoteInactive = "If the introspection call is properly authorized but the token is not active, does not exist on this server, or the protected resource is not allowed to introspect this particular token, then the authorization server MUST return an introspection response with the \"active\" field set to \"false\"."

// responseChecks returns the checks of RFC 7662 §2.2, Introspection
// Response.
func responseChecks() []*suite.Check {
	return []*suite.Check{
		activeToken, unknownTokenInactive, jsonResponse, numericDates, revokedInactive,
		inactiveNoDetails,
	}
}

var activeToken = &suite.Check{
	ID: "rfc7662-2.2-active-token", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A token just issued to the caller is introspected as \"active\": true (a JSON boolean)",
	Quote: "active REQUIRED. Boolean indicator of whether or not the presented token is currently active. The specifics of a token's \"active\" state will vary depending on the implementation of the authorization server and the information it keeps about its tokens, " +
		"but a \"true\" value return for the \"active\" property will generally indicate that a given token has been issued by this authorization server, has not been revoked by the resource owner, and is within its given time window of validity (e.g., after its issuance time and before its expiration time).",
	Keywordless: "REQUIRED makes the member present; what it says is its definition: a token this server issued moments ago, never revoked and within its validity (and accepted by the resource when one is configured) is currently active, " +
		"so an indicator that says false to the client it was issued to is not the one RFC 7662 §2.2 defines",
	Run: runActiveToken,
}

func runActiveToken(ctx context.Context, t *suite.T) error {
	in, err := introspectFresh(ctx, t, "introspect a fresh access token as the client it was issued to")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(in.res)
	if err != nil || active {
		return err
	}
	proof, err := provenValid(ctx, t, in)
	if err != nil {
		return err
	}
	// An observation: RFC 7662 §2.2 makes false the answer to a caller
	// that may not introspect this particular token, a policy (only
	// resource servers, only the token's audience) the suite cannot see.
	return expect.Fail(in.res, `"active": true`, `"active": false`,
		"a token that %s was introspected as inactive by the client it was issued to "+
			"(RFC 7662 §2.2 makes false the answer to a caller the server does not allow to introspect the token: if only resource servers, or the token's audience, may introspect it here, this is that policy)", proof).
		WithFix("report a token that is issued, unexpired and unrevoked as \"active\": true to the client it was issued to").
		AsObservation()
}

// provenValid says why the token of in is currently active: this server
// issued it moments ago and it was never revoked; when a configured
// resource accepts it, that is said too (a resource that refuses it proves
// nothing: the token may be meant for another audience).
func provenValid(ctx context.Context, t *suite.T, in *introspection) (string, error) {
	fresh := "this server issued moments ago and that was never revoked"
	if t.Target.Resource == "" {
		return fresh, nil
	}
	ok, res, err := probe.AccessTokenActive(ctx, t, in.client, in.token)
	var skip *suite.Skipped
	switch {
	case errors.As(err, &skip):
		t.Logf("the resource cannot tell whether the token is valid (%s)", skip.Reason)
	case err != nil:
		return "", err
	case ok:
		return fresh + fmt.Sprintf(" and that the protected resource accepts (HTTP %d)", res.Status), nil
	default:
		t.Logf("the protected resource refuses the token (HTTP %d), which may be meant for another audience", res.Status)
	}
	return fresh, nil
}

var unknownTokenInactive = &suite.Check{
	ID: "rfc7662-2.2-unknown-token-inactive", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A token that does not exist on the server is introspected as \"active\": false",
	Quote: quoteInactive,
	Run:   runUnknownTokenInactive,
}

func runUnknownTokenInactive(ctx context.Context, t *suite.T) error {
	res, err := introspectUnknown(ctx, t)
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(res)
	if err != nil || !active {
		return err
	}
	return expect.Fail(res, `"active": false`, `"active": true`,
		"a made-up token, which does not exist on this server, was introspected as active: resource servers would accept any string").
		WithFix("answer \"active\": false for every token the server did not issue, or that is expired or revoked")
}

var jsonResponse = &suite.Check{
	ID: "rfc7662-2.2-json-response", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "Introspection responses are JSON objects served as application/json",
	Quote:       "The server responds with a JSON object [RFC7159] in \"application/json\" format with the following top-level members.",
	Keywordless: "RFC 7662 §2.2 states the format of the introspection response in the indicative: a response in any other format is not an introspection response a resource server can read",
	Run:         runJSONResponse,
}

func runJSONResponse(ctx context.Context, t *suite.T) error {
	in, err := introspectFresh(ctx, t, "introspect a fresh access token")
	if err != nil {
		return err
	}
	res := in.res
	if err := authorizedCall(res); err != nil {
		return err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if mt != "application/json" {
		return expect.Fail(res, "Content-Type: application/json", "Content-Type: "+res.Header.Get("Content-Type"),
			"the introspection response is not served as JSON").
			WithFix("serve introspection responses with Content-Type: application/json")
	}
	_, err = expect.JSONObject(res, false)
	return err
}

var numericDates = &suite.Check{
	ID: "rfc7662-2.2-numeric-dates", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "exp, iat and nbf, when present, are integer seconds since the epoch",
	Quote:       "exp OPTIONAL. Integer timestamp, measured in the number of seconds since January 1 1970 UTC, indicating when this token will expire, as defined in JWT [RFC7519].",
	Keywordless: "OPTIONAL governs whether exp (likewise iat and nbf) is present; when it is, its definition fixes the representation: an integer number of seconds since the epoch",
	Run:         runNumericDates,
}

func runNumericDates(ctx context.Context, t *suite.T) error {
	in, m, err := activeFresh(ctx, t, "introspect a fresh access token", "the token was introspected as inactive, with no dates to judge")
	if err != nil {
		return err
	}
	res := in.res
	seen := 0
	for _, k := range []string{"exp", "iat", "nbf"} {
		v, ok := m[k]
		if !ok {
			continue
		}
		seen++
		f, isNum := v.(float64)
		if !isNum || f != float64(int64(f)) || f < 0 {
			return expect.Fail(res, k+": integer seconds since 1970-01-01 UTC", fmt.Sprintf("%s: %s", k, expect.Describe(v)),
				"%s is not a NumericDate", k).
				WithFix("give exp, iat and nbf as integer numbers of seconds (RFC 7519 NumericDate)")
		}
	}
	if seen == 0 {
		return suite.SkipErr("the response has none of exp, iat, nbf (all OPTIONAL)")
	}
	return nil
}

var revokedInactive = &suite.Check{
	ID: "rfc7662-2.2-revoked-inactive", Spec: suite.RFC7662, Section: "2.2", Level: suite.Must,
	Destroys: true,
	Requires: append([]vocab.Feature{vocab.FeatureRevocation}, req...), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A revoked token is introspected as \"active\": false",
	Quote: quoteInactive,
	Run:   runRevokedInactive,
}

func runRevokedInactive(ctx context.Context, t *suite.T) error {
	c, token, atResource, err := revocableToken(ctx, t)
	if err != nil {
		return err
	}
	in, err := introspect(ctx, t, c, token, nil, "introspect the token before revoking it")
	if err != nil {
		return err
	}
	if active, _, err := okIntrospection(in); err != nil || !active {
		return suite.SkipErr("the token was not introspected as active before revocation, so the change cannot be observed")
	}
	rev, err := t.PostForm(ctx, t.Target.Metadata.RevocationEndpoint, c, url.Values{"token": {token}}, "revoke the token (RFC 7009)")
	if err != nil {
		return err
	}
	if rev.Status != http.StatusOK {
		return suite.SkipErr("the revocation answered HTTP %d (the RFC 7009 checks judge it)", rev.Status)
	}
	res, err := introspect(ctx, t, c, token, nil, "introspect the token after revoking it")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(res)
	if err != nil || !active {
		return err
	}
	if err := stillValid(ctx, t, token, atResource); err != nil {
		return err
	}
	return expect.Fail(res, `"active": false`, `"active": true`,
		"a revoked token is still introspected as active, although the resource, which accepted it before, now refuses it").
		WithFix("report revoked tokens as inactive").
		WithEvidence(rev.Exchange)
}

// revocableToken is a fresh access token of the confidential client: one
// the resource accepts (atResource) when a resource is configured and
// takes it, else one to introspect only.
func revocableToken(ctx context.Context, t *suite.T) (c *fixture.Client, token string, atResource bool, err error) {
	if t.Target.Resource != "" {
		if ts, err := t.TokensFor(ctx, nil, nil); err == nil && ts.AccessToken != "" {
			res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the protected resource with the fresh access token (baseline)")
			if err != nil {
				return nil, "", false, err
			}
			if res.Status >= 200 && res.Status < 300 {
				return ts.Client, ts.AccessToken, true, nil
			}
		}
	}
	c, token, err = freshToken(ctx, t)
	return c, token, false, err
}

// stillValid is a SKIP when an access token that the revocation endpoint
// answered 200 for may lawfully still be valid: self-contained access
// tokens stay valid until they expire (RFC 7009 §2 makes their revocation
// a SHOULD, judged by rfc7009-2.1-access-token-revoked). Only a resource
// that accepted the token before (atResource) and refuses it now (401 or
// invalid_token, probe.TokenRefused) shows that the server did revoke it.
func stillValid(ctx context.Context, t *suite.T, token string, atResource bool) error {
	if !atResource {
		return suite.SkipErr("the revoked access token is introspected as active, and no resource accepted it before, so it cannot be told whether the server revoked it " +
			"(self-contained access tokens lawfully stay valid until they expire, RFC 7009 §2); configure resource: (a resource accepting the run's tokens) to judge")
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+token, "call the protected resource with the revoked access token")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		return suite.SkipErr("the revoked access token is introspected as active and the resource still accepts it (HTTP %d): the server did not revoke it "+
			"(self-contained access tokens lawfully stay valid until they expire, RFC 7009 §2; rfc7009-2.1-access-token-revoked judges that), and introspection tells the truth", res.Status)
	}
	if !probe.TokenRefused(res) {
		// A 403, 429 or 5xx says nothing of the token.
		return suite.SkipErr("the revoked access token is introspected as active, and the resource answered HTTP %d%s, which neither accepts nor refuses the token: "+
			"whether the server revoked it cannot be told", res.Status, expect.BodyHint(res))
	}
	return nil
}

var inactiveNoDetails = &suite.Check{
	ID: "rfc7662-2.2-inactive-no-details", Spec: suite.RFC7662, Section: "2.2", Level: suite.ShouldNot,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The response for an unknown token says nothing more than \"active\": false",
	Quote: "Note that to avoid disclosing too much of the authorization server's state to a third party, the authorization server SHOULD NOT include any additional information about an inactive token, including why the token is inactive.",
	Run:   runInactiveNoDetails,
}

func runInactiveNoDetails(ctx context.Context, t *suite.T) error {
	res, err := introspectUnknown(ctx, t)
	if err != nil {
		return err
	}
	active, m, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if active {
		return suite.SkipErr("the made-up token was introspected as active (rfc7662-2.2-unknown-token-inactive reports it), so there is no inactive answer to judge")
	}
	if len(m) > 1 {
		return expect.Fail(res, `{"active": false}`, "members: "+expect.Keys(m),
			"the response for an unknown token carries more than active=false").
			WithFix("answer inactive tokens with {\"active\": false} only")
	}
	return nil
}
