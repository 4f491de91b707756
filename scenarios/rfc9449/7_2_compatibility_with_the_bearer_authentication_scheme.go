package rfc9449

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

func bearerChecks() []*suite.Check {
	return []*suite.Check{boundTokenAsBearer, noErrorWithoutCredentials, errorInDPoPChallenge}
}

var boundTokenAsBearer = &suite.Check{
	ID: "rfc9449-7.2-bound-token-as-bearer-refused", Spec: suite.RFC9449, Section: "7.2", Level: suite.Must,
	Requires: atResource, Profiles: profiles,
	Title: "The resource refuses a DPoP-bound access token sent as a bearer token",
	Quote: "Specifically, such a protected resource MUST reject a DPoP-bound access token received as a bearer token per [RFC6750].",
	Run:   runBoundTokenAsBearer,
}

func runBoundTokenAsBearer(ctx context.Context, t *suite.T) error {
	_, token, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+token, "call the resource with the DPoP-bound token as a bearer token")
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return expect.Fail(res, "HTTP 401", fmt.Sprintf("HTTP %d", res.Status),
			"the resource accepted a DPoP-bound access token sent with the Bearer scheme and no proof").
			WithFix("refuse a DPoP-bound token (cnf.jkt) sent as a bearer token")
	}
	return nil
}

var noErrorWithoutCredentials = &suite.Check{
	ID: "rfc9449-7.2-no-error-without-credentials", Spec: suite.RFC9449, Section: "7.2", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureDPoP, vocab.FeatureResource}, Profiles: profiles,
	Title: "The resource's challenges to a request without credentials carry no error information",
	Quote: "If no authentication information has been included with the request, then the challenges SHOULD NOT include an error code or other error information, as per Section 3.1 of [RFC6750] ...",
	Run:   runNoErrorWithoutCredentials,
}

func runNoErrorWithoutCredentials(ctx context.Context, t *suite.T) error {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return suite.SkipErr("the resource %s serves a request without credentials (HTTP %d): no challenge to judge", t.Target.Resource, res.Status)
	}
	for _, c := range probe.ParseChallenges(res.Header.Values("WWW-Authenticate")) {
		for _, name := range []string{"error", "error_description", "error_uri"} {
			if _, ok := c.Params[name]; ok {
				return expect.Fail(res, "challenges without error information", expect.HeaderLine(res, "WWW-Authenticate"),
					"the %s challenge to a request without credentials carries %s", c.Scheme, name).
					WithFix("answer a request without credentials with bare challenges (realm, scope, algs), no error parameters")
			}
		}
	}
	return nil
}

var errorInDPoPChallenge = &suite.Check{
	ID: "rfc9449-7.2-error-in-dpop-challenge", Spec: suite.RFC9449, Section: "7.2", Level: suite.Should,
	Requires: atResource, Profiles: profiles,
	Title: "The error of a refused DPoP proof comes in the DPoP challenge, not the Bearer one",
	Quote: "If the mechanism used to attempt authentication could be established unambiguously, then the corresponding challenge SHOULD be used to deliver error information ...",
	Run:   runErrorInDPoPChallenge,
}

// runErrorInDPoPChallenge reads the answer to a DPoP-bound token (scheme
// DPoP and a DPoP header: the mechanism is unambiguous) with an invalid
// proof: its error belongs in the DPoP challenge.
func runErrorInDPoPChallenge(ctx context.Context, t *suite.T) error {
	res, err := invalidProofAnswer(ctx, t)
	if err != nil {
		return err
	}
	dc, hasDPoP := challengeOf(res, "DPoP")
	bc, hasBearer := challengeOf(res, "Bearer")
	if hasBearer && bc.Params["error"] != "" && (!hasDPoP || dc.Params["error"] == "") {
		return expect.Fail(res, "the error in the DPoP challenge", expect.HeaderLine(res, "WWW-Authenticate"),
			"the resource gives the error of a refused DPoP proof in its Bearer challenge, not in a DPoP challenge").
			WithFix(`answer a request made with the DPoP scheme with WWW-Authenticate: DPoP error="invalid_dpop_proof", ...`)
	}
	return nil
}
