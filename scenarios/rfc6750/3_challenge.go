package rfc6750

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// challengeChecks returns the checks of RFC 6750 §3, The WWW-Authenticate
// Response Header Field.
func challengeChecks() []*suite.Check {
	return []*suite.Check{
		challengeOn401, noErrorWithoutCredentials, challengeHasAuthParams,
		attributesNotRepeated, challengeValueCharset, challengeOnRevokedToken,
		challengeOnInsufficientScope,
	}
}

var challengeOn401 = &suite.Check{
	ID: "rfc6750-3-challenge-on-401", Spec: suite.RFC6750, Section: "3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResource}, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "A 401 from the protected resource carries a Bearer WWW-Authenticate challenge",
	Quote: "If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP \"WWW-Authenticate\" response header field.",
	Run:   runChallengeOn401,
}

func runChallengeOn401(ctx context.Context, t *suite.T) error {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return suite.SkipErr("the resource serves a request without any token (HTTP %d): it is not protected there, so there is no refusal to challenge (set resource: to a URL that needs a token)", res.Status)
	}
	// The sentence asks for the header on the refusal, whatever its status;
	// 401 is RFC 6750's usual answer (§3.1), not this sentence's demand.
	if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
		return expect.Fail(res, `WWW-Authenticate: Bearer realm="..."`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the refusal (HTTP %d) of a request without a token has no Bearer challenge", res.Status).
			WithFix(`answer requests without a token with 401 and WWW-Authenticate: Bearer realm="…", resource_metadata="…"`)
	}
	if res.Status != http.StatusUnauthorized {
		t.Logf("the request without a token was refused with HTTP %d and a Bearer challenge; 401 is the usual status (RFC 6750 §3.1, RFC 9110 §15.5.2)", res.Status)
	}
	return nil
}

var noErrorWithoutCredentials = &suite.Check{
	ID: "rfc6750-3-no-error-without-credentials", Spec: suite.RFC6750, Section: "3", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureResource}, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "A challenge to a request without credentials carries no error code",
	Quote: "If the request lacks any authentication information (e.g., the client was unaware that authentication is necessary or attempted using an unsupported authentication method), the resource server SHOULD NOT include an error code or other error information.",
	Run:   runNoErrorWithoutCredentials,
}

func runNoErrorWithoutCredentials(ctx context.Context, t *suite.T) error {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	if !ok {
		return suite.SkipErr("no Bearer challenge to judge (see rfc6750-3-challenge-on-401)")
	}
	if e, has := c.Params["error"]; has {
		return expect.Fail(res, "a challenge without error", "error="+e, "the resource reports an error although the client sent no credentials")
	}
	return nil
}

var challengeHasAuthParams = &suite.Check{
	ID: "rfc6750-3-challenge-has-auth-params", Spec: suite.RFC6750, Section: "3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResource}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Every Bearer challenge carries at least one auth-param (no bare \"WWW-Authenticate: Bearer\")",
	Quote: "All challenges defined by this specification MUST use the auth-scheme value \"Bearer\". This scheme MUST be followed by one or more auth-param values.",
	Run:   runChallengeHasAuthParams,
}

func runChallengeHasAuthParams(ctx context.Context, t *suite.T) error {
	return eachChallenge(ctx, t, func(res *httpx.Result, c probe.Challenge) error {
		if len(c.List) == 0 {
			return expect.Fail(res, `Bearer followed by auth-params, e.g. realm="..."`, expect.HeaderLine(res, "WWW-Authenticate"),
				"the Bearer challenge has no auth-param").
				WithFix(`send at least realm="…" (and resource_metadata="…" for RFC 9728 discovery)`)
		}
		return nil
	})
}

var attributesNotRepeated = &suite.Check{
	ID: "rfc6750-3-attributes-not-repeated", Spec: suite.RFC6750, Section: "3", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureResource}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "realm, scope, error, error_description and error_uri appear at most once in a Bearer challenge",
	Quote: "The \"realm\" attribute MUST NOT appear more than once. ... The \"scope\" attribute MUST NOT appear more than once. ... The \"error\", \"error_description\", and \"error_uri\" attributes MUST NOT appear more than once.",
	Run:   runAttributesNotRepeated,
}

func runAttributesNotRepeated(ctx context.Context, t *suite.T) error {
	return eachChallenge(ctx, t, func(res *httpx.Result, c probe.Challenge) error {
		for _, name := range []string{"realm", "scope", "error", "error_description", "error_uri"} {
			if n := c.Count(name); n > 1 {
				return expect.Fail(res, name+" at most once", fmt.Sprintf("%s %d times: %s", name, n, expect.HeaderLine(res, "WWW-Authenticate")),
					"the Bearer challenge repeats the %s attribute", name).
					WithFix(fmt.Sprintf("send one %s attribute; several scopes go space-separated in one scope=\"a b\"", name))
			}
		}
		return nil
	})
}

var challengeValueCharset = &suite.Check{
	ID: "rfc6750-3-challenge-value-charset", Spec: suite.RFC6750, Section: "3", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureResource}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "error, error_description, scope and error_uri values in a Bearer challenge stay within the allowed ASCII characters",
	Quote: "Values for the \"scope\" attribute (specified in Appendix A.4 of [RFC6749]) MUST NOT include characters outside the set %x21 / %x23-5B / %x5D-7E for representing scope values and %x20 for delimiters between scope values. " +
		"Values for the \"error\" and \"error_description\" attributes (specified in Appendixes A.7 and A.8 of [RFC6749]) MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E. " +
		"Values for the \"error_uri\" attribute (specified in Appendix A.9 of [RFC6749]) MUST conform to the URI-reference syntax and thus MUST NOT include characters outside the set %x21 / %x23-5B / %x5D-7E.",
	Run: runChallengeValueCharset,
}

func runChallengeValueCharset(ctx context.Context, t *suite.T) error {
	return eachChallenge(ctx, t, func(res *httpx.Result, c probe.Challenge) error {
		for _, p := range c.List {
			space := true
			switch p.Name {
			case "error", "error_description", "scope":
			case "error_uri":
				space = false
			default:
				continue
			}
			if i := strings.IndexFunc(p.Value, func(r rune) bool { return !challengeChar(r, space) }); i >= 0 {
				return expect.Fail(res, p.Name+" within %x20-21 / %x23-5B / %x5D-7E",
					fmt.Sprintf("%s=%q contains %q", p.Name, p.Value, []rune(p.Value[i:])[0]),
					"the %s value of the Bearer challenge has a character RFC 6750 §3 forbids", p.Name).
					WithFix("keep challenge values to printable ASCII without '\"' and '\\' (no escaped quotes, no non-ASCII)")
			}
		}
		return nil
	})
}

var challengeOnRevokedToken = &suite.Check{
	ID: "rfc6750-3-challenge-on-revoked-token", Spec: suite.RFC6750, Section: "3", Level: suite.Must,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureRevocation, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A request with a revoked access token is answered with a Bearer WWW-Authenticate challenge",
	Quote:    "If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP \"WWW-Authenticate\" response header field.",
	Run:      runChallengeOnRevokedToken,
}

func runChallengeOnRevokedToken(ctx context.Context, t *suite.T) error {
	res, evidence, err := revokedRefusal(ctx, t, "challenge")
	if err != nil {
		return err
	}
	if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
		return expect.Fail(res, `WWW-Authenticate: Bearer error="invalid_token", ...`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the refusal of a revoked token has no Bearer challenge").
			WithFix(`answer expired and revoked tokens with 401 and WWW-Authenticate: Bearer error="invalid_token"`).
			WithEvidence(evidence...)
	}
	return nil
}

var challengeOnInsufficientScope = &suite.Check{
	ID: "rfc6750-3-challenge-on-insufficient-scope", Spec: suite.RFC6750, Section: "3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A request whose token lacks the needed scope is answered with a Bearer WWW-Authenticate challenge",
	Quote:    "If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP \"WWW-Authenticate\" response header field.",
	Run:      runChallengeOnInsufficientScope,
}

func runChallengeOnInsufficientScope(ctx context.Context, t *suite.T) error {
	res, err := probe.Scoped(ctx, t)
	if err != nil {
		return err
	}
	if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
		return expect.Fail(res, `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the refusal of a token without the needed scope has no Bearer challenge").
			WithFix(`answer with 403 and WWW-Authenticate: Bearer error="insufficient_scope", scope="<needed scope>"`)
	}
	return nil
}

// challengeChar reports whether r may appear in error, error_description and
// scope values (%x20-21 / %x23-5B / %x5D-7E), or in error_uri (no space).
func challengeChar(r rune, space bool) bool {
	return (r == ' ' && space) || r == '!' || (r >= 0x23 && r <= 0x5b) || (r >= 0x5d && r <= 0x7e)
}

// eachChallenge provokes the resource's challenges (no token, an unknown
// token, a malformed header: the shared probes) and runs judge on each
// Bearer challenge.
func eachChallenge(ctx context.Context, t *suite.T, judge func(*httpx.Result, probe.Challenge) error) error {
	seen := 0
	for _, p := range []func(context.Context, *suite.T) (*httpx.Result, error){probe.Unauthenticated, probe.InvalidToken, probe.Malformed} {
		res, err := p(ctx, t)
		if err != nil {
			return err
		}
		c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
		if !ok {
			continue
		}
		seen++
		if err := judge(res, c); err != nil {
			return err
		}
	}
	if seen == 0 {
		return suite.SkipErr("the resource sent no Bearer challenge to judge (see rfc6750-3-challenge-on-401)")
	}
	return nil
}
