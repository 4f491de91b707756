package rfc6749

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// implicitResponseChecks returns the checks of RFC 6749 §4.2.2, Access
// Token Response (the implicit grant).
func implicitResponseChecks() []*suite.Check {
	return []*suite.Check{implicitTokenResponse}
}

var implicitTokenResponse = &suite.Check{
	ID: "rfc6749-4.2.2-implicit-token-response", Spec: suite.RFC6749, Section: "4.2.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A server that answers response_type=token gives token_type, the exact state, the scope when it differs, and no refresh token",
	Quote: "access_token REQUIRED. The access token issued by the authorization server. token_type REQUIRED. The type of the token issued as described in Section 7.1. Value is case insensitive.",
	Keywordless: "§4.2.2 also requires \"state REQUIRED if the \\\"state\\\" parameter was present in the client authorization request. The exact value received from the client.\", " +
		"\"scope OPTIONAL, if identical to the scope requested by the client; otherwise, REQUIRED.\" and \"The authorization server MUST NOT issue a refresh token.\"; " +
		"a server that does not answer response_type=token with an access token (RFC 9700 §2.1.2 says not to offer it) is not concerned.",
	Run: runImplicitTokenResponse,
}

// runImplicitTokenResponse asks for the implicit grant and judges the
// fragment of the redirect when it carries an access token.
func runImplicitTokenResponse(ctx context.Context, t *suite.T) error {
	c, ar, res, err := t.TryImplicit(ctx)
	if err != nil {
		return err
	}
	frag := implicitFragment(res)
	if frag == nil {
		t.Logf("response_type=token was not answered with an access token: the server does not offer the implicit grant")
		return nil
	}
	for _, k := range []string{"access_token", "refresh_token"} {
		if v := frag.Get(k); v != "" {
			t.Secret(v)
		}
	}
	var wrong []string
	if frag.Get("token_type") == "" {
		wrong = append(wrong, "no token_type")
	}
	if ar.State != "" && frag.Get("state") != ar.State {
		wrong = append(wrong, fmt.Sprintf("state %q for %q", frag.Get("state"), ar.State))
	}
	if frag.Has("refresh_token") {
		wrong = append(wrong, "a refresh_token")
	}
	if frag.Get("scope") == "" {
		granted, _, err := introspectedScope(ctx, t, c, frag.Get("access_token"))
		var skip *suite.Skipped
		switch {
		case errors.As(err, &skip):
			t.Logf("a missing scope is not judged: %s", skip.Reason)
		case err != nil:
			return err
		case !sameScope(strings.Fields(granted), strings.Fields(ar.Scope)):
			wrong = append(wrong, fmt.Sprintf("no scope, though the token's scope is %q and the request's %q", granted, ar.Scope))
		}
	}
	if len(wrong) == 0 {
		return nil
	}
	return expect.Fail(res.LastResponse(), "access_token, token_type, the request's state, scope when it differs, no refresh_token",
		strings.Join(wrong, "; "), "the implicit grant's response is not the one RFC 6749 §4.2.2 defines").
		WithFix("answer response_type=token with access_token, token_type, expires_in, the exact state and the scope granted when it differs, and never a refresh token; better, stop offering the implicit grant (RFC 9700 §2.1.2)")
}

// implicitFragment is the fragment of the redirect to the client when it
// carries an access token: read from the redirect, or from the Location
// of a page (a browser does not see fragments in requests); nil when none
// does.
func implicitFragment(res *fixture.AuthzResult) url.Values {
	if res.Callback != nil {
		if frag, _ := url.ParseQuery(res.Callback.Fragment); frag.Get("access_token") != "" {
			return frag
		}
	}
	for _, p := range res.Pages {
		u, err := url.Parse(p.Header["location"])
		if err != nil {
			continue
		}
		if frag, _ := url.ParseQuery(u.Fragment); frag.Get("access_token") != "" {
			return frag
		}
	}
	return nil
}
