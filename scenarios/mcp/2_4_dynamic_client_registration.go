package mcp

import (
	"context"
	"fmt"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// registrationChecks returns the checks of the MCP authorization
// specification §2.4, Dynamic Client Registration.
func registrationChecks() []*suite.Check {
	return []*suite.Check{publicClientRegistration}
}

var publicClientRegistration = &suite.Check{
	ID: "mcp-2.4-public-client-registration", Spec: suite.MCP, Section: "2.4", Level: suite.Should,
	// 2025-11-25 makes dynamic registration a MAY ("Authorization
	// servers and MCP clients MAY support the OAuth 2.0 Dynamic
	// Client Registration Protocol"): 2025-06-18 only.
	Requires: []vocab.Feature{vocab.FeatureDCR}, Profiles: only0618, Claim: vocab.ProfileMCP0618,
	Title: "Dynamic registration accepts an MCP client: a public client with a loopback redirect URI",
	Quote: "MCP clients and authorization servers SHOULD support the OAuth 2.0 Dynamic Client Registration Protocol RFC7591 to allow MCP clients to obtain OAuth client IDs without user interaction.",
	Run:   runPublicClientRegistration,
}

func runPublicClientRegistration(ctx context.Context, t *suite.T) error {
	if ms := t.Target.Metadata.AuthMethods(); !slices.Contains(ms, "none") {
		return suite.SkipErr("the metadata does not advertise token_endpoint_auth_method none (public clients): MCP clients would have to be confidential")
	}
	// Only the code grant: whether a public client may have refresh tokens
	// is the server's policy, not a question of registration support.
	md := regclient.Metadata(t, "none", map[string]any{"client_name": "authspec MCP client", "grant_types": []string{"authorization_code"}})
	r, err := regclient.Register(ctx, t, md)
	if err != nil {
		return err
	}
	if !r.OK() || r.Client.ID == "" {
		return expect.Fail(r.Res, "HTTP 201 with a client_id", fmt.Sprintf("HTTP %d", r.Res.Status),
			"an MCP client (public, loopback redirect URI, authorization_code) cannot register").
			WithFix("register public clients (token_endpoint_auth_method none) with loopback redirect URIs: MCP clients are native apps")
	}
	return nil
}
