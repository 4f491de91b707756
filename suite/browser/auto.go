package browser

import (
	"context"
	"sync"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// Auto tries plain HTTP first and switches to the browser when the target
// answers the authorization request with a page that needs a person. The
// browser is launched on first need only, so runs against servers that
// approve at once pay nothing.
type Auto struct {
	Options Options

	once sync.Once
	b    *Browser
	err  error
}

var _ fixture.Authorizer = (*Auto)(nil)

// Authorize implements fixture.Authorizer.
func (a *Auto) Authorize(ctx context.Context, hc *httpx.Client, authURL, redirectURI string, flow fixture.Flow) (*fixture.AuthzResult, error) {
	res, err := fixture.HTTPAuthorizer{}.Authorize(ctx, hc, authURL, redirectURI, flow)
	if err != nil || res.Callback != nil || !res.Interactive {
		return res, err
	}
	if len(a.Options.Recipe.Login) == 0 && len(a.Options.Recipe.Consent) == 0 && len(a.Options.Recipe.Deny) == 0 {
		return res, nil // no recipe: the fixture reports that a person is needed
	}
	a.once.Do(func() { a.b, a.err = Launch(a.Options) })
	if a.err != nil {
		return res, &fixture.ErrUnavailable{Reason: "the authorization endpoint shows a page and the browser cannot start: " + a.err.Error()}
	}
	return a.b.Authorize(ctx, hc, authURL, redirectURI, flow)
}

// Close stops the browser if it was launched.
func (a *Auto) Close() error {
	if a.b != nil {
		return a.b.Close()
	}
	return nil
}
