// Package pages drives the target's login and consent pages for the checks
// of every specification that judge them (RFC 6749 §4.1.2, §10.2, §10.12;
// RFC 9700 §4.2.4, §4.12, §4.16): a real browser plays the config's recipe.
package pages

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
)

// Request returns the run's confidential client and a fresh authorization
// request of it that forces the consent page, even where consent is
// remembered, and carries a state with characters that need encoding.
func Request(ctx context.Context, t *suite.T) (*fixture.Client, *fixture.AuthRequest, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, nil, err
	}
	ar := t.NewAuthRequest(c)
	// Force the consent page even where consent is remembered.
	ar.Extra = map[string][]string{"prompt": {"consent"}}
	ar.State = "authspec state/+ =&%" + fixture.RandomState()
	return c, ar, nil
}

// LoginAndConsent is one approval through a fresh login and the consent
// page, made once per run and judged by every check about those pages.
func LoginAndConsent(ctx context.Context, t *suite.T) (*fixture.AuthzResult, error) {
	v, err := t.Shared(ctx, "pages.login-and-consent", func(ctx context.Context, t *suite.T) (any, error) {
		_, ar, err := Request(ctx, t)
		if err != nil {
			return nil, err
		}
		ar.Flow = fixture.FlowLogin
		// The pages are judged whatever the flow ends on.
		return t.TryAuthorize(ctx, ar)
	})
	if err != nil {
		return nil, err
	}
	res, ok := v.(*fixture.AuthzResult)
	if !ok {
		return nil, fmt.Errorf("shared login and consent: unexpected %T", v)
	}
	return res, nil
}

// Shown returns the pages of LoginAndConsent that the target served with
// HTTP 200, the login page among them; it is a SKIP when there were none.
func Shown(ctx context.Context, t *suite.T) ([]fixture.PageVisit, error) {
	res, err := LoginAndConsent(ctx, t)
	if err != nil {
		return nil, err
	}
	var shown []fixture.PageVisit
	for _, p := range res.Pages {
		if p.Status == http.StatusOK {
			shown = append(shown, p)
		}
	}
	if len(shown) == 0 {
		return nil, suite.SkipErr("the browser saw no login or consent page")
	}
	return shown, nil
}

// ErrorRedirect provokes an error response redirected to the client: an
// authorization request with an unknown response_type (RFC 6749 §4.1.2.1
// unsupported_response_type), sent as it is (Plain) even to a server that
// requires pushed authorization requests, whose authorization endpoint
// then refuses it with an error response as well (RFC 9126 §4). A request
// not answered with such a redirect is a SKIP.
func ErrorRedirect(ctx context.Context, t *suite.T) (*fixture.AuthzResult, error) {
	_, res, err := t.TryAuthorizeFor(ctx, nil, func(r *fixture.AuthRequest) {
		r.Extra = url.Values{"response_type": {"authspec_unknown"}}
		r.Plain = true
	})
	if err != nil {
		return nil, err
	}
	if res.Callback == nil || res.Param("error") == "" {
		return nil, suite.SkipErr("the request with an unknown response_type was not answered with an error redirected to the client " +
			"(rfc6749-3.1.1-unsupported-response-type judges that), so there is no error response to judge")
	}
	return res, nil
}
