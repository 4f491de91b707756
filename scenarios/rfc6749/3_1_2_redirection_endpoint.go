package rfc6749

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// redirectionEndpointChecks returns the checks of RFC 6749 §3.1.2,
// Redirection Endpoint.
func redirectionEndpointChecks() []*suite.Check {
	return []*suite.Check{redirectQueryRetained}
}

var redirectQueryRetained = &suite.Check{
	ID: "rfc6749-3.1.2-redirect-query-retained", Spec: suite.RFC6749, Section: "3.1.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The query component of a registered redirect URI is kept when the code and state are added",
	Quote: "The endpoint URI MAY include an \"application/x-www-form-urlencoded\" formatted (per Appendix B) query component ([RFC3986] Section 3.4), which MUST be retained when adding additional query parameters.",
	Run:   runRedirectQueryRetained,
}

func runRedirectQueryRetained(ctx context.Context, t *suite.T) error {
	withQuery := t.RedirectURI() + "?tenant=authspec&lang=en"
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"redirect_uris": []string{withQuery}}))
	if err != nil {
		return err
	}
	if !r.OK() || r.Client.ID == "" {
		return suite.SkipErr("the server does not register a redirect URI with a query component (HTTP %d); nothing to check", r.Res.Status)
	}
	ar := t.NewAuthRequest(r.Client)
	ar.RedirectURI = withQuery
	res, err := t.AuthorizedBack(ctx, ar)
	if err != nil {
		return err
	}
	// Any redirect to the client adds parameters (code and state, or an
	// error): the registered query must survive it.
	q := res.Callback.Query()
	if q.Get("tenant") != "authspec" || q.Get("lang") != "en" {
		return expect.Fail(res.Last, "tenant=authspec&lang=en kept next to the parameters the server added", res.Callback.Redacted(),
			"the redirect lost the registered query component").
			WithFix("parse the registered redirect URI and add code, state and iss to its existing query")
	}
	return nil
}
