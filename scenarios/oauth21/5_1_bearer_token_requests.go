package oauth21

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// bearerRequestChecks returns the checks of OAuth 2.1 §5.1, Bearer Token
// Requests.
func bearerRequestChecks() []*suite.Check {
	return []*suite.Check{queryTokenIgnored}
}

var queryTokenIgnored = &suite.Check{
	ID: "oauth21-5.1-query-token-ignored", Spec: suite.OAuth21, Section: "5.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	// RFC 6750 §2.3 lets a resource server support the URI query
	// parameter method: only a server that claims OAuth 2.1 must
	// ignore it (an MCP server must too: mcp-2.6.1-query-token-refused).
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "The protected resource ignores an access token in the URI query string",
	Quote: "In particular, clients MUST NOT send the access token in a URI query parameter, and resource servers MUST ignore access tokens in a URI query parameter.",
	Run:   runQueryTokenIgnored,
}

// runQueryTokenIgnored sends the token the resource accepts in the
// Authorization header as the access_token query parameter instead. RFC
// 6750 §2.3 let a resource accept it there (a MAY); OAuth 2.1 removes the
// method, so the request is one without a token, which the resource
// refuses.
func runQueryTokenIgnored(ctx context.Context, t *suite.T) error {
	a, err := probe.QueryToken(ctx, t, "the protected resource")
	if err != nil {
		return err
	}
	if probe.Accepted(a.Res) {
		return expect.Fail(a.Res, fmt.Sprintf("HTTP %d, as without a token", a.None.Status), fmt.Sprintf("HTTP %d", a.Res.Status),
			"the protected resource accepted an access token from the URI query string, where it leaks into logs, browser history and Referer headers").
			WithFix("read access tokens only from the Authorization header (or, if supported, the form-encoded body); ignore access_token in the query").
			WithEvidence(a.Baseline.Exchange, a.None.Exchange)
	}
	return nil
}
