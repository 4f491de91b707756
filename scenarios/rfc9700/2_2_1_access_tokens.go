package rfc9700

import (
	"context"
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
	return []*suite.Check{
		{
			ID: "rfc9700-2.2.1-sender-constrained-tokens", Spec: suite.RFC9700, Section: "2.2.1", Level: suite.Should,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureNonInteractive},
			Profiles: []vocab.Profile{vocab.ProfileOAuth21},
			Title:    "The server offers sender-constrained access tokens: DPoP or mutual TLS in its metadata, or a DPoP token request answered with a DPoP-bound token",
			Quote:    "Authorization and resource servers SHOULD use mechanisms for sender-constraining access tokens, such as mutual TLS for OAuth 2.0 [RFC8705] or OAuth 2.0 Demonstrating Proof of Possession (DPoP) [RFC9449] (see Section 4.10.1), to prevent misuse of stolen and leaked access tokens.",
			Run:      runSenderConstrainedTokens,
		},
	}
}

// runSenderConstrainedTokens PASSes a server whose metadata offers mutual
// TLS certificate-bound tokens (tls_client_certificate_bound_access_tokens,
// which authspec cannot present) or DPoP (dpop_signing_alg_values_supported:
// the RFC 9449 checks judge it). Otherwise it redeems a code with a valid
// DPoP proof anyway, since a server may support DPoP without saying so:
// a DPoP token PASSes, a Bearer token is the WARN.
func runSenderConstrainedTokens(ctx context.Context, t *suite.T) error {
	md := t.Target.Metadata.Raw
	if v, _ := md["tls_client_certificate_bound_access_tokens"].(bool); v {
		t.Logf("the metadata offers mutual-TLS certificate-bound access tokens (RFC 8705)")
		return nil
	}
	if algs, _ := md["dpop_signing_alg_values_supported"].([]any); len(algs) > 0 {
		t.Logf("the metadata offers DPoP (dpop_signing_alg_values_supported); the RFC 9449 checks judge the binding")
		return nil
	}
	key, err := dpop.NewKey("ES256")
	if err != nil {
		return err
	}
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := dpop.Do(ctx, t.HTTP, key, nil, dpop.Request{Build: tokenRequest(t, g.Client, g.Request.RedeemForm(g.Code)),
		Note: "redeem the code with a DPoP proof, which the metadata does not offer"})
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return suite.SkipErr("the token request with a DPoP proof got no tokens (%s): whether tokens are sender-constrained was not observed", expect.Outcome(res))
	}
	if strings.EqualFold(ts.TokenType, "DPoP") {
		return nil
	}
	return expect.Fail(res, "token_type DPoP (or DPoP or mutual TLS offered in the metadata)", "token_type "+ts.TokenType,
		"the server offers no sender-constrained access tokens: the metadata has neither dpop_signing_alg_values_supported nor tls_client_certificate_bound_access_tokens, "+
			"and a token request with a valid DPoP proof got a bearer token, which anyone who steals it can use").
		WithFix("support DPoP (RFC 9449) or mutual-TLS certificate-bound tokens (RFC 8705), and advertise it in the metadata")
}

// tokenRequest builds c's token request with form, for dpop.Do.
func tokenRequest(t *suite.T, c *fixture.Client, form url.Values) func(ctx context.Context) (*http.Request, error) {
	ep := t.Target.Metadata.TokenEndpoint
	return func(ctx context.Context) (*http.Request, error) {
		f := url.Values{}
		for k, v := range form {
			f[k] = append([]string(nil), v...)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep, http.NoBody)
		if err != nil {
			return nil, err
		}
		fixture.ClientAuth(c, req, f)
		body := f.Encode()
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	}
}
