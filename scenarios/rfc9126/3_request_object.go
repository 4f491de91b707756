package rfc9126

import (
	"context"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// requestObjectChecks returns the checks of RFC 9126 §3, The "request"
// Request Parameter.
func requestObjectChecks() []*suite.Check {
	return []*suite.Check{requestObjectSignatureVerified, requestObjectClientIDMatched}
}

// objectClient is a client registered with a key whose signature the
// target takes on Request Objects (the control): SKIP when the metadata
// lists no algorithm authspec signs with for Request Objects, or the
// target refuses a correctly signed object.
func objectClient(ctx context.Context, t *suite.T) (*fixture.Client, *httpx.Result, error) {
	c, err := t.KeyedClient(ctx)
	if err != nil {
		return nil, nil, err
	}
	control, err := pushObject(ctx, t, c, c.Key, c.ID, "control: push a Request Object signed with the client's key")
	if err != nil {
		return nil, nil, err
	}
	if control.Status < 200 || control.Status > 299 {
		return nil, nil, suite.SkipErr("the PAR endpoint refused a Request Object signed with the key the client registered (HTTP %d%s): a refusal of a changed one would prove nothing",
			control.Status, expect.BodyHint(control))
	}
	return c, control, nil
}

// pushObject pushes c's usual authorization request as a Request Object
// signed with key, whose client_id claim is id.
func pushObject(ctx context.Context, t *suite.T, c *fixture.Client, key *fixture.JWTKey, id, note string) (*httpx.Result, error) {
	r, err := t.AuthRequestFor(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	obj, err := key.RequestObject(r, t.Target.Metadata.Issuer, id)
	if err != nil {
		return nil, err
	}
	return t.Fixtures.Push(ctx, t.HTTP, c, url.Values{"client_id": {c.ID}, "request": {obj}}, note)
}

var requestObjectSignatureVerified = &suite.Check{
	ID: "rfc9126-3-request-object-signature-verified", Spec: suite.RFC9126, Section: "3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePAR, vocab.FeatureDCR}, Profiles: profiles,
	Title: "A pushed Request Object signed by a key the client did not register is refused",
	Quote: "The authorization server MUST take the following steps beyond the processing rules defined in Section 2.1: ... Validate the Request Object signature as specified in JAR [RFC9101], Section 6.2.",
	Run:   runRequestObjectSignatureVerified,
}

func runRequestObjectSignatureVerified(ctx context.Context, t *suite.T) error {
	c, control, err := objectClient(ctx, t)
	if err != nil {
		return err
	}
	forger, err := fixture.NewJWTKey(c.Key.Alg)
	if err != nil {
		return err
	}
	forger.KeyID = c.Key.KeyID
	res, err := pushObject(ctx, t, c, forger, c.ID, "push a Request Object signed by another key under the client's key ID")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status <= 299 {
		return expect.Fail(res, "error=invalid_request_object (HTTP 400)", expect.Outcome(res),
			"the PAR endpoint took a Request Object signed by a key the client never registered: whoever can push for the client can make its requests say anything").
			WithEvidence(control.Exchange).
			WithFix("verify the Request Object's signature with the keys the client registered (RFC 9101 §6.2), and refuse it with invalid_request_object when none verifies")
	}
	return nil
}

var requestObjectClientIDMatched = &suite.Check{
	ID: "rfc9126-3-request-object-client-id-matched", Spec: suite.RFC9126, Section: "3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePAR, vocab.FeatureDCR}, Profiles: profiles,
	Title: "A pushed Request Object whose client_id claim names another client than the authenticated one is refused",
	Quote: "The authorization server MUST take the following steps beyond the processing rules defined in Section 2.1: ... If the client has authentication credentials established with the authorization server, " +
		"reject the request if the authenticated client_id does not match the client_id claim in the Request Object.",
	Run: runRequestObjectClientIDMatched,
}

func runRequestObjectClientIDMatched(ctx context.Context, t *suite.T) error {
	c, control, err := objectClient(ctx, t)
	if err != nil {
		return err
	}
	other, err := t.KeyedClient(ctx)
	if err != nil {
		return err
	}
	res, err := pushObject(ctx, t, c, c.Key, other.ID, "push, authenticated as the client, a Request Object whose client_id claim is another client's")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status <= 299 {
		return expect.Fail(res, "error=invalid_request_object (HTTP 400)", expect.Outcome(res),
			"the PAR endpoint took a Request Object whose client_id claim names another client than the one that authenticated").
			WithEvidence(control.Exchange).
			WithFix("compare the client_id claim of the Request Object with the authenticated client and refuse the push when they differ")
	}
	return nil
}
