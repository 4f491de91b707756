package rfc8252

import (
	"context"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// otherLoopbackPort is c's loopback IP redirect URI with another port, or
// SKIP when c's redirect URI is not one.
func otherLoopbackPort(c *fixture.Client) (*url.URL, error) {
	u, err := url.Parse(c.RedirectURI)
	if err != nil || u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") {
		return nil, suite.SkipErr("the client's redirect URI %s is not a loopback IP URI", c.RedirectURI)
	}
	other := *u
	other.Host = u.Hostname() + ":" + otherPort(u.Port())
	if u.Hostname() == "::1" {
		other.Host = "[::1]:" + otherPort(u.Port())
	}
	return &other, nil
}

// authorizeAtOtherPort sends a native app's usual authorization request
// with its loopback redirect URI at another port (otherLoopbackPort),
// changed further by change when not nil, and returns the app, the
// redirect URI sent and what came back.
func authorizeAtOtherPort(ctx context.Context, t *suite.T, change func(u *url.URL)) (*fixture.Client, *url.URL, *fixture.AuthzResult, error) {
	c, err := nativeClient(ctx, t)
	if err != nil {
		return nil, nil, nil, err
	}
	other, err := otherLoopbackPort(c)
	if err != nil {
		return nil, nil, nil, err
	}
	if change != nil {
		change(other)
	}
	ar := t.NewAuthRequest(c)
	ar.RedirectURI = other.String()
	res, err := t.TryAuthorize(ctx, ar)
	return c, other, res, err
}

// needsPerson is the SKIP of a flow that stopped at a page a person must
// get through.
func needsPerson() error {
	return suite.SkipErr("the authorization endpoint shows a page that needs a person; enable the browser (--browser on) with a login and consent recipe (browser: in the config)")
}

func otherPort(p string) string {
	if p == "51789" {
		return "51790"
	}
	return "51789"
}

// nativeClient registers a native app (application_type native, a public
// client with a loopback redirect URI) when the target offers dynamic
// registration, else takes the configured public client.
func nativeClient(ctx context.Context, t *suite.T) (*fixture.Client, error) {
	if ok, _ := t.Target.Has(vocab.FeatureDCR); ok {
		method := "none"
		if !slices.Contains(t.Target.Metadata.AuthMethods(), "none") {
			return nil, suite.SkipErr("the target does not advertise token_endpoint_auth_method none, so no native app (a public client, RFC 8252 §8.4) can be registered")
		}
		md := regclient.Metadata(t, method, map[string]any{"application_type": "native", "client_name": "authspec native app"})
		r, err := regclient.MustRegister(ctx, t, md)
		if err != nil {
			return nil, err
		}
		return r.Client, nil
	}
	if ok, why := t.Target.Has(vocab.FeaturePublicClient); !ok {
		return nil, suite.SkipErr("no native app client: no dynamic registration and %s", why)
	}
	if pc := t.Target.Config.Clients.Public; pc == nil || !pc.Native {
		return nil, suite.SkipErr("no native app client: no dynamic registration, and the configured public client is not declared a native app " +
			"(a browser app's redirect URI is compared exactly); set clients.public.native: true if it is one")
	}
	return t.Public(ctx)
}
