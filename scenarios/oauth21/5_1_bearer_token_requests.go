package oauth21

import (
	"context"
	"fmt"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// bearerRequestChecks returns the checks of OAuth 2.1 §5.1, Bearer Token
// Requests.
func bearerRequestChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "oauth21-5.1-query-token-ignored", Spec: suite.OAuth21, Section: "5.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
			Profiles: []vocab.Profile{vocab.ProfileOAuth21},
			Title:    "The protected resource ignores an access token in the URI query string",
			Quote:    "In particular, clients MUST NOT send the access token in a URI query parameter, and resource servers MUST ignore access tokens in a URI query parameter.",
			Run:      runQueryTokenIgnored,
		},
	}
}

// runQueryTokenIgnored sends the token the resource accepts in the
// Authorization header as the access_token query parameter instead. RFC
// 6750 §2.3 let a resource accept it there (a MAY); OAuth 2.1 removes the
// method, so the request is one without a token, which the resource
// refuses.
func runQueryTokenIgnored(ctx context.Context, t *suite.T) error {
	ts, baseline, err := probe.AcceptedToken(ctx, t)
	if err != nil {
		return err
	}
	none, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	if probe.Accepted(none) {
		return suite.SkipErr("the protected resource serves a request without any token (HTTP %d): a token in the query string that is ignored cannot be told apart (set resource: to a URL that needs a token)", none.Status)
	}
	u, err := url.Parse(t.Target.Resource)
	if err != nil {
		return fmt.Errorf("resource URL: %w", err)
	}
	q := u.Query()
	q.Set("access_token", ts.AccessToken)
	u.RawQuery = q.Encode()
	res, err := probe.Call(ctx, t, u.String(), "", "call the protected resource with the access token in the query string only")
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return expect.Fail(res, fmt.Sprintf("HTTP %d, as without a token", none.Status), fmt.Sprintf("HTTP %d", res.Status),
			"the protected resource accepted an access token from the URI query string, where it leaks into logs, browser history and Referer headers").
			WithFix("read access tokens only from the Authorization header (or, if supported, the form-encoded body); ignore access_token in the query").
			WithEvidence(baseline.Exchange, none.Exchange)
	}
	return nil
}
