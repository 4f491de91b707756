package rfc9126

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// clientMetadataChecks returns the checks of RFC 9126 §6, Client Metadata.
func clientMetadataChecks() []*suite.Check {
	return []*suite.Check{clientRequirePARHonoured}
}

var clientRequirePARHonoured = &suite.Check{
	ID: "rfc9126-6-client-require-par-honoured", Spec: suite.RFC9126, Section: "6", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureDCR}, par...), Profiles: profiles,
	Title: "A client registered with require_pushed_authorization_requests true gets no code for a plain authorization request",
	Quote: "require_pushed_authorization_requests : Boolean parameter indicating whether the only means of initiating an authorization request the client is allowed to use is PAR. If omitted, the default value is false.",
	Keywordless: "RFC 9126 §6 defines the member as a statement about the client that the server registered; §4 says that where policy makes PAR the only means for a client, the server \"will refuse, using the invalid_request error code, to process any request to the authorization endpoint that does not have a request_uri parameter with a value obtained from the PAR endpoint\". " +
		"A server that does not register the member (RFC 7591 §3.2.1 lets it replace metadata) is SKIP",
	Run: runClientRequirePARHonoured,
}

// runClientRequirePARHonoured registers a PAR-only client; when the server
// registered the member as true, a pushed request of the client is served
// (the baseline) and a plain one must get no code.
func runClientRequirePARHonoured(ctx context.Context, t *suite.T) error {
	md := regclient.Metadata(t, regclient.SecretMethod(t), map[string]any{"require_pushed_authorization_requests": true})
	reg, err := regclient.MustRegister(ctx, t, md)
	if err != nil {
		return err
	}
	if v, _ := reg.Info["require_pushed_authorization_requests"].(bool); !v {
		return suite.SkipErr("the registration response does not give require_pushed_authorization_requests true: the server did not register the client as PAR-only, which RFC 7591 §3.2.1 allows")
	}
	p, err := push(ctx, t, reg.Client, nil)
	if err != nil {
		return err
	}
	if _, err := authorized(ctx, t, p); err != nil {
		return err
	}
	r, err := t.AuthRequestFor(ctx, reg.Client, func(r *fixture.AuthRequest) { r.Plain = true })
	if err != nil {
		return err
	}
	res, err := t.TryAuthorize(ctx, r)
	if err != nil {
		return err
	}
	return refused(res, "a plain authorization request of a client registered with require_pushed_authorization_requests true",
		"refuse, with invalid_request, every authorization request of a PAR-only client without a request_uri of the PAR endpoint")
}
