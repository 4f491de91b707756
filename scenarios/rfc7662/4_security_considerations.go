package rfc7662

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// securityChecks returns the checks of RFC 7662 §4, Security
// Considerations.
func securityChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc7662-4-callers-authorized", Spec: suite.RFC7662, Section: "4", Level: suite.Should,
			Requires: append([]vocab.Feature{vocab.FeatureDCR}, req...), Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "A client just registered, which nobody authorized to introspect, learns nothing of another client's token",
			Quote: "To prevent this, the authorization server ... SHOULD require protected resources to be specifically authorized to call the introspection endpoint.",
			Run:   runCallersAuthorized,
		},
	}
}

// runCallersAuthorized introspects the confidential client's fresh token as
// that client (the baseline: active), then as a client registered a moment
// ago: authenticated, but authorized for nothing.
func runCallersAuthorized(ctx context.Context, t *suite.T) error {
	in, _, err := activeFresh(ctx, t, "introspect a fresh access token as the client it was issued to",
		"the access token is not introspected as active even by its own client, so what another caller learns says nothing")
	if err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, in.client)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, other, in.token, nil, "introspect the token as a client registered a moment ago")
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		t.Logf("the newly registered client was refused (%s)", expect.Outcome(res))
		return nil
	}
	active, _, m, err := activeOf(res)
	if err != nil || !active {
		t.Logf("the newly registered client was told only that the token is inactive")
		return nil
	}
	return expect.Fail(res, `a refusal, or {"active": false}`, "active: true, members: "+expect.Keys(m),
		"any client that registers itself can introspect other clients' tokens: a token scanner needs only a registration").
		WithFix("admit to the introspection endpoint only the protected resources (and clients) authorized for it, or answer others active=false for tokens not issued to them").
		WithEvidence(in.res.Exchange)
}
