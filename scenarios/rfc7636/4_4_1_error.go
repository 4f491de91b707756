package rfc7636

import (
	"context"
	"encoding/json"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// errorChecks returns the checks of RFC 7636 §4.4.1, Error Response.
func errorChecks() []*suite.Check {
	return []*suite.Check{
		requiredChallengeInvalidRequest, unsupportedMethodInvalidRequest,
		requiredChallengeExplained, unsupportedMethodExplained,
	}
}

var requiredChallengeExplained = &suite.Check{
	ID: "rfc7636-4.4.1-required-challenge-explained", Spec: suite.RFC7636, Section: "4.4.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeaturePKCE, vocab.FeaturePublicClient, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfilePKCE},
	Title:    "The invalid_request error for a public client's request without code_challenge carries error_description or error_uri",
	Quote:    "The \"error_description\" or the response of \"error_uri\" SHOULD explain the nature of error, e.g., code challenge required.",
	Run:      runRequiredChallengeExplained,
}

func runRequiredChallengeExplained(ctx context.Context, t *suite.T) error {
	_, _, res, err := tryWithoutChallenge(ctx, t)
	if err != nil {
		return err
	}
	return wantExplained(res, "no code_challenge from a public client",
		"say in error_description that a code challenge is required (e.g. \"code_challenge required: send code_challenge with code_challenge_method=S256\")")
}

var unsupportedMethodExplained = &suite.Check{
	ID: "rfc7636-4.4.1-unsupported-method-explained", Spec: suite.RFC7636, Section: "4.4.1", Level: suite.Should,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE},
	Title: "The invalid_request error for an unsupported code_challenge_method carries error_description or error_uri",
	Quote: "The \"error_description\" or the response of \"error_uri\" SHOULD explain the nature of error, e.g., transform algorithm not supported.",
	Run:   runUnsupportedMethodExplained,
}

func runUnsupportedMethodExplained(ctx context.Context, t *suite.T) error {
	_, res, err := tryUnknownMethod(ctx, t)
	if err != nil {
		return err
	}
	return wantExplained(res, "code_challenge_method="+unknownMethod,
		"say in error_description that the transformation is not supported and which are (e.g. \"code_challenge_method not supported; use S256\")")
}

// wantExplained judges the error response to a request refused with
// invalid_request: error_description or error_uri is there. Whether its
// text explains is for a person to read. A request not refused so is
// SKIP: the section's MUST checks report it.
func wantExplained(res *fixture.AuthzResult, what, fix string) error {
	if res.ErrorCode() != "invalid_request" {
		return suite.SkipErr("the request with %s was not answered error=invalid_request (the RFC 7636 §4.4.1 error code checks judge that)", what)
	}
	if res.ErrorDescription() != "" || errorURI(res) != "" {
		return nil
	}
	return expect.Fail(res.LastResponse(), "error_description or error_uri explaining the error", "error=invalid_request alone",
		"the invalid_request error for %s does not say what is wrong", what).WithFix(fix)
}

// errorURI is the error_uri of the error res carries.
func errorURI(res *fixture.AuthzResult) string {
	if !res.PushRefused() {
		return res.Param("error_uri")
	}
	var e struct {
		URI string `json:"error_uri"`
	}
	_ = json.Unmarshal(res.Push.Body, &e)
	return e.URI
}

var requiredChallengeInvalidRequest = &suite.Check{
	ID: "rfc7636-4.4.1-required-challenge-invalid-request", Spec: suite.RFC7636, Section: "4.4.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeaturePKCE, vocab.FeaturePublicClient, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfilePKCE, vocab.ProfileOAuth21},
	Title:    "A server requiring PKCE answers a public client's request without code_challenge with error=invalid_request",
	Quote:    "If the server requires Proof Key for Code Exchange (PKCE) by OAuth public clients and the client does not send the \"code_challenge\" in the request, the authorization endpoint MUST return the authorization error response with the \"error\" value set to \"invalid_request\".",
	Run:      runRequiredChallengeInvalidRequest,
}

func runRequiredChallengeInvalidRequest(ctx context.Context, t *suite.T) error {
	c, ar, res, err := tryWithoutChallenge(ctx, t)
	if err != nil {
		return err
	}
	if res.Param("code") != "" {
		return suite.SkipErr("the server does not require PKCE from public clients (rfc8252-8.1-pkce-required-native judges that of native apps)")
	}
	// The refusal is about the challenge only if the same client gets a
	// code with one.
	if _, err := t.CodeFor(ctx, c, nil); err != nil {
		return suite.SkipErr("the public client gets no code with a code_challenge either (%v): nothing shows that the missing challenge is the reason", err)
	}
	return wantErrorRedirect(res, ar.State, "invalid_request", "no code_challenge from a public client",
		"redirect to the client with error=invalid_request (and error_description \"code challenge required\")")
}

var unsupportedMethodInvalidRequest = &suite.Check{
	ID: "rfc7636-4.4.1-unsupported-method-invalid-request", Spec: suite.RFC7636, Section: "4.4.1", Level: suite.Must,
	Requires: confidentialFlow(), Profiles: []vocab.Profile{vocab.ProfilePKCE},
	Title: "An unsupported code_challenge_method is refused with error=invalid_request",
	Quote: "If the server supporting PKCE does not support the requested transformation, the authorization endpoint MUST return the authorization error response with \"error\" value set to \"invalid_request\".",
	Run:   runUnsupportedMethodInvalidRequest,
}

func runUnsupportedMethodInvalidRequest(ctx context.Context, t *suite.T) error {
	ar, res, err := tryUnknownMethod(ctx, t)
	if err != nil {
		return err
	}
	return wantErrorRedirect(res, ar.State, "invalid_request", "code_challenge_method="+unknownMethod,
		"refuse transformations other than S256 (and plain, if supported) with error=invalid_request, never fall back to S256")
}

// unknownMethod is a code_challenge_method no server supports.
const unknownMethod = "authspec-unknown-method"

// tryUnknownMethod sends an authorization request of the run's client
// whose code_challenge_method is unknownMethod.
func tryUnknownMethod(ctx context.Context, t *suite.T) (*fixture.AuthRequest, *fixture.AuthzResult, error) {
	p := fixture.NewPKCE()
	p.Method = unknownMethod
	return t.TryAuthorizeFor(ctx, nil, withPKCE(&p))
}

// tryWithoutChallenge sends an authorization request of the run's public
// client without code_challenge.
func tryWithoutChallenge(ctx context.Context, t *suite.T) (*fixture.Client, *fixture.AuthRequest, *fixture.AuthzResult, error) {
	c, err := t.Public(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ar, res, err := t.TryAuthorizeFor(ctx, c, withPKCE(nil))
	return c, ar, res, err
}
