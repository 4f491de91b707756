package suite

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/openapi"
	"github.com/authspec/authspec/suite/target"
)

// PrepareOptions tune the preparation of a run.
type PrepareOptions struct {
	// Timeout bounds every request (default httpx.DefaultTimeout).
	Timeout time.Duration
	// MaxBody caps every response body (default httpx.DefaultMaxBody).
	MaxBody int64
	// Authorizer gets through the authorization endpoint (default: plain HTTP).
	Authorizer fixture.Authorizer
	// Secrets are redacted from every recorded exchange.
	Secrets []string
	// RoundTripper replaces the network (tests).
	RoundTripper http.RoundTripper
	// Observers see every exchange.
	Observers []httpx.Observer
	// NoContract turns off checking every response against openapi.yaml.
	NoContract bool
}

// Prepare runs discovery against issuer and builds the shared environment
// of a run. A *target.PreflightError means the run cannot happen.
func Prepare(ctx context.Context, issuer string, cfg *target.Config, opts PrepareOptions) (*Env, error) {
	if cfg == nil {
		cfg = &target.Config{}
	}
	tr := httpx.NewTransport(opts.Timeout, opts.MaxBody)
	roots, err := cfg.RootCAs()
	if err != nil {
		return nil, &target.PreflightError{Msg: err.Error()}
	}
	tr.TrustRoots(roots)
	if opts.RoundTripper != nil {
		tr.WithRoundTripper(opts.RoundTripper)
	}
	for _, s := range opts.Secrets {
		tr.AddSecret(s)
	}
	for _, cc := range []*target.ClientConfig{cfg.Clients.Confidential, cfg.Clients.Public, cfg.Clients.ClientCredentials} {
		if cc != nil {
			tr.AddCredentials(cc.ClientID, cc.ClientSecret)
		}
	}
	tr.AddSecret(cfg.Registration.InitialAccessToken)
	for _, steps := range [][]target.Step{cfg.Browser.Login, cfg.Browser.Consent, cfg.Browser.Deny} {
		for _, s := range steps {
			if s.Fill != "" {
				tr.AddSecret(s.Value) // a password, or what else a person types
			}
		}
	}
	if issuer == "" {
		issuer = cfg.Issuer
	}
	if u, err := url.Parse(issuer); err == nil && u.Host != "" && (u.Scheme == "https" || u.Scheme == "http") {
		// Without a usable issuer, discovery stops the run with the reason.
		p, err := httpx.NewPolicy(issuer, cfg.AllowedOrigins, []string{cfg.Resource, cfg.ScopedResource})
		if err != nil {
			return nil, fmt.Errorf("preflight: %w", &target.PreflightError{Msg: err.Error(),
				Hint: "allowed_origins lists origins (scheme://host[:port]) to which authspec may send credentials besides the issuer's; see docs/security.md"})
		}
		tr.SetPolicy(p)
	}
	for _, o := range opts.Observers {
		tr.AddObserver(o)
	}
	var rec *openapi.Recorder
	if !opts.NoContract {
		c, err := openapi.Load()
		if err != nil {
			return nil, err
		}
		rec = openapi.NewRecorder(c, openapi.NewRoles(nil, ""))
		tr.AddObserver(rec)
	}
	tgt, err := target.Discover(ctx, tr.NewClient(), issuer, cfg)
	if err != nil {
		return nil, fmt.Errorf("preflight: %w", err)
	}
	if rec != nil {
		md := tgt.Metadata
		rec.SetRoles(openapi.NewRoles(map[string]string{
			"authorization_endpoint": md.AuthorizationEndpoint, "token_endpoint": md.TokenEndpoint,
			"revocation_endpoint": md.RevocationEndpoint, "introspection_endpoint": md.IntrospectionEndpoint,
			"registration_endpoint": md.RegistrationEndpoint,
		}, tgt.Resource))
	}
	issued := NewIssued(tgt.Metadata.TokenEndpoint, tgt.Metadata.RegistrationEndpoint)
	tr.AddObserver(issued)
	a := opts.Authorizer
	if a == nil {
		a = fixture.HTTPAuthorizer{}
	}
	env := &Env{Target: tgt, Transport: tr, Fixtures: fixture.NewSet(tgt, tr, a, cfg.RedirectURI), Issued: issued}
	if rec != nil {
		env.Contract = rec
	}
	return env, nil
}
