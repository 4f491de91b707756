package faultpairs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// TestAudienceWithoutOtherResource: without other_resource, the audience
// checks prove a token is for another audience by introspection (a token
// requested without resource has no aud, one for the resource has it), and
// still catch a resource that does not check the audience.
func TestAudienceWithoutOtherResource(t *testing.T) {
	checks := checksByID(t, "mcp-2.6.2-audience-validated", "rfc8707-2-audience-restricted")
	noOther := func(c *target.Config) { c.OtherResource = "" }
	for _, r := range runChecksConfig(t, server.Config{}, nil, noOther, checks) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
	res := runChecksConfig(t, server.Config{Faults: []server.Fault{server.FaultAudienceUnchecked}}, nil, noOther, checks)
	assert.Equal(t, suite.Fail, res[0].Status, describe(res[0]))
	assert.Contains(t, res[0].Message, "requested without resource")
	// The RFC 8707 SHOULD is about the resource indicated: a token
	// requested without one says nothing of it.
	assert.Equal(t, suite.Pass, res[1].Status, describe(res[1]))
}

// TestAudienceUnread: when the audience of the tokens cannot be read (no
// introspection for the run's client, opaque tokens), the token requested
// for other_resource is foreign only if other_resource shows that tokens
// are bound to their resource; a server whose resources take any of its
// tokens (the audience never checked, or the resource parameter ignored)
// leaves the MCP server's acceptance unjudged.
//
// The authorization server's SHOULD is judged the same way: a foreign
// token the resource refuses shows the two tokens told apart; one it
// accepts, the audience unread, cannot be laid at either party's door.
func TestAudienceUnread(t *testing.T) {
	checks := checksByID(t, "mcp-2.6.2-audience-validated", "rfc8707-2-audience-restricted")
	// The reference server serves nothing at other_resource: no proof.
	res := runChecksWrapped(t, server.Config{Faults: []server.Fault{server.FaultAudienceUnchecked}}, introspectionForResourceServersOnly, checks)
	for _, r := range res {
		assert.Equal(t, suite.Skip, r.Status, describe(r))
		assert.Contains(t, r.Message, "cannot be read")
	}
	res = runChecksWrapped(t, server.Config{}, introspectionForResourceServersOnly, checks)
	for _, r := range res {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}

// TestAudienceDutiesApart: the authorization server's SHOULD (RFC 8707
// §2) and the resource's check of the audience are two duties. A resource
// that accepts a token whose audience leaves it out fails its own check
// only; a server that puts every resource in every audience fails the
// authorization server's, and the resource is right to accept the token.
func TestAudienceDutiesApart(t *testing.T) {
	checks := checksByID(t, "mcp-2.6.2-audience-validated", "rfc8707-2-audience-restricted")
	res := runChecks(t, server.Config{Faults: []server.Fault{server.FaultAudienceUnchecked}}, checks)
	assert.Equal(t, suite.Fail, res[0].Status, describe(res[0]))
	assert.Equal(t, suite.Pass, res[1].Status, describe(res[1]))
	res = runChecks(t, server.Config{Faults: []server.Fault{server.FaultAudienceAllResources}}, checks)
	assert.Equal(t, suite.Skip, res[0].Status, describe(res[0]))
	assert.Equal(t, suite.Warn, res[1].Status, describe(res[1])) // a SHOULD
}
