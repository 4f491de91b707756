package rfc6749

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// tokenClientAuthenticationChecks returns the checks of RFC 6749 §3.2.1,
// Client Authentication (at the token endpoint).
func tokenClientAuthenticationChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-3.2.1-secret-compared-exactly", Spec: suite.RFC6749, Section: "3.2.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "A client secret that differs only in letter case does not authenticate the client",
			Quote:    "Confidential clients or other clients issued client credentials MUST authenticate with the authorization server as described in Section 2.3 when making requests to the token endpoint.",
			Keywordless: "The MUST binds the client; the server's side is its duty to authenticate the client at the token endpoint " +
				"(RFC 6749 §4.1.3 \"require client authentication for confidential clients\", §4.4.2 \"The authorization server MUST authenticate the client.\"): " +
				"a secret that is not the client's secret does not authenticate it.",
			Run: runSecretComparedExactly,
		},
		{
			ID: "rfc6749-3.2.1-public-client-id-required", Spec: suite.RFC6749, Section: "3.2.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeaturePublicClient, vocab.FeatureAuthCode},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "A code exchange by an unauthenticated client without client_id is refused",
			Quote:    "In the \"authorization_code\" \"grant_type\" request to the token endpoint, an unauthenticated client MUST send its \"client_id\" to prevent itself from inadvertently accepting a code intended for a client with a different \"client_id\".",
			Keywordless: "The MUST binds the client; the server's side is RFC 6749 §4.1.3: the server MUST \"ensure that the authorization code was issued to the authenticated confidential client, " +
				"or if the client is public, ensure that the code was issued to \"client_id\" in the request\", which it cannot do for a request without client_id.",
			Run: runPublicClientIDRequired,
		},
	}
}

func runSecretComparedExactly(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	wrong := *src.Client
	wrong.Secret = probe.SwapCase(src.Client.Secret)
	if wrong.Secret == src.Client.Secret {
		return suite.SkipErr("the client secret has no letters; cannot change its case")
	}
	t.Secret(wrong.Secret)
	res, err := src.Send(ctx, &wrong, nil, "the client secret in inverted letter case")
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		return expect.Fail(res, "error=invalid_client", outcomeOf(res),
			"a secret that is not the client's secret authenticated it: letter case is ignored, which shrinks the secret's strength").
			WithFix("compare client secrets byte for byte (in constant time, or by comparing hashes)")
	}
	if _, err := expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "invalid_client"); err != nil {
		return err
	}
	_, err = src.Confirm(ctx)
	return err
}

func runPublicClientIDRequired(ctx context.Context, t *suite.T) error {
	c, err := t.Public(ctx)
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, c, nil)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, nil, g.Request.RedeemForm(g.Code), "redeem a public client's code without client_id")
	if err != nil {
		return err
	}
	if tokenreq.Issued(res) {
		return expect.Fail(res, "an error (invalid_request or invalid_client)", "HTTP 200 with tokens",
			"a code was redeemed without naming the client it was issued to, so the server cannot check the binding").
			WithFix("require client_id from clients that do not authenticate, and compare it with the code's client")
	}
	return nil
}
