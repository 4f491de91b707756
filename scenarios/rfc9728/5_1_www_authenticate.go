package rfc9728

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// challengeChecks returns the checks of RFC 9728 §5.1, WWW-Authenticate
// Response.
func challengeChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9728-5.1-challenge-resource-metadata", Spec: suite.RFC9728, Section: "5.1", Level: suite.May,
			Requires: needResource, Profiles: []vocab.Profile{vocab.ProfileResource},
			Title: "The resource's 401 challenge points at its metadata with resource_metadata",
			Quote: "The protected resource MAY include the resource_metadata parameter in the WWW-Authenticate response header field.",
			Run:   runChallengeResourceMetadata,
		},
	}
}

func runChallengeResourceMetadata(ctx context.Context, t *suite.T) error {
	c, res, ok, err := unauthenticatedChallenge(ctx, t)
	if err != nil {
		return err
	}
	if !ok {
		return suite.SkipErr("no Bearer challenge to judge (see rfc6750-3-challenge-on-401)")
	}
	got := c.Params["resource_metadata"]
	if got == "" {
		return expect.Fail(res, "resource_metadata=\""+t.Target.ResourceMetadataURL+"\"", "no resource_metadata parameter",
			"clients (MCP clients in particular) cannot discover the authorization server from the 401").
			WithFix("add resource_metadata=\"<metadata URL>\" to the Bearer challenge")
	}
	if got != t.Target.ResourceMetadataURL {
		return expect.Fail(res, t.Target.ResourceMetadataURL, got, "resource_metadata points elsewhere than the well-known URL of the resource")
	}
	return nil
}
