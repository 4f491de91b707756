package rfc6750

import (
	"context"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// queryParameterChecks returns the checks of RFC 6750 §2.3, URI Query
// Parameter.
func queryParameterChecks() []*suite.Check {
	return []*suite.Check{queryTokenResponsePrivate}
}

var queryTokenResponsePrivate = &suite.Check{
	ID: "rfc6750-2.3-query-token-response-private", Spec: suite.RFC6750, Section: "2.3", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureResource, vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "A resource that serves a token sent in the query marks its answer Cache-Control: private",
	Quote:    "Server success (2XX status) responses to these requests SHOULD contain a Cache-Control header with the \"private\" option.",
	Run:      runQueryTokenResponsePrivate,
}

// runQueryTokenResponsePrivate sends the access token in the access_token
// query parameter. A resource that does not serve the request is not
// concerned (the sentence is about its 2xx answers, and serving query
// tokens is a MAY). A 2xx answer must carry Cache-Control with private, or
// with no-store, which keeps every cache, shared or private, from storing
// the answer to a URI that holds a credential.
func runQueryTokenResponsePrivate(ctx context.Context, t *suite.T) error {
	a, err := probe.QueryToken(ctx, t, "the protected resource")
	if err != nil {
		return err
	}
	if !probe.Accepted(a.Res) {
		return nil // the resource does not serve tokens in the query
	}
	for _, v := range a.Res.Header.Values("Cache-Control") {
		for _, d := range strings.Split(v, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(name, "private") || strings.EqualFold(name, "no-store") {
				return nil
			}
		}
	}
	return expect.Fail(a.Res, "Cache-Control: private (or no-store)", expect.HeaderLine(a.Res, "Cache-Control"),
		"the resource served a request whose URI holds the access token with an answer that caches may store").
		WithFix("answer requests that carry the token in the query with Cache-Control: private (or no-store), or stop accepting tokens in the query")
}
