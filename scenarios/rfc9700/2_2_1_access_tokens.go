package rfc9700

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// accessTokenChecks returns the checks of RFC 9700 §2.2.1, Access Tokens.
func accessTokenChecks() []*suite.Check {
	return []*suite.Check{senderConstrainingOffered}
}

var senderConstrainingOffered = &suite.Check{
	ID: "rfc9700-2.2.1-sender-constraining-offered", Spec: suite.RFC9700, Section: "2.2.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureAuthCode, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The server offers a way to sender-constrain access tokens: DPoP or mutual TLS",
	Quote: "Authorization and resource servers SHOULD use mechanisms for sender-constraining access tokens, such as mutual TLS for OAuth 2.0 [RFC8705] or OAuth 2.0 Demonstrating Proof of Possession (DPoP) [RFC9449] (see Section 4.10.1), to prevent misuse of stolen and leaked access tokens.",
	Run:   runSenderConstrainingOffered,
}

// runSenderConstrainingOffered passes a server whose metadata offers DPoP
// (dpop_signing_alg_values_supported) or mutual TLS
// (tls_client_certificate_bound_access_tokens): the RFC 9449 checks judge
// DPoP where it is offered. Otherwise it redeems a code with a valid DPoP
// proof, for a server that binds tokens without saying so.
func runSenderConstrainingOffered(ctx context.Context, t *suite.T) error {
	raw := t.Target.Metadata.Raw
	if algs, _ := raw["dpop_signing_alg_values_supported"].([]any); len(algs) > 0 {
		t.Logf("the metadata offers DPoP (dpop_signing_alg_values_supported)")
		return nil
	}
	if mtls, _ := raw["tls_client_certificate_bound_access_tokens"].(bool); mtls {
		t.Logf("the metadata offers certificate-bound access tokens (tls_client_certificate_bound_access_tokens)")
		return nil
	}
	key, err := dpop.KeyFor(nil)
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	form := g.Request.RedeemForm(g.Code)
	res, err := dpop.Do(ctx, t.HTTP, key, &dpop.Nonces{}, dpop.Request{Note: "redeem the code with a DPoP proof (RFC 9449), which the metadata does not offer",
		Build: func(ctx context.Context) (*http.Request, error) {
			f := url.Values{}
			for k, v := range form {
				f[k] = append([]string(nil), v...)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.Target.Metadata.TokenEndpoint, http.NoBody)
			if err != nil {
				return nil, err
			}
			fixture.ClientAuth(g.Client, req, f)
			body := f.Encode()
			req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req, nil
		}})
	if err != nil {
		return err
	}
	var tok struct {
		TokenType string `json:"token_type"`
	}
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &tok) != nil {
		return suite.SkipErr("the token request with a DPoP proof answered HTTP %d%s, so whether the server binds tokens cannot be told", res.Status, expect.BodyHint(res))
	}
	if strings.EqualFold(tok.TokenType, "DPoP") {
		t.Logf("the token endpoint binds access tokens to DPoP keys, though the metadata does not say so")
		return nil
	}
	return expect.Fail(res, "a sender-constraining mechanism: DPoP (dpop_signing_alg_values_supported) or mutual TLS (tls_client_certificate_bound_access_tokens)",
		"no offer in the metadata, and token_type "+expect.Describe(tok.TokenType)+" for a request with a DPoP proof",
		"the server offers no way to bind access tokens to their client: a leaked or stolen token works for anyone who holds it").
		WithFix("support DPoP (RFC 9449) or mutual-TLS certificate-bound access tokens (RFC 8705), and advertise it in the metadata")
}
