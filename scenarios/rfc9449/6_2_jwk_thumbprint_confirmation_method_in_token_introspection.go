package rfc9449

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

func introspectionChecks() []*suite.Check {
	return []*suite.Check{introspectionTokenType}
}

// boundIntrospection is a DPoP-bound access token, its holder and what
// the introspection endpoint says of it.
type boundIntrospection struct {
	h       *holder
	ts      *fixture.TokenSet
	res     *httpx.Result
	members map[string]any
}

// introspectBound gets a DPoP-bound access token of the run's confidential
// client and introspects it with that client: SKIP when the token is not
// bound or the endpoint does not report it active to its own client.
func introspectBound(ctx context.Context, t *suite.T) (*boundIntrospection, error) {
	ep := t.Target.Metadata.IntrospectionEndpoint
	if ep == "" {
		return nil, suite.SkipErr("the metadata advertises no introspection_endpoint")
	}
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	h, ts, err := boundHolder(ctx, t, c, nil)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(ts.TokenType, "DPoP") {
		return nil, suite.SkipErr("the server answered token_type %q to a token request with a DPoP proof: the access token is not DPoP-bound (RFC 9449 §5 lets a server issue bearer tokens)", ts.TokenType)
	}
	res, err := t.PostForm(ctx, ep, c, url.Values{"token": {ts.AccessToken}}, "introspect the DPoP-bound access token with the client it was issued to")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &m) != nil || m["active"] != true {
		return nil, suite.SkipErr("the introspection endpoint did not report the client's own DPoP-bound token active (HTTP %d: %s): the run's client may not introspect, nothing to read", res.Status, res.Snippet())
	}
	return &boundIntrospection{h: h, ts: ts, res: res, members: m}, nil
}

var introspectionTokenType = &suite.Check{
	ID: "rfc9449-6.2-introspection-token-type-dpop", Spec: suite.RFC9449, Section: "6.2", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureIntrospection}, atToken...), Profiles: profiles,
	Title: "Introspection of a DPoP-bound access token gives token_type DPoP, if it gives one",
	Quote: "If the token_type member is included in the introspection response, it MUST contain the value DPoP.",
	Run:   runIntrospectionTokenType,
}

func runIntrospectionTokenType(ctx context.Context, t *suite.T) error {
	in, err := introspectBound(ctx, t)
	if err != nil {
		return err
	}
	v, ok := in.members["token_type"]
	if !ok {
		return nil
	}
	if s, _ := v.(string); !strings.EqualFold(s, "DPoP") {
		return expect.Fail(in.res, `token_type "DPoP", or none`, expect.Describe(v),
			"the introspection response of a DPoP-bound access token gives token_type %s", expect.Describe(v)).
			WithEvidence(in.ts.Result.Exchange).
			WithFix(`answer token_type "DPoP" (and cnf.jkt) in the introspection of a DPoP-bound access token`)
	}
	return nil
}
