package suite

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync/atomic"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// The methods below are the run's fixtures (suite/fixture) seen from one
// check: every request they make is recorded by the check's client, so it
// becomes the evidence of the check's result.

// Confidential returns the run's confidential client. It is shared by every
// check and read-only: a check must not revoke its tokens, replay its codes
// or refresh tokens, nor change or delete it. A check marked Destroys gets
// a client of its own instead (OwnConfidential), and so does everything
// that defaults to the confidential client (AuthRequestFor, CodeFor,
// TokensFor with a nil client).
func (t *T) Confidential(ctx context.Context) (*fixture.Client, error) {
	if t.OwnsClients(ctx, t.Check) {
		return t.OwnConfidential(ctx)
	}
	return t.Fixtures.Confidential(ctx, t.HTTP)
}

// ClientCredentials returns the client of the run's client_credentials
// requests: clients.client_credentials of the config, else the
// confidential client (one of its own for a check marked Destroys).
func (t *T) ClientCredentials(ctx context.Context) (*fixture.Client, error) {
	if t.OwnsClients(ctx, t.Check) && t.Target.Config.Clients.ClientCredentials == nil {
		return t.OwnConfidential(ctx)
	}
	return t.Fixtures.ClientCredentials(ctx, t.HTTP)
}

// Public returns the run's public client, shared and read-only as
// Confidential; a check marked Destroys gets one of its own (OwnPublic).
func (t *T) Public(ctx context.Context) (*fixture.Client, error) {
	if t.OwnsClients(ctx, t.Check) {
		return t.OwnPublic(ctx)
	}
	return t.Fixtures.Public(ctx, t.HTTP)
}

// OwnConfidential returns a confidential client for this check alone, to
// spend as it likes: registered for it (RFC 7591) with the authentication
// method of the run's confidential client. Where the target cannot register
// clients, it is the run's confidential client, and the runner runs checks
// marked Destroys while no other check runs. Later calls in the same check
// return the same client.
func (t *T) OwnConfidential(ctx context.Context) (*fixture.Client, error) {
	return t.own(ctx, "confidential", func() (*fixture.Client, error) { return t.Fixtures.Confidential(ctx, t.HTTP) })
}

// OwnPublic is OwnConfidential for the run's public client.
func (t *T) OwnPublic(ctx context.Context) (*fixture.Client, error) {
	return t.own(ctx, "public", func() (*fixture.Client, error) { return t.Fixtures.Public(ctx, t.HTTP) })
}

func (t *T) own(ctx context.Context, kind string, shared func() (*fixture.Client, error)) (*fixture.Client, error) {
	root := t
	for root.parent != nil {
		root = root.parent
	}
	root.ownMu.Lock()
	defer root.ownMu.Unlock()
	if c := root.owned[kind]; c != nil {
		return c, nil
	}
	like, err := shared()
	if err != nil {
		return nil, err
	}
	c, why, err := t.Fixtures.Own(ctx, t.HTTP, like)
	if err != nil {
		return nil, err
	}
	if why != "" {
		t.Logf("the run's %s client is used: %s", kind, why)
	}
	if root.owned == nil {
		root.owned = map[string]*fixture.Client{}
	}
	root.owned[kind] = c
	return c, nil
}

// Register sends an RFC 7591 registration request with metadata md (see
// fixture.Set.Register).
func (t *T) Register(ctx context.Context, md map[string]any) (*fixture.Client, *httpx.Result, error) {
	return t.Fixtures.Register(ctx, t.HTTP, md)
}

// OtherClient registers a client besides c with c's authentication
// method, for checks about what one client may do with another's code or
// token. It is SKIP when the registration does not give a usable client.
func (t *T) OtherClient(ctx context.Context, c *fixture.Client) (*fixture.Client, error) {
	other, res, err := t.Register(ctx, fixture.DefaultMetadata(t.RedirectURI(), c.AuthMethod, t.Target.Metadata.GrantTypes()))
	if err != nil {
		return nil, err
	}
	if other.ID == "" || (!other.Public() && other.Secret == "") {
		return nil, SkipErr("could not register a second client (HTTP %d)", res.Status)
	}
	return other, nil
}

// GrantBeside returns the client with which to hold a second grant beside
// the one c holds: c itself, unless the target keeps one grant per user and
// client (Env.OneGrantPerClient), where c's next authorization would
// revoke the grant it holds; then a client registered besides it
// (OtherClient).
func (t *T) GrantBeside(ctx context.Context, c *fixture.Client) (*fixture.Client, error) {
	if !t.OneGrantPerClient(ctx) {
		return c, nil
	}
	return t.OtherClient(ctx, c)
}

// RedirectURI is the redirect URI of the clients the suite registers.
func (t *T) RedirectURI() string { return t.Fixtures.RedirectURI }

// Secret registers a value the target issued (a code, say) so that no
// report shows it.
func (t *T) Secret(v string) { t.Transport.AddSecret(v) }

// AccessToken registers a value the check presents as an access token (an
// altered copy of one the target issued, say): no report shows it, and it
// may go wherever the run's access tokens may, the resource's origin
// included.
func (t *T) AccessToken(v string) { t.Transport.AddAccessToken(v) }

// MustPush reports whether the authorization requests of c must be
// pushed (RFC 9126): the run's fixtures then push them (see
// fixture.Set.Authorize), and a check that probes the authorization
// endpoint with a plain request says so (fixture.AuthRequest.Plain).
func (t *T) MustPush(c *fixture.Client) bool { return t.Fixtures.MustPush(c) }

// AuthURL is the authorization URL to send for r, for a check that sends
// it by hand: r's URL, or r pushed first where its client must push its
// authorization requests (fixture.Set.SendURL).
func (t *T) AuthURL(ctx context.Context, r *fixture.AuthRequest) (string, error) {
	u, _, err := t.Fixtures.SendURL(ctx, t.HTTP, r)
	return u, err
}

// Authorize sends r through the run's authorizer (plain HTTP or the
// browser) and returns where it ended. An approval, login or denial that
// does not come back to the redirect URI (an error page, another answer)
// returns its result with a *fixture.ErrUnavailable that says how it
// ended, so that a check never reads a Callback that is not there: SKIP,
// unless the check judges that answer (TryAuthorize). A FlowInspect may
// end at the consent page without a callback.
func (t *T) Authorize(ctx context.Context, r *fixture.AuthRequest) (*fixture.AuthzResult, error) {
	res, err := t.Fixtures.Authorize(ctx, t.HTTP, r)
	return res, noCallback(res, err, r.Flow)
}

// noCallback is err, or the ErrUnavailable of a flow that should have come
// back to the redirect URI and did not.
func noCallback(res *fixture.AuthzResult, err error, flow fixture.Flow) error {
	if err != nil || res == nil || res.Callback != nil || flow.Inspects() {
		return err
	}
	how := "no answer to follow"
	switch {
	case res.Shown != nil:
		how = res.Shown.Describe()
	case res.Last != nil:
		how = fmt.Sprintf("HTTP %d", res.Last.Status)
	}
	return &fixture.ErrUnavailable{Reason: "the authorization did not come back to the redirect URI: it ended on " + how}
}

// TryAuthorize is Authorize for checks that judge the answer whatever it
// is: an authorization that did not come back with a code is a result, not
// an error (the error is only a failure of the suite or a refused request).
// An error page shown to the person is such a result (Shown, with the
// page's status and, in the browser, its screenshot as evidence). A page
// that a person must get through when the run cannot (no recipe) is the
// error *fixture.NeedsPerson, which ends the check as SKIP. The result is
// never nil, and a code in it is registered as a secret.
func (t *T) TryAuthorize(ctx context.Context, r *fixture.AuthRequest) (*fixture.AuthzResult, error) {
	res, err := t.Authorize(ctx, r)
	if err != nil && !fixture.IsUnavailable(err) {
		return nil, err
	}
	if res == nil {
		res = &fixture.AuthzResult{}
	}
	if code := res.Param("code"); code != "" {
		t.Secret(code)
	}
	return res, nil
}

// TryAuthorizeFor sends the run's usual authorization request of client c
// (nil: the run's confidential client), changed by adjust when not nil
// (AuthRequestFor), and returns the request with whatever came back
// (TryAuthorize).
func (t *T) TryAuthorizeFor(ctx context.Context, c *fixture.Client, adjust func(r *fixture.AuthRequest)) (*fixture.AuthRequest, *fixture.AuthzResult, error) {
	ar, err := t.AuthRequestFor(ctx, c, adjust)
	if err != nil {
		return nil, nil, err
	}
	res, err := t.TryAuthorize(ctx, ar)
	return ar, res, err
}

// AuthorizedBack sends r (nil: the usual request of the run's
// confidential client) through Authorize and returns the result when the
// authorization came back to the client's redirect URI; otherwise the check
// SKIPs, as there is no authorization response to judge.
func (t *T) AuthorizedBack(ctx context.Context, r *fixture.AuthRequest) (*fixture.AuthzResult, error) {
	if r == nil {
		var err error
		if r, err = t.AuthRequestFor(ctx, nil, nil); err != nil {
			return nil, err
		}
	}
	res, err := t.Authorize(ctx, r)
	if err != nil {
		return nil, err
	}
	if res.Callback == nil {
		return nil, SkipErr("the authorization did not come back to the client")
	}
	return res, nil
}

// JWTClient is a private_key_jwt client: the configured clients.jwt, else
// one the check registers with a key of its own (see fixture.Set.JWT).
func (t *T) JWTClient(ctx context.Context) (*fixture.Client, error) {
	return t.Fixtures.JWT(ctx, t.HTTP)
}

// KeyedClient registers a client of the check's own with a key of its own
// in jwks, which signs Request Objects: a private_key_jwt client where the
// target offers that method, else one with a client secret (see
// fixture.Set.RegisterWithKey). Its algorithm is one that
// request_object_signing_alg_values_supported lists (and, for
// private_key_jwt, the token endpoint's list too).
func (t *T) KeyedClient(ctx context.Context) (*fixture.Client, error) {
	const objects = "request_object_signing_alg_values_supported"
	if ok, _ := t.Target.Has(vocab.FeatureDCR); ok && slices.Contains(t.Target.Metadata.AuthMethods(), "private_key_jwt") {
		if alg := t.Fixtures.AlgIn(objects, "token_endpoint_auth_signing_alg_values_supported"); alg != "" {
			return t.Fixtures.RegisterWithKey(ctx, t.HTTP, "private_key_jwt", alg)
		}
	}
	alg := t.Fixtures.AlgIn(objects)
	if alg == "" {
		return nil, SkipErr("%s lists none of ES256, RS256, PS256 and EdDSA, the algorithms authspec signs Request Objects with", objects)
	}
	return t.Fixtures.RegisterWithKey(ctx, t.HTTP, t.Target.Metadata.SecretMethod(), alg)
}

// TryImplicit sends an authorization request of the run's confidential
// client with response_type=token (the implicit grant) through
// TryAuthorize.
func (t *T) TryImplicit(ctx context.Context) (*fixture.Client, *fixture.AuthRequest, *fixture.AuthzResult, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ar := t.NewAuthRequest(c)
	ar.Extra = url.Values{"response_type": {"token"}}
	res, err := t.TryAuthorize(ctx, ar)
	return c, ar, res, err
}

// AuthorizeURL is Authorize for an authorization URL built by hand.
func (t *T) AuthorizeURL(ctx context.Context, authURL, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	res, err := t.Fixtures.AuthorizeURL(ctx, t.HTTP, authURL, redirectURI, flow)
	return res, noCallback(res, err, flow)
}

// AuthorizeEach is AuthorizeURL for a flow whose URL serves once (see
// fixture.Set.AuthorizeEach).
func (t *T) AuthorizeEach(ctx context.Context, urls fixture.URLs, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	res, err := t.Fixtures.AuthorizeEach(ctx, t.HTTP, urls, redirectURI, flow)
	return res, noCallback(res, err, flow)
}

// Code runs an approved authorization of r and returns the code.
func (t *T) Code(ctx context.Context, r *fixture.AuthRequest) (string, *fixture.AuthzResult, error) {
	return t.Fixtures.Code(ctx, t.HTTP, r)
}

// Redeem redeems code, issued for r, as r's client; change, when not nil,
// changes the token request first (fixture.AuthRequest.RedeemForm).
func (t *T) Redeem(ctx context.Context, r *fixture.AuthRequest, code string, change func(form url.Values)) (*httpx.Result, error) {
	return t.Fixtures.Redeem(ctx, t.HTTP, r, code, change)
}

// Tokens runs an approved authorization of r, redeems the code and returns
// the tokens.
func (t *T) Tokens(ctx context.Context, r *fixture.AuthRequest) (*fixture.TokenSet, error) {
	return t.Fixtures.Tokens(ctx, t.HTTP, r)
}

// TokensFor runs an approved authorization of client c (nil: the run's
// confidential client) with the run's usual request, changed by adjust
// when not nil, redeems the code and returns the tokens; ts.Client is c.
func (t *T) TokensFor(ctx context.Context, c *fixture.Client, adjust func(r *fixture.AuthRequest)) (*fixture.TokenSet, error) {
	r, err := t.AuthRequestFor(ctx, c, adjust)
	if err != nil {
		return nil, err
	}
	return t.Tokens(ctx, r)
}

// RefreshableTokens is TokensFor, SKIP when the target issues no refresh
// token.
func (t *T) RefreshableTokens(ctx context.Context, c *fixture.Client, adjust func(r *fixture.AuthRequest)) (*fixture.TokenSet, error) {
	ts, err := t.TokensFor(ctx, c, adjust)
	if err != nil {
		return nil, err
	}
	if ts.RefreshToken == "" {
		return nil, SkipErr("the token response carries no refresh_token")
	}
	return ts, nil
}

// Refresh sends a refresh token request (RFC 6749 §6) as client c.
func (t *T) Refresh(ctx context.Context, c *fixture.Client, refreshToken, note string) (*httpx.Result, error) {
	return t.Fixtures.Refresh(ctx, t.HTTP, c, refreshToken, note)
}

// Token posts a token request with c's authentication.
func (t *T) Token(ctx context.Context, c *fixture.Client, form url.Values, note string) (*httpx.Result, error) {
	return t.Fixtures.Token(ctx, t.HTTP, c, form, note)
}

// PostForm posts form to endpoint with c's authentication (c nil: none).
func (t *T) PostForm(ctx context.Context, endpoint string, c *fixture.Client, form url.Values, note string) (*httpx.Result, error) {
	return t.Fixtures.PostForm(ctx, t.HTTP, endpoint, c, form, note)
}

// ParseTokens parses a successful token response and registers its tokens
// for redaction.
func (t *T) ParseTokens(res *httpx.Result) (*fixture.TokenSet, error) {
	return t.Fixtures.ParseTokens(res)
}

// Shared computes a value once per run for every check that asks for key
// (see fixture.Set.Shared). fn runs with a T of its own, whose requests
// every asking check's result shows; what fn logs goes to the check that
// computed the value.
func (t *T) Shared(ctx context.Context, key string, fn func(ctx context.Context, t *T) (any, error)) (any, error) {
	return t.Fixtures.Shared(ctx, t.HTTP, key, func(ctx context.Context, hc *httpx.Client) (any, error) {
		return fn(ctx, &T{Env: t.Env, Check: t.Check, HTTP: hc, parent: t})
	})
}

// Grant is an authorization code the target issued, with the request it
// answers, ready to be redeemed.
type Grant struct {
	// Request is the authorization request; Client its client.
	Request *fixture.AuthRequest
	Client  *fixture.Client
	Code    string
	// Authz is how the authorization went (the redirect with the code).
	Authz *fixture.AuthzResult
	t     *T
	// redemptions counts the token requests sent with Code, so that a
	// second one is told apart from the first in messages and reports.
	redemptions atomic.Int32
}

// AuthRequestFor is the run's usual authorization request
// (T.NewAuthRequest) of client c (nil: the run's confidential client),
// changed by adjust when not nil.
func (t *T) AuthRequestFor(ctx context.Context, c *fixture.Client, adjust func(r *fixture.AuthRequest)) (*fixture.AuthRequest, error) {
	if c == nil {
		var err error
		if c, err = t.Confidential(ctx); err != nil {
			return nil, err
		}
	}
	r := t.NewAuthRequest(c)
	if adjust != nil {
		adjust(r)
	}
	return r, nil
}

// CodeFor runs an approved authorization of client c (nil: the run's
// confidential client) with the run's usual request (T.NewAuthRequest),
// changed by adjust when not nil, and returns the code. It is the opening
// of every check about redeeming a code. When the authorization fails, the
// Grant returned with the error, if any, still tells how it went (Request
// and Authz).
func (t *T) CodeFor(ctx context.Context, c *fixture.Client, adjust func(r *fixture.AuthRequest)) (*Grant, error) {
	r, err := t.AuthRequestFor(ctx, c, adjust)
	if err != nil {
		return nil, err
	}
	code, az, err := t.Code(ctx, r)
	return &Grant{Request: r, Client: r.Client, Code: code, Authz: az, t: t}, err
}

// RedeemNew gets a new code for client c (nil: the run's confidential
// client) with the run's usual request (CodeFor) and redeems it with the
// token request changed by change (nil: as it is): the opening of a check
// that judges one token request. The Grant is returned for a second
// redemption or as evidence.
func (t *T) RedeemNew(ctx context.Context, c *fixture.Client, change func(form url.Values)) (*Grant, *httpx.Result, error) {
	g, err := t.CodeFor(ctx, c, nil)
	if err != nil {
		return g, nil, err
	}
	res, err := g.Redeem(ctx, change)
	return g, res, err
}

// Redeem redeems the code as the request's client; change, when not nil,
// changes the token request first.
func (g *Grant) Redeem(ctx context.Context, change func(form url.Values)) (*httpx.Result, error) {
	return g.redeem(ctx, g.Request, change)
}

// RedeemAs redeems the code as client c instead, with the same request.
func (g *Grant) RedeemAs(ctx context.Context, c *fixture.Client, change func(form url.Values)) (*httpx.Result, error) {
	r := *g.Request
	r.Client = c
	return g.redeem(ctx, &r, change)
}

// redeem sends the token request of r with the grant's code; from the
// second time on, its note says the code was sent before.
func (g *Grant) redeem(ctx context.Context, r *fixture.AuthRequest, change func(form url.Values)) (*httpx.Result, error) {
	note := "redeem the authorization code"
	if n := g.redemptions.Add(1); n > 1 {
		note = fmt.Sprintf("redeem the same authorization code again (attempt %d)", n)
	}
	return g.t.Fixtures.RedeemNoted(ctx, g.t.HTTP, r, g.Code, change, note)
}

// Push sends the pushed authorization request (RFC 9126 §2.1) of r with the
// authentication of r's client, its form changed by change when not nil,
// and returns the response as it came.
func (t *T) Push(ctx context.Context, r *fixture.AuthRequest, change func(form url.Values)) (*httpx.Result, error) {
	form := r.PushForm()
	if change != nil {
		change(form)
	}
	return t.Fixtures.Push(ctx, t.HTTP, r.Client, form, "push the authorization request")
}

// PushFor pushes r as Push does and returns the authorization request to
// send in its place, client_id and the request_uri the target issued (see
// fixture.Set.PushRequest): a push the target refuses is an
// *fixture.ErrUnavailable, its answer returned with it.
func (t *T) PushFor(ctx context.Context, r *fixture.AuthRequest, change func(form url.Values)) (*fixture.AuthRequest, *httpx.Result, error) {
	return t.Fixtures.PushRequest(ctx, t.HTTP, r, change)
}
