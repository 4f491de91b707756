package rfc9449

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

func bearerChecks() []*suite.Check {
	return []*suite.Check{{
		ID: "rfc9449-7.2-bound-token-as-bearer-refused", Spec: suite.RFC9449, Section: "7.2", Level: suite.Must,
		Requires: atResource, Profiles: profiles,
		Title: "The resource refuses a DPoP-bound access token sent as a bearer token",
		Quote: "Specifically, such a protected resource MUST reject a DPoP-bound access token received as a bearer token per [RFC6750].",
		Run:   runBoundTokenAsBearer,
	}}
}

func runBoundTokenAsBearer(ctx context.Context, t *suite.T) error {
	_, token, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+token, "call the resource with the DPoP-bound token as a bearer token")
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return expect.Fail(res, "HTTP 401", fmt.Sprintf("HTTP %d", res.Status),
			"the resource accepted a DPoP-bound access token sent with the Bearer scheme and no proof").
			WithFix("refuse a DPoP-bound token (cnf.jkt) sent as a bearer token")
	}
	return nil
}
