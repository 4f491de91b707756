package rfc8707

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// resourceChecks returns the checks of RFC 8707 §2, Resource Parameter.
//
// RFC 8707 obliges the server to one thing, audience restriction (SHOULD).
// Which resources it accepts is its choice (§2.2 "at its sole
// discretion"), so an unknown resource accepted is no finding (there is no
// check of it); a value the client must not send (a fragment, a relative
// URI) accepted is an observation.
func resourceChecks() []*suite.Check {
	req := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode}
	cc := []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureClientCredentials}
	// The MUSTs bind the client's value; the server's side is §2.1's
	// lowercase "should reject" (see observation).
	const absolute = "Its value MUST be an absolute URI, as specified by Section 4.3 of [RFC3986]. The URI MUST NOT include a fragment component. ... " +
		"If the authorization server fails to parse the provided value(s) or does not consider the resource(s) acceptable, it should reject the request " +
		"with an error response using the error code invalid_target as the value of the error parameter ..."
	// At the token endpoint, §2.1 (the authorization request) does not
	// apply: §2 offers the error code for both requests.
	const atToken = "Its value MUST be an absolute URI, as specified by Section 4.3 of [RFC3986]. The URI MUST NOT include a fragment component. ... " +
		"The following error code is provided for an authorization server to indicate problems with the requested resource(s) in response to an authorization request " +
		"or access token request. ... invalid_target The requested resource is invalid, missing, unknown, or malformed."
	return []*suite.Check{
		{
			ID: "rfc8707-2-fragment-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An authorization request whose resource has a fragment is refused (an observation)",
			Quote: absolute, Keywordless: observation,
			Run: func(ctx context.Context, t *suite.T) error {
				return badResource(ctx, t, t.Target.Resource+"#fragment", "refuse resource values with a fragment with invalid_target")
			},
		},
		{
			ID: "rfc8707-2-relative-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An authorization request with a relative resource is refused (an observation)",
			Quote: absolute, Keywordless: observation,
			Run: func(ctx context.Context, t *suite.T) error {
				return badResource(ctx, t, "/relative/resource", "refuse resource values that are not absolute URIs with invalid_target")
			},
		},
		{
			ID: "rfc8707-2-token-fragment-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: cc, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A token request whose resource has a fragment is refused, not served with the fragment dropped (an observation)",
			Quote: atToken, Keywordless: observation,
			Run: func(ctx context.Context, t *suite.T) error {
				return tokenBadResource(ctx, t, t.Target.Resource+"#fragment", "refuse resource values with a fragment at the token endpoint too; do not strip it")
			},
		},
		{
			ID: "rfc8707-2-token-relative-invalid-target", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: cc, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "A token request with a relative resource is refused (an observation)",
			Quote: atToken, Keywordless: observation,
			Run: func(ctx context.Context, t *suite.T) error {
				return tokenBadResource(ctx, t, "/relative/resource", "refuse resource values that are not absolute URIs at the token endpoint too")
			},
		},
		{
			ID: "rfc8707-2-audience-restricted", Spec: suite.RFC8707, Section: "2", Level: suite.Should,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An access token requested for another resource is not accepted by the resource",
			Quote: "The authorization server SHOULD audience-restrict issued access tokens to the resource(s) indicated by the resource parameter.",
			Run:   runAudienceRestricted,
		},
		{
			ID: "rfc8707-2-resource-repeatable", Spec: suite.RFC8707, Section: "2", Level: suite.May,
			Requires: req, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "An authorization request with the resource parameter twice is not refused as a repeated parameter (an observation)",
			Quote: "Multiple \"resource\" parameters MAY be used to indicate that the requested token is intended to be used at multiple resources.",
			Run:   runResourceRepeatable,
		},
	}
}

// runAudienceRestricted judges what the sentence's subject, the
// authorization server, issues: the audience of a token requested for a
// resource. With other_resource, a token requested for it must not name
// the run's resource; its audience read (introspection or JWT), or its use
// refused by the run's resource (the resource tells the two tokens apart),
// shows the restriction. A resource that accepts a token whose audience
// leaves it out breaks its own duty (mcp-2.6.2-audience-validated), not
// this one; a token whose audience cannot be read and that the resource
// accepts cannot be told either way. Without other_resource, a token
// requested for the resource whose audience names it is the evidence;
// another value may be the resource's logical name (the audience value is
// the server's choice), so nothing can be told.
func runAudienceRestricted(ctx context.Context, t *suite.T) error {
	if t.Target.Config.OtherResource == "" {
		a, err := probe.TokenAudiences(ctx, t)
		if err != nil {
			return err
		}
		const other = "; give other_resource: (a second resource the server issues tokens for) to judge with a token requested for it"
		switch {
		case len(a.OwnAud) == 0:
			return suite.SkipErr("the audience of a token requested for the resource cannot be read (%s)"+other, describeSrc(a.OwnSrc))
		case !probe.NamesResource(a.OwnAud, t.Target.Resource):
			return suite.SkipErr("a token requested for %s has the %s audience %v, which may be the resource's own name for it"+other,
				t.Target.Resource, a.OwnSrc, a.OwnAud)
		}
		t.Logf("a token requested for %s has the %s audience %v", t.Target.Resource, a.OwnSrc, a.OwnAud)
		return nil
	}
	f, err := probe.ForeignToken(ctx, t)
	if err != nil {
		return err
	}
	accepted := probe.Accepted(f.Answer)
	switch {
	case f.NamesResource:
		return expect.Fail(f.Request, "a token restricted to "+t.Target.Config.OtherResource, f.Proof,
			"the token requested for another resource is also for %s", t.Target.Resource).
			WithFix("set the token's audience (aud) to the resource(s) the client indicated")
	case f.Proven && accepted:
		t.Logf("a token %s is restricted to it; %s accepts it all the same (HTTP %d): the resource's duty, judged by mcp-2.6.2-audience-validated",
			f.Proof, t.Target.Resource, f.Answer.Status)
	case f.Proven:
		t.Logf("a token %s is restricted to it, and %s refuses it (HTTP %d)", f.Proof, t.Target.Resource, f.Answer.Status)
	case accepted:
		return suite.SkipErr("a token %s is accepted by %s (HTTP %d), and its audience cannot be read: the server may not restrict it, or the resource may not check it. "+
			"An introspection endpoint the run's client may use, or JWT access tokens, would tell", f.Proof, t.Target.Resource, f.Answer.Status)
	default:
		t.Logf("a token %s is refused by %s (HTTP %d), which accepts a token requested for it: the two are told apart", f.Proof, t.Target.Resource, f.Answer.Status)
	}
	return nil
}

func describeSrc(src string) string {
	if src == "" {
		return "no introspection endpoint the run's client may use, and not a JWT"
	}
	return "its " + src + " shows no aud"
}

// tokenBadResource sends a client credentials request for the resource v,
// which a client must not send, once the same request for the resource
// itself has shown that it works. A refusal is right; a token is reported
// by lax.
func tokenBadResource(ctx context.Context, t *suite.T, v, fix string) error {
	base, err := clientCredentials(ctx, t, t.Target.Resource)
	if err != nil {
		return err
	}
	if base.Status != http.StatusOK {
		return suite.SkipErr("a client credentials request for the resource itself gets HTTP %d, so a refusal would prove nothing", base.Status)
	}
	res, err := clientCredentials(ctx, t, v)
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return nil
	}
	return lax(ctx, t, res, "an error (invalid_target)", "an access token", fmt.Sprintf("the resource %q at the token endpoint", v), fix)
}

func runResourceRepeatable(ctx context.Context, t *suite.T) error {
	// The only resource known is the configured one: name it twice.
	// Refusing several resources is the server's right (RFC 8707 §3);
	// invalid_request says resource was taken for one of the single-valued
	// parameters of RFC 6749 §3.1.
	if err := baseline(ctx, t); err != nil {
		return err
	}
	res, _, err := authorizeWith(ctx, t, t.Target.Resource, t.Target.Resource)
	if err != nil {
		return err
	}
	if res.Callback == nil && !res.PushRefused() {
		return suite.SkipErr("the authorization request did not come back to the client; the error cannot be read")
	}
	if res.ErrorCode() != "invalid_request" {
		return nil
	}
	ok, why, err := probe.ResourceIndicators(ctx, t)
	if err != nil {
		return err
	}
	if !ok {
		return suite.SkipErr("two resource parameters were refused as a malformed request, and nothing shows that the server implements resource indicators: %s", why)
	}
	return expect.Fail(res.LastResponse(), "a code (or invalid_target)", "error=invalid_request: "+res.ErrorDescription(),
		"two resource parameters were refused as a malformed request").
		WithFix("exempt resource from the RFC 6749 §3.1 rule against repeated parameters: RFC 8707 defines it as repeatable").
		AsObservation()
}
