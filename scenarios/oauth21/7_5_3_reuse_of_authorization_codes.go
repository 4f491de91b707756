package oauth21

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// codeReuseChecks returns the checks of OAuth 2.1 §7.5.3, Reuse of
// Authorization Codes.
func codeReuseChecks() []*suite.Check {
	return []*suite.Check{invalidReplayKeepsTokens}
}

// wrongVerifier is a well-formed code_verifier (RFC 7636 §4.1) that matches
// no code_challenge the run sends.
var wrongVerifier = strings.Repeat("authspec-wrong-verifier~", 2)

var invalidReplayKeepsTokens = &suite.Check{
	ID: "oauth21-7.5.3-invalid-replay-keeps-tokens", Spec: suite.OAuth21, Section: "7.5.3", Level: suite.ShouldNot,
	Destroys: true,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeaturePKCE},
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A replayed code with a wrong code_verifier is refused without revoking the tokens of the legitimate redemption",
	Quote: "The authorization server SHOULD NOT revoke any issued tokens when receiving a replayed authorization code that contains invalid parameters.",
	Run:   runInvalidReplayKeepsTokens,
}

// runInvalidReplayKeepsTokens redeems a code, then replays it with a
// code_verifier that does not match its challenge, as an attacker who stole
// the code but not the verifier would: the replay must fail, and the
// legitimate client's access token must keep working. A server that revoked
// the grant on such a replay would let anyone holding a used code revoke
// the client's tokens (a denial of service); revoking on a valid replay is
// rfc6749-4.1.2-replay-revokes-tokens.
func runInvalidReplayKeepsTokens(ctx context.Context, t *suite.T) error {
	g, first, ts, err := probe.Redeemed(ctx, t)
	if err != nil {
		return err
	}
	replay, err := g.Redeem(ctx, func(form url.Values) { form.Set("code_verifier", wrongVerifier) })
	if err != nil {
		return err
	}
	if replay.Status == http.StatusOK {
		return suite.SkipErr("the replayed code was accepted with a wrong code_verifier (rfc6749-4.1.2-code-single-use and rfc7636-4.6-wrong-verifier-refused judge that)")
	}
	active, res, err := probe.AccessTokenActive(ctx, t, g.Client, ts.AccessToken)
	if err != nil {
		return err
	}
	if !active {
		return expect.Fail(res, "the access token still accepted", "refused after the invalid replay",
			"a replay of the used code with a wrong code_verifier revoked the legitimate client's tokens: anyone who sees a used code can revoke them").
			WithEvidence(first.Exchange, replay.Exchange).
			WithFix("check the client and the code_verifier of a replayed code first; revoke the grant only when the replay is otherwise valid")
	}
	return nil
}
