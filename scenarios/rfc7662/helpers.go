package rfc7662

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

var req = []vocab.Feature{vocab.FeatureIntrospection, vocab.FeatureConfidential}

// introspectUnknown introspects, as the run's confidential client, a token
// that does not exist on the server.
func introspectUnknown(ctx context.Context, t *suite.T) (*httpx.Result, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	return introspect(ctx, t, c, "authspec-unknown-"+fixture.RandomState(), nil, "introspect a token that does not exist")
}

// introspect posts token to the introspection endpoint as client c (nil:
// no client authentication at all).
func introspect(ctx context.Context, t *suite.T, c *fixture.Client, token string, extra url.Values, note string) (*httpx.Result, error) {
	form := url.Values{"token": {token}}
	for k, v := range extra {
		form[k] = v
	}
	return t.PostForm(ctx, t.Target.Metadata.IntrospectionEndpoint, c, form, note)
}

// freshToken gets an access token of the confidential client: by client
// credentials when the target offers them, else by the code flow.
func freshToken(ctx context.Context, t *suite.T) (*fixture.Client, string, error) {
	c, ts, err := freshTokens(ctx, t)
	if err != nil {
		return nil, "", err
	}
	return c, ts.AccessToken, nil
}

// freshTokens is freshToken with the whole token response.
func freshTokens(ctx context.Context, t *suite.T) (*fixture.Client, *fixture.TokenSet, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, nil, err
	}
	if ok, _ := t.Target.Has(vocab.FeatureClientCredentials); ok && slices.Contains(c.GrantTypes, "client_credentials") {
		res, err := t.Token(ctx, c, url.Values{"grant_type": {"client_credentials"}}, "client credentials token to introspect")
		if err != nil {
			return nil, nil, err
		}
		if ts, err := t.ParseTokens(res); err == nil && ts.AccessToken != "" {
			return c, ts, nil
		}
	}
	ts, err := t.TokensFor(ctx, c, nil)
	if err != nil {
		return nil, nil, err
	}
	return c, ts, nil
}

// introspection is a fresh access token introspected as the client it was
// issued to.
type introspection struct {
	client *fixture.Client
	token  string
	res    *httpx.Result
}

// introspectFresh gets a fresh access token and introspects it.
func introspectFresh(ctx context.Context, t *suite.T, note string) (*introspection, error) {
	c, token, err := freshToken(ctx, t)
	if err != nil {
		return nil, err
	}
	res, err := introspect(ctx, t, c, token, nil, note)
	if err != nil {
		return nil, err
	}
	return &introspection{client: c, token: token, res: res}, nil
}

// activeFresh is introspectFresh requiring a 200 introspection response
// (okIntrospection); the check is SKIP with skip when the token is not
// introspected as active.
func activeFresh(ctx context.Context, t *suite.T, note, skip string) (*introspection, map[string]any, error) {
	in, err := introspectFresh(ctx, t, note)
	if err != nil {
		return nil, nil, err
	}
	active, m, err := okIntrospection(in.res)
	if err != nil {
		return nil, nil, err
	}
	if !active {
		return nil, nil, suite.SkipErr("%s", skip)
	}
	return in, m, nil
}

// activeOf reads "active" from an introspection response: its value and
// whether it is a JSON boolean.
func activeOf(res *httpx.Result) (active, isBool bool, m map[string]any, err error) {
	m, err = expect.JSONObject(res, false)
	if err != nil {
		return false, false, nil, err
	}
	v, present := m["active"]
	if !present {
		return false, false, m, expect.Fail(res, `"active": true or false`, "members: "+expect.Keys(m), "the introspection response has no active member")
	}
	b, ok := v.(bool)
	return b, ok, m, nil
}

// authorizedCall turns a refusal of the caller (401, 403) into SKIP: RFC
// 7662 §2.1 leaves to the server which callers may introspect, and the
// checks of introspection responses need one that may.
func authorizedCall(res *httpx.Result) error {
	if res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden {
		return suite.SkipErr("the introspection endpoint refused the client (%s): it may admit only other callers, such as resource servers (RFC 7662 §2.1 leaves that to the server), so there is no introspection response to judge",
			expect.Outcome(res))
	}
	return nil
}

// okIntrospection requires a 200 JSON introspection response and returns
// its "active" value; a refused caller is SKIP (authorizedCall).
func okIntrospection(res *httpx.Result) (bool, map[string]any, error) {
	if err := authorizedCall(res); err != nil {
		return false, nil, err
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return false, nil, expect.WithFix(err, "answer an authorized introspection request with 200 and the introspection JSON")
	}
	active, isBool, m, err := activeOf(res)
	if err != nil {
		return false, m, err
	}
	if !isBool {
		return false, m, expect.Fail(res, `"active": true (a JSON boolean)`, fmt.Sprintf(`"active": %s`, expect.Describe(m["active"])),
			"active is not a JSON boolean; clients comparing with true treat the token as inactive").
			WithFix(`emit "active": true/false as JSON booleans`)
	}
	return active, m, nil
}
