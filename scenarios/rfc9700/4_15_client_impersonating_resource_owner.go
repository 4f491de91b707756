package rfc9700

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// clientImpersonationChecks returns the checks of RFC 9700 §4.15, Client
// Impersonating Resource Owner.
func clientImpersonationChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9700-4.15-client-id-not-chosen", Spec: suite.RFC9700, Section: "4.15", Level: suite.ShouldNot,
			Requires: []vocab.Feature{vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
			Title: "A client cannot choose its own client_id at registration",
			Quote: "Authorization servers SHOULD NOT allow clients to influence their client_id or any claim that could cause confusion with a genuine resource owner.",
			Run:   runClientIDNotChosen,
		},
	}
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
	if r.OK() && r.Client.ID == chosen {
		return expect.Fail(r.Res, "a client_id chosen by the server", fmt.Sprintf("client_id %q, as the request asked", chosen),
			"a client picked its own identifier: it could take one that looks like a user or another client").
			WithFix("ignore client_id in registration requests and issue a fresh, unguessable identifier")
	}
	return nil
}
