package rfc6749

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// clientPasswordChecks returns the checks of RFC 6749 §2.3.1, Client
// Password.
func clientPasswordChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-2.3.1-credentials-not-in-uri", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.MustNot,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "Client credentials in the token endpoint's URI query do not authenticate the client",
			Quote:    "The parameters can only be transmitted in the request-body and MUST NOT be included in the request URI.",
			Run:      runCredentialsNotInURI,
		},
		{
			ID: "rfc6749-2.3.1-client-secret-post", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureSecretPost, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "client_id and client_secret in the request body authenticate the client when client_secret_post is advertised",
			Quote:    "Alternatively, the authorization server MAY support including the client credentials in the request-body using the following parameters: client_id REQUIRED. ... client_secret REQUIRED.",
			Run:      runClientSecretPost,
		},
		{
			ID: "rfc6749-2.3.1-basic-auth-accepted", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "The token endpoint accepts client credentials in HTTP Basic",
			Quote:    "The authorization server MUST support the HTTP Basic authentication scheme for authenticating clients that were issued a client password.",
			Run:      runBasicAccepted,
		},
		{
			ID: "rfc6749-2.3.1-basic-form-urldecoded", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials},
			Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:    "HTTP Basic client_id and client_secret are form-url-decoded",
			Quote:    "The client identifier is encoded using the \"application/x-www-form-urlencoded\" encoding algorithm per Appendix B, and the encoded value is used as the username; the client password is encoded using the same algorithm and used as the password.",
			Run:      runBasicURLDecoded,
		},
	}
}

func runClientSecretPost(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	post := *c
	post.AuthMethod = "client_secret_post"
	res, err := t.Token(ctx, &post, clientCredentials(), "client_credentials with client_secret_post")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(res, http.StatusOK),
		"accept client_id and client_secret in the form body, or stop listing client_secret_post in token_endpoint_auth_methods_supported")
}

func runCredentialsNotInURI(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	u, err := tokenURL(t, url.Values{"client_id": {c.ID}, "client_secret": {c.Secret}})
	if err != nil {
		return err
	}
	res, err := sendRaw(ctx, t, http.MethodPost, u, formType, clientCredentials().Encode(), "",
		"client_credentials with client_id and client_secret in the URI query only")
	if err != nil {
		return err
	}
	if issuedTokens(res) {
		return expect.Fail(res, "error=invalid_client (or invalid_request)", "HTTP 200 with tokens",
			"the client was authenticated by a secret in the request URI, where logs and proxies record it").
			WithFix("read client credentials only from the Authorization header or the form body, never from the query")
	}
	return nil
}

func runBasicAccepted(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	res, err := t.Token(ctx, c, clientCredentials(), "client_credentials with HTTP Basic")
	if err != nil {
		return err
	}
	if res.Status == http.StatusBadRequest || res.Status == http.StatusUnauthorized {
		m, _ := expect.JSONObject(res, false)
		desc, _ := m["error_description"].(string)
		if strings.Contains(strings.ToLower(desc), "client_id") {
			return expect.Fail(res, "HTTP 200 with tokens", "HTTP "+http.StatusText(res.Status)+": "+desc,
				"the server ignores the Authorization header and looks for client_id in the body").
				WithFix("read client credentials from the HTTP Basic Authorization header; client_secret_basic is the RFC 7591 default method")
		}
	}
	return expect.WithFix(expect.Status(res, http.StatusOK),
		"accept client_secret_basic at the token endpoint (RFC 6749 §2.3.1 makes it mandatory)")
}

// percentEncodeAll encodes every octet, which a form-url-decoding server
// turns back into the same value.
func percentEncodeAll(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte('%')
		b.WriteByte(hex[s[i]>>4])
		b.WriteByte(hex[s[i]&15])
	}
	return b.String()
}

func runBasicURLDecoded(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	res, err := sendRaw(ctx, t, http.MethodPost, t.Target.Metadata.TokenEndpoint, formType, clientCredentials().Encode(),
		basic(percentEncodeAll(c.ID), percentEncodeAll(c.Secret)), "HTTP Basic with every octet of client_id and client_secret percent-encoded")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(res, http.StatusOK),
		"form-url-decode the Basic user name and password before comparing them (RFC 6749 §2.3.1, Appendix B); secrets containing +, /, :, % or spaces otherwise fail")
}
