package rfc9700

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// clientImpersonationChecks returns the checks of RFC 9700 §4.15, Client
// Impersonating Resource Owner.
func clientImpersonationChecks() []*suite.Check {
	return []*suite.Check{clientIDNotChosen}
}

var clientIDNotChosen = &suite.Check{
	ID: "rfc9700-4.15-client-id-not-chosen", Spec: suite.RFC9700, Section: "4.15", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
	Title: "A client cannot choose its own client_id at registration",
	Quote: "Authorization servers SHOULD NOT allow clients to influence their client_id or any other claim that could cause confusion with a genuine resource owner if a common namespace for client IDs and user identifiers exists, such as in the sub claim example from [RFC9068] shown in Section 4.15 above.",
	Run:   runClientIDNotChosen,
}

func runClientIDNotChosen(ctx context.Context, t *suite.T) error {
	if err := registrationWorks(ctx, t); err != nil {
		return err
	}
	chosen := "authspec-chosen-" + fixture.RandomState()
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_id": chosen}))
	if err != nil {
		return err
	}
	if !r.OK() {
		return refusedAtRegistration(r, "a client_id chosen by the client")
	}
	if r.Client.ID != chosen {
		return nil
	}
	return chosenClientID(ctx, t, r)
}

// chosenClientID judges a registration that kept the client_id the client
// chose. RFC 9700 §4.15.1 discourages it where client IDs and user
// identifiers share a namespace: introspection of a client_credentials
// token whose sub is the client_id shows that they do (the sub of a user's
// token is the user); a sub that is not the client_id shows that they do
// not (PASS); without either, the check SKIPs, naming the condition.
func chosenClientID(ctx context.Context, t *suite.T, r *regclient.Registration) error {
	f := expect.Fail(r.Res, "a client_id chosen by the server", fmt.Sprintf("client_id %q, as the request asked", r.Client.ID),
		"a client picked its own identifier: it could take one that looks like a user or another client").
		WithFix("ignore client_id in registration requests and issue a fresh, unguessable identifier")
	sub, intro, err := clientCredentialsSub(ctx, t, r.Client)
	switch {
	case err != nil:
		// The sentence binds only where client IDs and user identifiers
		// share a namespace: without a way to tell, there is no verdict.
		return suite.SkipErr("the server let the client choose its client_id %q, which RFC 9700 §4.15.1 discourages only where client IDs and user identifiers share a namespace, "+
			"and authspec could not tell whether they do (it compares the sub of an introspected client_credentials token with the client_id): %v", r.Client.ID, err)
	case sub == r.Client.ID:
		f.Message += "; the sub of its client_credentials tokens is its client_id, the namespace of the users' sub (RFC 9700 §4.15)"
		return f.WithEvidence(intro.Exchange)
	}
	t.Logf("the client chose its client_id, but the sub of its client_credentials tokens is %q, not the client_id: client IDs do not share the sub namespace (RFC 9700 §4.15.1 does not apply)", sub)
	return nil
}

// clientCredentialsSub is the sub that introspection reports for a
// client_credentials token of c ("" with an error when it cannot be had).
func clientCredentialsSub(ctx context.Context, t *suite.T, c *fixture.Client) (string, *httpx.Result, error) {
	ep := t.Target.Metadata.IntrospectionEndpoint
	if ep == "" || !slices.Contains(c.GrantTypes, "client_credentials") {
		return "", nil, fmt.Errorf("no introspection endpoint, or the client may not use client_credentials")
	}
	res, err := t.Token(ctx, c, url.Values{"grant_type": {"client_credentials"}}, "client_credentials token of the client, to introspect its sub")
	if err != nil {
		return "", nil, err
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return "", nil, err
	}
	intro, err := t.PostForm(ctx, ep, c, url.Values{"token": {ts.AccessToken}}, "introspect the token for its sub (RFC 7662)")
	if err != nil {
		return "", nil, err
	}
	m, err := expect.JSONObject(intro, false)
	if err != nil {
		return "", nil, err
	}
	sub, _ := m["sub"].(string)
	if sub == "" {
		return "", nil, fmt.Errorf("introspection reports no sub for a client_credentials token")
	}
	return sub, intro, nil
}
