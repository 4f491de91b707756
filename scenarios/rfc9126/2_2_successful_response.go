package rfc9126

import (
	"context"
	"fmt"
	"math"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// successChecks returns the checks of RFC 9126 §2.2, Successful Response.
func successChecks() []*suite.Check {
	return []*suite.Check{createdResponse, boundToClient, pushedParametersWin}
}

var createdResponse = &suite.Check{
	ID: "rfc9126-2.2-created-response", Spec: suite.RFC9126, Section: "2.2", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title: "A successful push is answered 201 with a JSON request_uri and a positive integer expires_in",
	Quote: "If the verification is successful, the server MUST generate a request URI and provide it in the response with a 201 HTTP status code. The following parameters are included as top-level members in the message body of the HTTP response using the application/json media type ... request_uri ... expires_in : A JSON number that represents the lifetime of the request URI in seconds as a positive integer.",
	Run:   runCreatedResponse,
}

func runCreatedResponse(ctx context.Context, t *suite.T) error {
	r, err := t.AuthRequestFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := t.Push(ctx, r, nil)
	if err != nil {
		return err
	}
	fix := "answer a successful push with 201 Created and a JSON object holding request_uri and expires_in (seconds, a positive integer)"
	if res.Status/100 == 4 {
		// The sentence binds a push whose verification succeeds; a
		// refusal says it did not (a signed request object required, a
		// policy), which the §2.3 checks judge.
		return suite.SkipErr("the push of the run's usual authorization request was refused (%s): the sentence is about a push the server verifies successfully", expect.Outcome(res))
	}
	if err := expect.Status(res, http.StatusCreated); err != nil {
		return expect.WithFix(err, fix)
	}
	m, err := expect.JSONObject(res, true)
	if err != nil {
		return expect.WithFix(err, fix)
	}
	if _, err := expect.Member(res, m, "request_uri"); err != nil {
		return expect.WithFix(err, fix)
	}
	n, ok := m["expires_in"].(float64)
	if !ok || n <= 0 || n != math.Trunc(n) {
		return expect.Fail(res, "expires_in: a positive integer", fmt.Sprintf("expires_in: %s", expect.Describe(m["expires_in"])),
			"the PAR response does not give the request_uri's lifetime as a positive integer").WithFix(fix)
	}
	return nil
}

var boundToClient = &suite.Check{
	ID: "rfc9126-2.2-bound-to-client", Spec: suite.RFC9126, Section: "2.2", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title: "A request_uri used with the client_id of another client gets no code",
	Quote: "The request_uri value MUST be bound to the client that posted the authorization request.",
	Run:   runBoundToClient,
}

// runBoundToClient pushes a request as the run's client, then uses its
// request_uri with another client's client_id; the baseline is the same
// flow with the pushing client, which comes back with a code.
func runBoundToClient(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, c)
	if err != nil {
		return err
	}
	base, err := push(ctx, t, c, nil)
	if err != nil {
		return err
	}
	if _, err := authorized(ctx, t, base); err != nil {
		return err
	}
	p, err := push(ctx, t, c, nil)
	if err != nil {
		return err
	}
	r := *p.Request
	r.Client = other
	res, err := t.TryAuthorize(ctx, &r)
	if err != nil {
		return err
	}
	return expect.Evidence(refused(res, "another client's request_uri",
		"record which client pushed the request and refuse its request_uri with any other client_id"), p.Res.Exchange)
}

var pushedParametersWin = &suite.Check{
	ID: "rfc9126-2.2-pushed-parameters-win", Spec: suite.RFC9126, Section: "2.2", Level: suite.Must,
	Requires: par, Profiles: profiles,
	Title: "The authorization request with a request_uri is the pushed one: a state sent beside it does not replace the pushed state",
	Quote: "request_uri : The request URI corresponding to the authorization request posted. This URI is a single-use reference to the respective request data in the subsequent authorization request.",
	Keywordless: "RFC 9126 §2.2 defines request_uri as the reference to the request data posted, and §4 builds the authorization request as RFC 9101 does, whose §6.3 says the server \"MUST only use the parameters in the Request Object, even if the same parameter is provided in the query parameter\"; " +
		"a server may also refuse the extra parameters",
	Run: runPushedParametersWin,
}

// runPushedParametersWin pushes a request with one state and sends the
// authorization request with another state beside the request_uri.
func runPushedParametersWin(ctx context.Context, t *suite.T) error {
	p, err := push(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	r := *p.Request
	other := fixture.RandomState()
	r.Extra = map[string][]string{"state": {other}}
	res, err := t.TryAuthorize(ctx, &r)
	if err != nil {
		return err
	}
	if res.Callback == nil || res.Param("code") == "" {
		return nil // refused: lawful
	}
	if got := res.Param("state"); got == other {
		return expect.Fail(res.Last, "state="+p.Pushed.State+" (the pushed one)", "state="+got+" (the one sent beside the request_uri)",
			"the authorization server used a parameter of the authorization request instead of the pushed one").
			WithFix("serve a request_uri with the pushed parameters only; ignore (or refuse) the others").WithEvidence(p.Res.Exchange)
	}
	return nil
}
