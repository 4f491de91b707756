package rfc9126

import (
	"context"
	"fmt"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/jwtauth"
	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// endpointChecks returns the checks of RFC 9126 §2, Pushed Authorization
// Request Endpoint.
func endpointChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9126-2-endpoint-https", Spec: suite.RFC9126, Section: "2", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeaturePAR}, Profiles: profiles,
			Title: "The PAR endpoint the metadata names is an https URL",
			Quote: "The PAR endpoint URL MUST use the https scheme.",
			Run: func(_ context.Context, t *suite.T) error {
				return metadoc.JudgeHTTPSEndpoint(t, "pushed_authorization_request_endpoint",
					"confidential clients authenticate there and every authorization request's parameters travel to it in the clear",
					"serve the PAR endpoint over TLS and publish its https URL (behind a TLS-terminating proxy, build it from the external scheme)")
			},
		},
		clientAssertionAudiences,
	}
}

var clientAssertionAudiences = &suite.Check{
	ID: "rfc9126-2-client-assertion-audiences", Spec: suite.RFC9126, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePAR, vocab.FeaturePrivateKeyJWT}, Profiles: profiles,
	Title: "The PAR endpoint takes a private_key_jwt client assertion whose aud is the issuer identifier (and the token and PAR endpoint URLs)",
	Quote: "To address that ambiguity, the issuer identifier URL of the authorization server according to [RFC8414] SHOULD be used as the value of the audience. " +
		"In order to facilitate interoperability, the authorization server MUST accept its issuer identifier, token endpoint URL, or pushed authorization request endpoint URL as values that identify it as an intended audience.",
	Keywordless: "draft-ietf-oauth-rfc7523bis, which updates RFC 9126 and which OAuth 2.1 §2.4 says servers MUST follow, has the server reject any aud but its issuer identifier: " +
		"a server refusing the token or PAR endpoint URL follows the update, and that refusal is an observation (WARN); refusing the issuer identifier breaks both",
	Run: runClientAssertionAudiences,
}

// runClientAssertionAudiences pushes an authorization request of a
// private_key_jwt client once per audience value RFC 9126 §2 lists.
func runClientAssertionAudiences(ctx context.Context, t *suite.T) error {
	c, err := t.JWTClient(ctx)
	if err != nil {
		return err
	}
	auds := jwtauth.Audiences(t)
	results := make([]*httpx.Result, len(auds))
	for i, a := range auds {
		ca := c.WithAssertion(a.Value, nil)
		r, err := t.AuthRequestFor(ctx, ca, nil)
		if err != nil {
			return err
		}
		if results[i], err = t.Fixtures.Push(ctx, t.HTTP, ca, r.PushForm(), "push an authorization request authenticated with a client assertion whose aud is "+a.Name); err != nil {
			return err
		}
	}
	pushed := func(res *httpx.Result) bool { return res.Status >= 200 && res.Status <= 299 }
	if !pushed(results[0]) {
		for i := 1; i < len(auds); i++ {
			if pushed(results[i]) {
				return expect.Fail(results[0], "HTTP 201 with a request_uri", fmt.Sprintf("HTTP %d%s", results[0].Status, expect.BodyHint(results[0])),
					"the PAR endpoint refuses a client assertion whose aud is the issuer identifier, and takes one whose aud is %s", auds[i].Name).
					WithEvidence(results[i].Exchange).
					WithFix("accept the issuer identifier as the aud of client assertions (it is the value RFC 9126 §2 and draft-ietf-oauth-rfc7523bis ask clients to use)")
			}
		}
		return suite.SkipErr("the PAR endpoint took no client assertion of the client authspec registered (aud the issuer identifier: HTTP %d%s): nothing shows that the audience is the reason",
			results[0].Status, expect.BodyHint(results[0]))
	}
	var refused []string
	var evidence []httpx.Exchange
	for i := 1; i < len(auds); i++ {
		if !pushed(results[i]) {
			refused = append(refused, fmt.Sprintf("%s (HTTP %d)", auds[i].Name, results[i].Status))
			evidence = append(evidence, results[i].Exchange)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return expect.Fail(results[0], "each accepted", "refused: "+strings.Join(refused, ", "),
		"the PAR endpoint takes a client assertion whose aud is the issuer identifier but refuses %s, which RFC 9126 §2 says to accept; "+
			"draft-ietf-oauth-rfc7523bis, which updates RFC 9126, requires that refusal: an observation", strings.Join(refused, " and ")).
		WithEvidence(evidence...).
		WithFix("accept the token and PAR endpoint URLs as aud too (RFC 9126 §2), or keep the issuer-only rule of draft-ietf-oauth-rfc7523bis and document it").
		AsObservation()
}
