package oauth21

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// valueSizeChecks returns the checks of OAuth 2.1 §1.7.1, Value Sizes.
func valueSizeChecks() []*suite.Check {
	return []*suite.Check{longStateEchoed}
}

// longRequestTarget is the length, in octets, of the request target of the
// authorization request the check sends: within the 8000-octet request
// line of RFC 9112 §3 with room for the method, the version, and whatever
// the server's own redirects (to its login page) add.
const longRequestTarget = 7000

var longStateEchoed = &suite.Check{
	ID: "oauth21-1.7.1-long-state-echoed", Spec: suite.OAuth21, Section: "1.7.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A state that makes the authorization request about 7000 octets long comes back whole",
	Quote: "Implementations SHOULD support parameter values long enough that requests remain within the 8000-octet request-line length recommended by Section 3 of [RFC9112].",
	Run:   runLongStateEchoed,
}

// runLongStateEchoed sends the run's usual authorization request with a
// state long enough to bring its request target to longRequestTarget
// octets, and requires the same state back. A server that refuses the
// request, or cuts the state, limits parameter values below what §1.7.1
// asks implementations to carry.
func runLongStateEchoed(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(c)
	ar.State = fixture.RandomState()
	ep, err := url.Parse(t.Target.Metadata.AuthorizationEndpoint)
	if err != nil || ep.Path == "" {
		return suite.SkipErr("no usable authorization_endpoint in the metadata to size the request for")
	}
	pad := longRequestTarget - len(ep.RequestURI()) - 1 - len(ar.PushForm().Encode())
	if pad <= 0 {
		return suite.SkipErr("the usual authorization request is already %d octets long", longRequestTarget-pad)
	}
	ar.State += strings.Repeat("s", pad)
	res, err := t.TryAuthorize(ctx, ar)
	if err != nil {
		return err
	}
	if res.Callback == nil {
		if res.Shown == nil {
			return suite.SkipErr("the request with a long state stopped on a page a person must get through: it did not come back to the client")
		}
		return expect.Fail(res.Last, "a redirect to the client with the state", res.Shown.Describe(),
			"an authorization request of %d octets with a %d-character state was not served", longRequestTarget, len(ar.State)).
			WithFix("accept parameter values that keep the request line within 8000 octets (RFC 9112 §3)")
	}
	q := res.Callback.Query()
	switch got := q.Get("state"); {
	case got == ar.State:
		return nil
	case q.Get("error") != "" && got == "":
		return expect.Fail(res.Last, "the state back, whole", "error="+q.Get("error")+" without state",
			"the request with a %d-character state was refused", len(ar.State)).
			WithFix("accept parameter values that keep the request line within 8000 octets (RFC 9112 §3)")
	default:
		return expect.Fail(res.Last, fmt.Sprintf("the %d-character state back, whole", len(ar.State)), fmt.Sprintf("a state of %d characters", len(got)),
			"the state came back changed: the client cannot match the response to its request").
			WithFix("store and return state as sent, whatever its length within an 8000-octet request line")
	}
}
