package mcp

import (
	"context"
	"fmt"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// prmDiscoveryChecks returns the checks of the MCP authorization
// specification (2025-11-25), Protected Resource Metadata Discovery.
func prmDiscoveryChecks() []*suite.Check {
	return []*suite.Check{challengeScope}
}

var challengeScope = &suite.Check{
	ID: "mcp-2025-11-25-challenge-scope", Spec: suite.MCP, Section: "Protected Resource Metadata Discovery", Level: suite.Should,
	Requires: mcpServer, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The 401 challenge tells the client which scope to request",
	Quote: "MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3 to indicate the scopes required for accessing the resource.",
	Run:   onMCPServer(runChallengeScope),
}

func runChallengeScope(ctx context.Context, t *suite.T) error {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	if !ok {
		return suite.SkipErr("no Bearer challenge to judge (mcp-2.3.1-post-challenge reports it)")
	}
	if c.Params["scope"] != "" {
		return nil
	}
	need, why, err := scopeNeed(ctx, t)
	if err != nil {
		return err
	}
	switch need {
	case scopeNone:
		// The scopes required are none: RFC 6750's scope attribute
		// cannot be empty, so there is nothing to indicate.
		t.Logf("the resource accepts a token granted no scope: it requires none, so a challenge without scope names all it needs")
		return nil
	case scopeUnknown:
		return suite.SkipErr("the challenge names no scope, and whether the resource requires any is not known: %s", why)
	}
	return expect.Fail(res, `WWW-Authenticate: Bearer …, scope="…"`, expect.HeaderLine(res, "WWW-Authenticate"),
		"the challenge does not say which scope to request, and the resource requires one: %s", why).
		WithFix("add scope=\"<scopes the resource needs>\" to the Bearer challenge")
}

// What the resource requires of a token's scope.
const (
	scopeUnknown = iota
	scopeNone
	scopeSome
)

// scopeNeed tells whether the resource requires a scope: it accepts an
// access token granted none (requested without scope, and issued with no
// scope member, which RFC 6749 §5.1 requires when the server grants a
// default scope, or an empty one), or it refuses that token while it
// accepts one granted the run's scopes. Anything else (no such token to
// be had, a default scope granted) tells nothing.
func scopeNeed(ctx context.Context, t *suite.T) (int, string, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return scopeUnknown, err.Error(), nil
	}
	ts, err := t.TokensFor(ctx, c, func(r *fixture.AuthRequest) { r.Scope = "" })
	if err != nil {
		return scopeUnknown, "a token requested without scope: " + err.Error(), nil
	}
	if sc := strings.TrimSpace(ts.Scope); sc != "" {
		// A default scope: the resource's own metadata says whether it
		// is requested with scopes.
		doc, _, err := prm(ctx, t)
		if err != nil {
			return scopeUnknown, "", err
		}
		if listed, _ := doc["scopes_supported"].([]any); len(listed) > 0 {
			return scopeSome, fmt.Sprintf("its protected resource metadata lists scopes_supported %v, the scopes clients request it with (a token requested without scope was granted the default %q)", listed, sc), nil
		}
		return scopeUnknown, fmt.Sprintf("a token requested without scope was granted %q, and the protected resource metadata lists no scopes_supported", sc), nil
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the resource with a token granted no scope")
	if err != nil {
		return scopeUnknown, "", err
	}
	if probe.Accepted(res) {
		return scopeNone, "", nil
	}
	_, with, err := probe.AcceptedToken(ctx, t)
	if err != nil {
		return scopeUnknown, "", err
	}
	if !probe.Accepted(with) {
		return scopeUnknown, fmt.Sprintf("the resource refuses a token granted no scope (HTTP %d), and one granted the run's scopes too (HTTP %d)", res.Status, with.Status), nil
	}
	return scopeSome, fmt.Sprintf("it refuses a token granted no scope (HTTP %d) and accepts one granted the run's scopes", res.Status), nil
}
