// Package tokenreq gives the checks of the token endpoint, in every
// specification, a request that the target accepts from a confidential
// client with a password, to vary and to compare with:
//
//   - a client_credentials request (RFC 6749 §4.4.2) of the run's
//     client_credentials client, when the target offers that grant to it;
//   - else the redemption of a fresh authorization code (§4.1.3) of the
//     confidential client: a server may allow client_credentials to some
//     clients only, and every server with a code flow redeems codes;
//   - else, for checks that only ask whether the client authenticated, a
//     code the server never issued: invalid_grant then means the server
//     authenticated the client and went on to judge the code, and a control
//     with a wrong secret, answered invalid_client, proves that the server
//     authenticates first. (Such a request is never "accepted" in the sense
//     of tokens: Accepted says invalid_grant.)
package tokenreq

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Kind is how a Source makes its requests.
type Kind string

// Kinds of requests.
const (
	ClientCredentials Kind = "client_credentials"
	Code              Kind = "authorization_code"
	MadeUpCode        Kind = "made-up code"
)

// Source makes token requests that the target accepts from Client.
type Source struct {
	Kind Kind
	// Client is the client the requests are made for: checks change its
	// authentication method or secret on a copy.
	Client *fixture.Client
	// Baseline is the response that showed the plain request accepted
	// (client_credentials, made-up code); nil for codes until Confirm.
	Baseline *httpx.Result

	t       *suite.T
	scope   string
	pending *suite.Grant // a code obtained by Find, handed out first
}

// Options say what a check can work with.
type Options struct {
	// MadeUpCode allows the made-up-code probe when neither grant gives a
	// request: for checks that only ask whether the client authenticated.
	MadeUpCode bool
}

// Find returns the run's way to make token requests as a confidential
// client. It is SKIP when the target offers none (the reason names what
// the config would need).
func Find(ctx context.Context, t *suite.T, opts Options) (*Source, error) {
	if t.Target.Metadata.TokenEndpoint == "" {
		return nil, suite.SkipErr("the target has no token_endpoint")
	}
	s, err := clientCredentials(ctx, t)
	if s != nil || err != nil {
		return s, err
	}
	s, err = code(ctx, t)
	if s != nil || !opts.MadeUpCode || !(fixture.IsUnavailable(err) || fixture.IsNeedsPerson(err)) {
		return s, err
	}
	t.Logf("no authorization code to redeem (%v); the check judges a request with a made-up code instead", err)
	return madeUpCode(ctx, t)
}

func clientCredentials(ctx context.Context, t *suite.T) (*Source, error) {
	if ok, _ := t.Target.Has(vocab.FeatureClientCredentials); !ok {
		return nil, nil
	}
	c, err := t.ClientCredentials(ctx)
	if err != nil {
		return nil, err
	}
	if c.Public() || !slices.Contains(c.GrantTypes, "client_credentials") {
		return nil, nil
	}
	s := &Source{Kind: ClientCredentials, Client: c, t: t, scope: strings.Join(t.Target.Config.Scopes, " ")}
	res, err := t.Token(ctx, c, s.ccForm(), "client_credentials token request (the baseline of the check)")
	if err != nil {
		return nil, err
	}
	if res.Status != http.StatusOK && s.scope == "" && expect.ErrorCode(res) == "invalid_scope" && len(t.Target.Metadata.ScopesSupported) > 0 {
		// RFC 6749 §3.3 lets a server refuse a request without scope.
		s.scope = t.Target.Metadata.ScopesSupported[0]
		if res, err = t.Token(ctx, c, s.ccForm(), "client_credentials token request with the first of scopes_supported"); err != nil {
			return nil, err
		}
	}
	if Issued(res) {
		s.Baseline = res
		return s, nil
	}
	t.Logf("the client_credentials request of %s was answered %s; the check uses the authorization code grant instead (configure clients.client_credentials for a client allowed that grant)",
		c.ID, expect.Outcome(res))
	return nil, nil
}

func code(ctx context.Context, t *suite.T) (*Source, error) {
	if ok, why := t.Target.Has(vocab.FeatureAuthCode); !ok {
		return nil, suite.SkipErr("no token request to build on: the client_credentials grant is not available to the client (configure clients.client_credentials) and %s", why)
	}
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Source{Kind: Code, Client: g.Client, t: t, pending: g}, nil
}

func madeUpCode(ctx context.Context, t *suite.T) (*Source, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	s := &Source{Kind: MadeUpCode, Client: c, t: t}
	res, err := t.Token(ctx, c, s.madeUpForm(), "token request with a made-up code: invalid_grant shows that the client authenticated")
	if err != nil {
		return nil, err
	}
	if !s.Accepted(res) {
		return nil, suite.SkipErr("no code could be obtained, and a token request with a made-up code was answered %s; cannot tell whether the client authenticates", expect.Outcome(res))
	}
	wrong := *c
	wrong.Secret = c.Secret + "-authspec-wrong"
	t.Secret(wrong.Secret)
	ctl, err := t.Token(ctx, &wrong, s.madeUpForm(), "control: the same request with a wrong client secret")
	if err != nil {
		return nil, err
	}
	if !Refused(ctl) {
		return nil, suite.SkipErr("no code could be obtained, and a made-up code is answered %s whether or not the client secret is right; cannot tell whether the client authenticates", expect.Outcome(ctl))
	}
	s.Baseline = res
	return s, nil
}

func (s *Source) ccForm() url.Values {
	form := url.Values{"grant_type": {"client_credentials"}}
	if s.scope != "" {
		form.Set("scope", s.scope)
	}
	return form
}

func (s *Source) madeUpForm() url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {"authspec-not-a-code-" + fixture.RandomState()},
		"redirect_uri": {s.Client.RedirectURI}, "code_verifier": {fixture.NewPKCE().Verifier}}
}

// Form returns the body of a fresh request (without client
// authentication): for codes, each call redeems a new code.
func (s *Source) Form(ctx context.Context) (url.Values, error) {
	switch s.Kind {
	case ClientCredentials:
		return s.ccForm(), nil
	case MadeUpCode:
		return s.madeUpForm(), nil
	}
	g := s.pending
	s.pending = nil
	if g == nil {
		var err error
		if g, err = s.t.CodeFor(ctx, s.Client, nil); err != nil {
			return nil, err
		}
	}
	return g.Request.RedeemForm(g.Code), nil
}

// Send sends a fresh request as client c, changed by change when not nil.
func (s *Source) Send(ctx context.Context, c *fixture.Client, change func(form url.Values), note string) (*httpx.Result, error) {
	form, err := s.Form(ctx)
	if err != nil {
		return nil, err
	}
	if change != nil {
		change(form)
	}
	return s.t.Token(ctx, c, form, note+" ("+s.Describe()+")")
}

// Confirm returns a response showing that the plain request, as Client,
// is accepted: the baseline of a check whose variation was refused. It is
// SKIP when the plain request is refused too.
func (s *Source) Confirm(ctx context.Context) (*httpx.Result, error) {
	if s.Baseline != nil {
		return s.Baseline, nil
	}
	res, err := s.Send(ctx, s.Client, nil, "the same request without the variation")
	if err != nil {
		return nil, err
	}
	if !s.Accepted(res) {
		return nil, suite.SkipErr("the plain request is refused too (%s; the RFC 6749 §4.1.3 checks report why), so the refusal of the variation says nothing", expect.Outcome(res))
	}
	s.Baseline = res
	return res, nil
}

// Describe says what the requests are, for notes and messages.
func (s *Source) Describe() string {
	switch s.Kind {
	case ClientCredentials:
		return "a client_credentials request"
	case MadeUpCode:
		return "a request with a made-up code, where invalid_grant shows that the client authenticated"
	}
	return "the redemption of a fresh authorization code"
}

// Accepted reports whether res accepts the request: tokens, or for a
// made-up code error=invalid_grant (the server authenticated the client and
// judged the code, RFC 6749 §5.2).
func (s *Source) Accepted(res *httpx.Result) bool {
	if s.Kind == MadeUpCode {
		return res.Status == http.StatusBadRequest && expect.ErrorCode(res) == "invalid_grant"
	}
	return Issued(res)
}

// Tokens returns a successful token response of a confidential client:
// the client_credentials baseline, or a code redeemed for it.
func Tokens(ctx context.Context, t *suite.T) (*httpx.Result, *Source, error) {
	s, err := Find(ctx, t, Options{})
	if err != nil {
		return nil, nil, err
	}
	res, err := s.Confirm(ctx)
	return res, s, err
}

// Refused reports whether res refuses the client's authentication: HTTP
// 401, or error=invalid_client.
func Refused(res *httpx.Result) bool {
	return res.Status == http.StatusUnauthorized || expect.ErrorCode(res) == "invalid_client"
}

// Issued reports whether res is a successful token response: 200 with a
// JSON object carrying an access_token.
func Issued(res *httpx.Result) bool {
	if res.Status != http.StatusOK {
		return false
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return false
	}
	at, _ := m["access_token"].(string)
	return at != ""
}
