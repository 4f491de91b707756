package rfc9449

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

func tokenRequestChecks() []*suite.Check {
	return []*suite.Check{invalidProofError, tokenTypeDPoP, publicRefreshBound}
}

var invalidProofError = &suite.Check{
	ID: "rfc9449-5-invalid-proof-error", Spec: suite.RFC9449, Section: "5", Level: suite.Must,
	Requires: atToken, Profiles: profiles,
	Title:       "An invalid DPoP proof at the token endpoint is answered invalid_dpop_proof",
	Quote:       "If the DPoP proof is invalid, the authorization server issues an error response per Section 5.2 of [RFC6749] with invalid_dpop_proof as the value of the error parameter.",
	Keywordless: "RFC 9449 §5 defines the error the server returns for an invalid proof, as RFC 6749 §5.2 does for its errors; the definition is normative for every such response",
	Run:         runInvalidProofError,
}

func runInvalidProofError(ctx context.Context, t *suite.T) error {
	// The control: the same redemption with a valid proof works, so the
	// error answers the proof and nothing else.
	h, _, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	res, err := h.redeem(ctx, t, nil, nil, dpop.Proof{Method: http.MethodGet}, "redeem an authorization code with a DPoP proof whose htm is GET")
	if err != nil {
		return err
	}
	if res.Status == http.StatusOK {
		return suite.SkipErr("the token endpoint accepted a proof whose htm is GET (rfc9449-4.3-htm-mismatch-refused judges that): no error response to judge")
	}
	return expect.WithFix(expect.ErrorResponse(res, "invalid_dpop_proof"), "answer an invalid DPoP proof with error invalid_dpop_proof")
}

var tokenTypeDPoP = &suite.Check{
	ID: "rfc9449-5-token-type-dpop", Spec: suite.RFC9449, Section: "5", Level: suite.Must,
	Requires: atToken, Profiles: profiles,
	Title: "A DPoP-bound access token is answered with token_type DPoP",
	Quote: "A token_type of DPoP MUST be included in the access token response to signal to the client that the access token was bound to its DPoP key and can be used as described in Section 7.1.",
	Run:   runTokenTypeDPoP,
}

func runTokenTypeDPoP(ctx context.Context, t *suite.T) error {
	h, ts, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	switch {
	case strings.EqualFold(ts.TokenType, "DPoP"):
		return nil
	case !strings.EqualFold(ts.TokenType, "Bearer"):
		return expect.Fail(ts.Result, `token_type "DPoP" (or "Bearer" for a token that is not bound)`, fmt.Sprintf("%q", ts.TokenType),
			"the token response to a request with a DPoP proof has token_type %q", ts.TokenType)
	case t.Target.Resource == "":
		return suite.SkipErr("the server answered token_type Bearer, which RFC 9449 §5 allows for a token it did not bind; whether it is bound needs a protected resource (set resource: in the config)")
	}
	return bearerIsUnbound(ctx, t, h, ts)
}

// bearerIsUnbound judges a token answered as Bearer: the resource must
// accept it as a bearer token, else it is bound and mislabelled.
func bearerIsUnbound(ctx context.Context, t *suite.T, h *holder, ts *fixture.TokenSet) error {
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the resource with the token as a bearer token")
	if err != nil {
		return err
	}
	if probe.Accepted(res) {
		return nil
	}
	bound, err := h.resourceCall(ctx, t, ts.AccessToken, dpop.Proof{}, "call the resource with the token and a DPoP proof")
	if err != nil {
		return err
	}
	if !probe.Accepted(bound) {
		return suite.SkipErr("the resource accepts the token neither as bearer (HTTP %d) nor with a DPoP proof (HTTP %d): nothing tells whether it is bound", res.Status, bound.Status)
	}
	// A resource that takes only the DPoP scheme may take an unbound
	// token with any proof: the token is bound only if a proof of
	// another key is refused.
	other, err := newHolder(t)
	if err != nil {
		return err
	}
	foreign, err := other.resourceCall(ctx, t, ts.AccessToken, dpop.Proof{}, "call the resource with the token and a DPoP proof of another key (control)")
	if err != nil {
		return err
	}
	if probe.Accepted(foreign) {
		return suite.SkipErr("the resource refuses the token as a bearer token (HTTP %d) but takes it with a DPoP proof of any key (HTTP %d): it takes only the DPoP scheme, and nothing shows the token is bound", res.Status, foreign.Status)
	}
	return expect.Fail(ts.Result, `token_type "DPoP"`, `"Bearer"`,
		"the access token is bound to the DPoP key (the resource refuses it as a bearer token and with another key's proof, and accepts it with the key's proof) but the token response says token_type Bearer").
		WithEvidence(res.Exchange, foreign.Exchange).WithFix("answer token_type DPoP for every access token bound to a DPoP key")
}

var publicRefreshBound = &suite.Check{
	ID: "rfc9449-5-public-refresh-bound", Spec: suite.RFC9449, Section: "5", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDPoP, vocab.FeatureAuthCode, vocab.FeatureRefresh, vocab.FeaturePublicClient, vocab.FeatureNonInteractive},
	Profiles: profiles, Destroys: true,
	Title: "A public client's refresh token stays bound to its DPoP key: another key, or no proof, is refused",
	Quote: "When an authorization server supporting DPoP issues a refresh token to a public client that presents a valid DPoP proof at the token endpoint, the refresh token MUST be bound to the respective public key. The binding MUST be validated when the refresh token is later presented to get new access tokens.",
	Run:   runPublicRefreshBound,
}

func runPublicRefreshBound(ctx context.Context, t *suite.T) error {
	pub, err := t.Public(ctx)
	if err != nil {
		return err
	}
	h, ts, err := boundHolder(ctx, t, pub, nil)
	if err != nil {
		return err
	}
	if ts.RefreshToken == "" {
		return suite.SkipErr("the token response carries no refresh_token")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ts.RefreshToken}}
	ctl, err := h.token(ctx, t, pub, form, dpop.Proof{}, "refresh with a proof of the same key (control)")
	if err != nil {
		return err
	}
	if ctl.Status != http.StatusOK {
		return suite.SkipErr("a refresh with a proof of the key the refresh token was issued with failed (HTTP %d: %s): nothing to compare with", ctl.Status, ctl.Snippet())
	}
	next, err := t.ParseTokens(ctl)
	if err != nil {
		return err
	}
	if next.RefreshToken != "" {
		form.Set("refresh_token", next.RefreshToken)
	}
	return refreshRefused(ctx, t, pub, form)
}

// refreshRefused sends the refresh request form with a proof of another
// key, then without a proof: both must be refused.
func refreshRefused(ctx context.Context, t *suite.T, pub *fixture.Client, form url.Values) error {
	other, err := newHolder(t)
	if err != nil {
		return err
	}
	res, err := other.token(ctx, t, pub, form, dpop.Proof{}, "refresh with a proof of another key")
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400)", fmt.Sprintf("HTTP %d", res.Status),
			"a public client's DPoP-bound refresh token was used with a proof of another key").
			WithFix("bind a public client's refresh token to the key of its DPoP proof and compare it at every refresh")
	}
	res, err = t.Token(ctx, pub, form, "refresh without a DPoP proof")
	if err != nil {
		return err
	}
	if err := neitherTokenNorRefusal(res); err != nil {
		return err
	}
	if !refused(res) {
		return expect.Fail(res, "a refusal (HTTP 400)", fmt.Sprintf("HTTP %d", res.Status),
			"a public client's DPoP-bound refresh token was used without a DPoP proof").
			WithFix("require a proof of the bound key with every refresh of a public client's DPoP-bound refresh token")
	}
	return nil
}
