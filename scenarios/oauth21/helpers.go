package oauth21

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// issIsIssuer requires the response that came back to the client (what
// names it in messages) to carry iss equal to issuer: OAuth 2.1 makes iss a
// parameter of every authorization response, success and error (§4.1.2,
// §4.1.2.1).
func issIsIssuer(res *fixture.AuthzResult, issuer, what string) error {
	q := res.Callback.Query()
	if q.Has("iss") && q.Get("iss") == issuer {
		return nil
	}
	shown := "no iss"
	if q.Has("iss") {
		shown = fmt.Sprintf("iss=%q", q.Get("iss"))
	}
	return expect.Fail(res.Last, "iss="+issuer, shown,
		"%s does not carry the issuer identifier, which OAuth 2.1 requires in every authorization response (mix-up defence)", what).
		WithFix("add iss=<issuer, exactly as in the metadata> to every authorization response, success and error, and advertise authorization_response_iss_parameter_supported: true")
}

// noTokensWithoutPKCE sends client c's usual authorization request without
// code_challenge, changed by adjust when not nil, and redeems the code, if
// one comes back, without code_verifier: tokens are judged by failed (the
// authorization result and the token response). A refusal at either
// endpoint PASSes; a request that ends without a code counts as refused
// only when the same request with PKCE S256 gets one (a login page without
// the browser is not a refusal).
func noTokensWithoutPKCE(ctx context.Context, t *suite.T, c *fixture.Client, adjust func(*fixture.AuthRequest),
	failed func(res *fixture.AuthzResult, tok *httpx.Result) error) error {
	ar, res, err := t.TryAuthorizeFor(ctx, c, func(r *fixture.AuthRequest) {
		if adjust != nil {
			adjust(r)
		}
		r.PKCE = nil
	})
	if err != nil {
		return err
	}
	code := res.Param("code")
	if code == "" {
		if _, err := t.CodeFor(ctx, c, adjust); err != nil {
			return suite.SkipErr("the same request with PKCE S256 gets no code either (%v), so the outcome without PKCE says nothing", err)
		}
		return nil
	}
	tok, err := t.Redeem(ctx, ar, code, nil)
	if err != nil {
		return err
	}
	switch {
	case tok.Status == http.StatusOK:
		return failed(res, tok)
	case expect.ErrorCode(tok) != "":
		return nil
	}
	return suite.SkipErr("the code issued without code_challenge was answered HTTP %d at the token endpoint, with no OAuth error: neither tokens nor a refusal%s", tok.Status, expect.BodyHint(tok))
}
