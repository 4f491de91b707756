package rfc8414

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

func quoted(s string) string { return "\"" + s + "\"" }

// grantProbe is a token request for grant type g with made-up credentials:
// a server that supports g answers invalid_grant, invalid_request or the
// like (or issues a token for client_credentials), never
// unsupported_grant_type.
func grantProbe(g string, c *fixture.Client) url.Values {
	f := url.Values{"grant_type": {g}}
	switch g {
	case "authorization_code":
		f.Set("code", "authspec-not-a-code-"+fixture.RandomState())
		f.Set("redirect_uri", c.RedirectURI)
		f.Set("code_verifier", fixture.NewPKCE().Verifier)
	case "refresh_token":
		f.Set("refresh_token", "authspec-not-a-token-"+fixture.RandomState())
	}
	return f
}

// redactCallback keeps the codes and tokens of a successful response out of
// later messages (response types other than code put tokens in the
// redirect itself).
func redactCallback(t *suite.T, res *fixture.AuthzResult) {
	if res.Callback == nil {
		return
	}
	for _, raw := range []string{res.Callback.RawQuery, res.Callback.Fragment} {
		q, err := url.ParseQuery(raw)
		if err != nil {
			continue
		}
		for _, k := range []string{"code", "access_token", "id_token", "refresh_token"} {
			if v := q.Get(k); v != "" {
				t.Transport.AddSecret(v)
			}
		}
	}
}

// refusal describes how an authorization request ended: the error of the
// redirect to the client (query or fragment), or the error page.
func refusal(res *fixture.AuthzResult) string {
	if res.PushRefused() {
		return "the pushed request refused with error=" + res.PushError()
	}
	if res.Callback != nil {
		for _, raw := range []string{res.Callback.RawQuery, res.Callback.Fragment} {
			if q, err := url.ParseQuery(raw); err == nil && q.Get("error") != "" {
				return "redirected with error=" + q.Get("error")
			}
		}
		return "redirected to the client without an error"
	}
	if res.Last != nil && strings.Contains(string(res.Last.Body), "unsupported_response_type") {
		return "an error page naming unsupported_response_type"
	}
	if res.Interactive {
		return "a page that needs a person"
	}
	return "no redirect to the client"
}

// methodClient registers a client that authenticates with method m, or
// says in the log why there is none (nil).
func methodClient(ctx context.Context, t *suite.T, m string) (*fixture.Client, error) {
	switch m {
	case "client_secret_basic", "client_secret_post", "none":
	default:
		t.Logf("%s: authspec cannot perform this method; not judged", m)
		return nil, nil
	}
	reg, err := regclient.Register(ctx, t, regclient.Metadata(t, m, nil))
	if err != nil {
		return nil, err
	}
	switch {
	case !reg.OK() || reg.Client.ID == "":
		t.Logf("%s: registering a client with this method failed with HTTP %d (the RFC 7591 checks judge registration)", m, reg.Res.Status)
		return nil, nil
	case reg.Client.AuthMethod != m:
		t.Logf("%s: the server registered the client with %s instead; not judged", m, reg.Client.AuthMethod)
		return nil, nil
	}
	return reg.Client, nil
}

// grantedInCodeFlow asks for scope sc in the authorization code flow of the
// run's confidential client: granted, or refused with invalid_scope (res
// shows it). Without the code flow the refusal to client_credentials
// stands (granted false, res nil); an outcome that tells neither is SKIP.
func grantedInCodeFlow(ctx context.Context, t *suite.T, sc string) (bool, *httpx.Result, error) {
	if ok, _ := t.Target.Has(vocab.FeatureAuthCode); !ok {
		return false, nil, nil
	}
	ar, az, err := t.TryAuthorizeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Scope = sc })
	if err != nil {
		return false, nil, err
	}
	code := az.Param("code")
	switch {
	case az.ErrorCode() == "invalid_scope":
		return false, az.LastResponse(), nil
	case code == "":
		return false, nil, suite.SkipErr("scope %s was refused to client_credentials, and the authorization request for it ended without a code (%s), so authspec cannot tell whether the server supports it", sc, refusal(az))
	}
	t.Transport.AddSecret(code)
	res, err := t.Redeem(ctx, ar, code, nil)
	if err != nil {
		return false, nil, err
	}
	if res.Status == http.StatusOK {
		_, _ = t.ParseTokens(res) // redact the tokens
		return true, res, nil
	}
	if expect.ErrorCode(res) == "invalid_scope" {
		return false, res, nil
	}
	return false, nil, suite.SkipErr("scope %s was refused to client_credentials, and redeeming a code issued for it failed with %s, so authspec cannot tell whether the server supports it", sc, regclient.Outcome(res))
}

// pkceFor makes a PKCE pair for method (S256 or plain).
func pkceFor(method string) fixture.PKCE {
	p := fixture.NewPKCE()
	if method == "plain" {
		p.Challenge, p.Method = p.Verifier, "plain"
	}
	return p
}

// outcomeOf is how the endpoint answered a client of one method.
type outcomeOf struct {
	method string
	res    *httpx.Result
}

func errString(err error) string {
	if err == nil {
		return "absent"
	}
	return err.Error()
}

func stringList(l []string) string {
	if l == nil {
		return "absent"
	}
	out := "["
	for i, s := range l {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out + "]"
}
