package rfc9126

import (
	"context"
	"net/url"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// keywordlessMetadata is why the §5 members, defined without a keyword,
// bind the server at MUST level.
const keywordlessMetadata = "RFC 9126 §5 defines each member as a statement about this server (where it takes pushed requests, whether it takes any other); " +
	"a member of another type, or a statement the server does not honour, makes the document untrue, and clients act on it"

// metadataChecks returns the checks of RFC 9126 §5, Authorization Server
// Metadata.
func metadataChecks() []*suite.Check {
	return []*suite.Check{metadataMembers, requestURIUsable, requirePARHonoured}
}

var metadataMembers = &suite.Check{
	ID: "rfc9126-5-metadata-members", Spec: suite.RFC9126, Section: "5", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePAR}, Profiles: profiles,
	Title: "pushed_authorization_request_endpoint is an absolute URL, require_pushed_authorization_requests a boolean",
	Quote: "pushed_authorization_request_endpoint : The URL of the pushed authorization request endpoint at which a client can post an authorization request to exchange for a request_uri value usable at the authorization server. " +
		"require_pushed_authorization_requests : Boolean parameter indicating whether the authorization server accepts authorization request data only via PAR. If omitted, the default value is false.",
	Keywordless: keywordlessMetadata,
	Run:         runMetadataMembers,
}

func runMetadataMembers(ctx context.Context, t *suite.T) error {
	raw := t.Target.Metadata.Raw
	res := t.Target.MetadataResult
	ep := raw["pushed_authorization_request_endpoint"]
	s, _ := ep.(string)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
		return expect.Fail(res, "pushed_authorization_request_endpoint: an absolute https URL", "pushed_authorization_request_endpoint: "+expect.Describe(ep),
			"the metadata's pushed_authorization_request_endpoint is not a URL").WithFix("give the absolute URL of the PAR endpoint")
	}
	if v, ok := raw["require_pushed_authorization_requests"]; ok {
		if _, isBool := v.(bool); !isBool {
			return expect.Fail(res, "require_pushed_authorization_requests: true or false", "require_pushed_authorization_requests: "+expect.Describe(v),
				"the metadata's require_pushed_authorization_requests is not a JSON boolean").WithFix("give require_pushed_authorization_requests as true or false (or omit it for false)")
		}
	}
	return nil
}

var requestURIUsable = &suite.Check{
	ID: "rfc9126-5-request-uri-usable", Spec: suite.RFC9126, Section: "5", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title:       "A pushed request's request_uri, sent with client_id to the authorization endpoint, gives a code that redeems",
	Quote:       "A request_uri value obtained from the PAR endpoint is usable at the authorization endpoint regardless of other authorization server metadata such as request_uri_parameter_supported or require_request_uri_registration [OIDC.Disco].",
	Keywordless: keywordlessMetadata,
	Run:         runRequestURIUsable,
}

func runRequestURIUsable(ctx context.Context, t *suite.T) error {
	var p *pushed
	var res *fixture.AuthzResult
	// A request_uri used after its expires_in (the suite slowed down by a
	// loaded machine or a busy browser) is pushed again, once.
	for attempt := 1; ; attempt++ {
		var err error
		if p, err = push(ctx, t, nil, nil); err != nil {
			return err
		}
		if res, err = t.TryAuthorize(ctx, p.Request); err != nil {
			return err
		}
		since, late := p.late()
		if res.Param("code") != "" || !late {
			break
		}
		if attempt == 2 {
			return suite.SkipErr("the request_uri was used %s after its push, past its expires_in of %g s, twice: the refusal may be its expiry (the suite was slowed down; run again on a less loaded machine)",
				since.Round(time.Millisecond), p.ExpiresIn)
		}
		t.Logf("the request_uri was used %s after its push, past its expires_in of %g s: pushing again", since.Round(time.Millisecond), p.ExpiresIn)
	}
	code := res.Param("code")
	if code == "" {
		return expect.Fail(res.Last, "a redirect with a code", how(res),
			"the authorization endpoint did not serve the request_uri the PAR endpoint issued").
			WithFix("serve an authorization request carrying client_id and a request_uri of the PAR endpoint with the pushed parameters").WithEvidence(p.Res.Exchange)
	}
	tok, err := t.Redeem(ctx, p.Pushed, code, nil)
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(tok); err != nil {
		return expect.Evidence(expect.WithFix(err, "redeem the codes of pushed requests as any other code, with the pushed redirect_uri and code_challenge"), p.Res.Exchange)
	}
	return nil
}

var requirePARHonoured = &suite.Check{
	ID: "rfc9126-5-require-par-honoured", Spec: suite.RFC9126, Section: "5", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title:       "require_pushed_authorization_requests tells the truth: true refuses a plain authorization request, false serves it",
	Quote:       "require_pushed_authorization_requests : Boolean parameter indicating whether the authorization server accepts authorization request data only via PAR. If omitted, the default value is false.",
	Keywordless: keywordlessMetadata + "; with true, §4 says the server \"will refuse, using the invalid_request error code, to process any request to the authorization endpoint that does not have a request_uri parameter with a value obtained from the PAR endpoint\"",
	Run:         runRequirePARHonoured,
}

// runRequirePARHonoured sends a plain authorization request: with
// require_pushed_authorization_requests true it must be refused; with
// false (or omitted) it must be served, unless the server requires PAR of
// this client alone (RFC 9126 §4 allows that per client), which is SKIP.
func runRequirePARHonoured(ctx context.Context, t *suite.T) error {
	required := t.Target.Metadata.RequirePAR()
	r, err := t.AuthRequestFor(ctx, nil, func(r *fixture.AuthRequest) { r.Plain = true })
	if err != nil {
		return err
	}
	res, err := t.TryAuthorize(ctx, r)
	if err != nil {
		return err
	}
	if required {
		p, err := push(ctx, t, nil, nil)
		if err != nil {
			return err
		}
		if _, err := authorized(ctx, t, p); err != nil {
			return err
		}
		return refused(res, "a plain authorization request although require_pushed_authorization_requests is true",
			"refuse, with invalid_request, every authorization request without a request_uri of the PAR endpoint")
	}
	if res.Param("code") == "" {
		return suite.SkipErr("require_pushed_authorization_requests is not true, yet the plain authorization request came back without a code (%s): the server may require PAR of this client alone, which RFC 9126 §4 allows", how(res))
	}
	return nil
}

// how says how an authorization without a code ended.
func how(res *fixture.AuthzResult) string {
	switch {
	case res.Param("error") != "":
		return "error=" + res.Param("error")
	case res.Shown != nil:
		return res.Shown.Describe()
	}
	return "no redirect with a code"
}
